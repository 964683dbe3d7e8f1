package io.vectaraft.server.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.vectaraft.api.v1.AddNodeRequest;
import io.vectaraft.api.v1.ClusterMember;
import io.vectaraft.api.v1.ClusterNode;
import io.vectaraft.api.v1.ClusterStatusResponse;
import io.vectaraft.api.v1.MembershipResponse;
import io.vectaraft.api.v1.RaftRole;
import io.vectaraft.api.v1.RemoveNodeRequest;
import io.vectaraft.api.v1.TransferLeadershipRequest;
import io.vectaraft.api.v1.TransferLeadershipResponse;
import io.vectaraft.cluster.ClusterAdmin;
import io.vectaraft.cluster.GroupStatus;
import io.vectaraft.cluster.NodeStatus;
import io.vectaraft.cluster.Peer;
import io.vectaraft.cluster.ReplicatedStore;
import io.vectaraft.index.PreconditionException;
import io.vectaraft.wal.Store;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cluster administration RPCs (ClusterStatus, AddNode, RemoveNode, TransferLeadership) over
 * this node's {@link ClusterAdmin}; on a standalone server ClusterStatus answers {@code standalone}
 * and the changes are refused with FAILED_PRECONDITION.
 */
final class ClusterRpcs {
    /** How long another member may take to report its status. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    /** A membership or leadership change without a call deadline. */
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(60);

    private final ClusterAdmin admin; // null standalone

    ClusterRpcs(Store store) {
        this.admin = store instanceof ReplicatedStore r ? r.admin() : null;
    }

    ClusterStatusResponse status() {
        if (admin == null) {
            return ClusterStatusResponse.newBuilder().setStandalone(true).build();
        }
        GroupStatus g = admin.status(PROBE_TIMEOUT);
        ClusterStatusResponse.Builder b =
                ClusterStatusResponse.newBuilder()
                        .setNodeId(g.nodeId())
                        .setLeaderId(g.leaderId())
                        .setTerm(g.term());
        g.nodes().forEach(n -> b.addNodes(toProto(n)));
        return b.build();
    }

    MembershipResponse addNode(AddNodeRequest request) {
        return membership(
                cluster("AddNode")
                        .addNode(request.getNodeId(), request.getRaftAddress(), timeout()));
    }

    MembershipResponse removeNode(RemoveNodeRequest request) {
        return membership(cluster("RemoveNode").removeNode(request.getNodeId(), timeout()));
    }

    TransferLeadershipResponse transferLeadership(TransferLeadershipRequest request) {
        NodeStatus s =
                cluster("TransferLeadership").transferLeadership(request.getNodeId(), timeout());
        return TransferLeadershipResponse.newBuilder()
                .setLeaderId(s.leaderId())
                .setTerm(s.term())
                .build();
    }

    private ClusterAdmin cluster(String method) {
        if (admin == null) {
            throw new PreconditionException(
                    method
                            + ": expected a cluster node (started with --node-id and --peers); this"
                            + " server is standalone");
        }
        return admin;
    }

    /** The call's deadline less a second to answer in; {@link #CHANGE_TIMEOUT} without one. */
    private static Duration timeout() {
        Deadline d = Context.current().getDeadline();
        if (d == null) {
            return CHANGE_TIMEOUT;
        }
        long ms = d.timeRemaining(TimeUnit.MILLISECONDS) - 1_000;
        return Duration.ofMillis(Math.max(100, ms));
    }

    private static MembershipResponse membership(List<Peer> members) {
        MembershipResponse.Builder b = MembershipResponse.newBuilder();
        members.forEach(
                p ->
                        b.addMembers(
                                ClusterMember.newBuilder()
                                        .setId(p.id())
                                        .setRaftAddress(p.address())));
        return b.build();
    }

    private static ClusterNode toProto(NodeStatus n) {
        return ClusterNode.newBuilder()
                .setId(n.id())
                .setRaftAddress(n.raftAddress())
                .setReachable(n.reachable())
                .setRole(role(n.role()))
                .setTerm(n.term())
                .setCommitIndex(n.commitIndex())
                .setAppliedIndex(n.appliedIndex())
                .setLeaderId(n.leaderId())
                .setLastContactMs(n.lastContactMs())
                .setError(n.error())
                .build();
    }

    private static RaftRole role(NodeStatus.Role r) {
        return switch (r) {
            case LEADER -> RaftRole.RAFT_ROLE_LEADER;
            case FOLLOWER -> RaftRole.RAFT_ROLE_FOLLOWER;
            case CANDIDATE -> RaftRole.RAFT_ROLE_CANDIDATE;
            case LISTENER -> RaftRole.RAFT_ROLE_LISTENER;
            case UNKNOWN -> RaftRole.RAFT_ROLE_UNKNOWN;
        };
    }
}
