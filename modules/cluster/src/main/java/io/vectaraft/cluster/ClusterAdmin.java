package io.vectaraft.cluster;

import io.vectaraft.index.ClientText;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.PreconditionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.protocol.exceptions.ReconfigurationTimeoutException;
import org.apache.ratis.retry.ExceptionDependentRetry;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.TimeDuration;

/**
 * Administration of the Raft group through this node: its own status, every member's (each asked
 * over Ratis), readiness, and membership and leadership changes (Ratis's admin API, which finds the
 * leader itself).
 *
 * <p>A member's status is its answer to a stale read carrying {@link #STATUS_QUERY}: Ratis hands a
 * stale read to the state machine of exactly the node asked, without the leader, so a follower
 * answers for itself even while the group has no leader.
 */
public final class ClusterAdmin {
    /** The stale-read message a node answers with its own status. */
    static final String STATUS_QUERY = "vectaraft-status";

    private final RaftNode node;
    private final ReplicaStateMachine stateMachine;

    ClusterAdmin(RaftNode node, ReplicaStateMachine stateMachine) {
        this.node = node;
        this.stateMachine = stateMachine;
    }

    /** This node's id. */
    public String nodeId() {
        return node.self().toString();
    }

    /** This node's member of the group (the server hosts one group: whichever it is). */
    private RaftServer.Division division() {
        return node.division()
                .orElseThrow(
                        () ->
                                new ClusterUnavailableException(
                                        "cluster: node "
                                                + nodeId()
                                                + " is in no group yet (started with --join);"
                                                + " ask a member of the group"));
    }

    /**
     * This node's own status, read locally (no network); a server that hosts no group yet reports
     * itself out of any group, role unknown.
     */
    public NodeStatus local() {
        RaftServer.Division d;
        try {
            d = division();
        } catch (ClusterUnavailableException e) {
            return new NodeStatus(
                    nodeId(),
                    "",
                    true,
                    NodeStatus.Role.UNKNOWN,
                    0,
                    0,
                    stateMachine.applied().get(),
                    "",
                    -1,
                    false,
                    stateMachine.leaderChanges(),
                    "");
        }
        DivisionInfo info = d.getInfo();
        RaftPeerId leader = info.getLeaderId();
        RaftConfiguration conf = d.getRaftConf();
        RaftPeer self = d.getPeer();
        return new NodeStatus(
                nodeId(),
                self.getAddress() == null ? "" : self.getAddress(),
                true,
                role(info.getCurrentRole()),
                info.getCurrentTerm(),
                d.getRaftLog().getLastCommittedIndex(),
                stateMachine.applied().get(),
                leader == null ? "" : leader.toString(),
                lastContactMs(info.getRoleInfoProto()),
                conf.getPeer(node.self(), RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER) != null,
                stateMachine.leaderChanges(),
                "");
    }

    private static NodeStatus.Role role(RaftPeerRole role) {
        return switch (role) {
            case LEADER -> NodeStatus.Role.LEADER;
            case FOLLOWER -> NodeStatus.Role.FOLLOWER;
            case CANDIDATE -> NodeStatus.Role.CANDIDATE;
            case LISTENER -> NodeStatus.Role.LISTENER;
            case UNRECOGNIZED -> NodeStatus.Role.UNKNOWN;
        };
    }

    private static long lastContactMs(RoleInfoProto r) {
        return switch (r.getPeerInfoCase()) {
            case LEADERINFO -> 0;
            case FOLLOWERINFO ->
                    r.getFollowerInfo().hasLeaderInfo()
                            ? r.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs()
                            : -1;
            case CANDIDATEINFO -> r.getCandidateInfo().getLastLeaderElapsedTimeMs();
            case PEERINFO_NOT_SET -> -1;
        };
    }

    /**
     * Ready when this node is in the group's configuration, knows a leader, and has applied the
     * commit index it knows of; waits up to {@code applyWait} for the apply, so that a node
     * applying a steady stream of writes does not flap.
     */
    public ReadyCheck ready(Duration applyWait) {
        NodeStatus s = local();
        if (!s.inGroup()) {
            return new ReadyCheck(false, "not in the group's configuration", s);
        }
        if (s.leaderId().isEmpty()) {
            return new ReadyCheck(false, "no leader known", s);
        }
        long deadline = System.nanoTime() + applyWait.toNanos();
        try {
            if (!stateMachine.applied().await(s.commitIndex(), deadline)) {
                return new ReadyCheck(
                        false,
                        "applied up to "
                                + stateMachine.applied().get()
                                + " of commit index "
                                + s.commitIndex(),
                        local());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ReadyCheck(false, "interrupted", s);
        }
        return new ReadyCheck(true, "", local());
    }

    /**
     * Every member of the current configuration as it reports itself, asked in parallel; a member
     * that does not answer within {@code timeout} is reported unreachable.
     */
    public GroupStatus status(Duration timeout) {
        RaftServer.Division d = division();
        NodeStatus self = local();
        List<RaftPeer> members = members(d.getRaftConf());
        List<CompletableFuture<NodeStatus>> answers = new ArrayList<>();
        try (RaftClient client = client(d.getGroup(), timeout, RetryPolicies.noRetry())) {
            for (RaftPeer p : members) {
                if (p.getId().equals(node.self())) {
                    answers.add(CompletableFuture.completedFuture(self));
                } else {
                    answers.add(ask(client, p, timeout));
                }
            }
            List<NodeStatus> nodes = answers.stream().map(CompletableFuture::join).toList();
            return new GroupStatus(nodeId(), self.leaderId(), self.term(), nodes);
        } catch (IOException e) {
            throw new ClusterUnavailableException(
                    "cluster: closing the status client: " + e.getMessage(), e);
        }
    }

    private static CompletableFuture<NodeStatus> ask(
            RaftClient client, RaftPeer p, Duration timeout) {
        String id = p.getId().toString();
        String address = p.getAddress();
        return client.async()
                .sendStaleRead(Message.valueOf(STATUS_QUERY), 0, p.getId())
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle(
                        (reply, failure) -> {
                            if (failure != null) {
                                return NodeStatus.unreachable(id, address, describe(failure));
                            }
                            if (!reply.isSuccess()) {
                                return NodeStatus.unreachable(
                                        id, address, describe(reply.getException()));
                            }
                            return NodeStatus.decode(
                                    id,
                                    address,
                                    reply.getMessage()
                                            .getContent()
                                            .toString(StandardCharsets.UTF_8));
                        });
    }

    private static String describe(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getMessage() == null) {
            c = c.getCause();
        }
        if (c instanceof java.util.concurrent.TimeoutException) {
            return "no answer in time";
        }
        String m = c.getMessage();
        return c.getClass().getSimpleName()
                + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    /** The members of the current configuration (voting and listeners), by id. */
    private static List<RaftPeer> members(RaftConfiguration conf) {
        List<RaftPeer> all = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
        all.addAll(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        all.sort(Comparator.comparing(p -> p.getId().toString()));
        return all;
    }

    /** The members of the group's configuration as this node knows it, by id. */
    public List<Peer> membership() {
        return members(division().getRaftConf()).stream().map(ClusterAdmin::peer).toList();
    }

    private static Peer peer(RaftPeer p) {
        String address = p.getAddress();
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Peer(p.getId().toString(), host, Integer.parseInt(address.substring(colon + 1)));
    }

    /**
     * Adds {@code id} at {@code raftAddress} to the group: returns once the leader has caught it up
     * and committed the new configuration. Idempotent for a member with the same address.
     *
     * @throws InvalidArgumentException for a malformed id or address
     * @throws MembershipException when the id or the address belongs to another member
     * @throws ClusterUnavailableException when the new node does not answer or catch up in time
     */
    public List<Peer> addNode(String id, String raftAddress, Duration timeout) {
        Peer added = parsePeer(id, raftAddress);
        RaftServer.Division d = division();
        List<RaftPeer> current = members(d.getRaftConf());
        for (RaftPeer p : current) {
            boolean sameId = p.getId().toString().equals(added.id());
            boolean sameAddress = p.getAddress().equals(added.address());
            if (sameId && sameAddress) {
                return membership();
            }
            if (sameId) {
                throw new MembershipException(
                        MembershipException.Reason.ALREADY_MEMBER,
                        "node_id: "
                                + added.id()
                                + " is already a member, at "
                                + p.getAddress()
                                + "; remove it first to move it to "
                                + added.address());
            }
            if (sameAddress) {
                throw new MembershipException(
                        MembershipException.Reason.ALREADY_MEMBER,
                        "raft_address: "
                                + added.address()
                                + " is already the address of member "
                                + p.getId());
            }
        }
        requireStable(d.getRaftConf());
        RaftPeer peer = RaftPeer.newBuilder().setId(added.id()).setAddress(added.address()).build();
        handGroup(d, peer, current, timeout);
        setConfiguration(
                d,
                SetConfigurationRequest.Arguments.newBuilder()
                        .setServersInNewConf(List.of(peer))
                        .setMode(SetConfigurationRequest.Mode.ADD)
                        .build(),
                timeout,
                "add "
                        + added
                        + " (is it running, started with --node-id "
                        + added.id()
                        + " --join?)");
        return membership();
    }

    /**
     * Hands the group to a node started with {@code --join}, before the configuration change: with
     * the current members as its configuration the node is outside it, so it waits for the leader
     * to stage it instead of campaigning (Ratis's leader would answer a campaign from outside the
     * configuration by telling the node to shut its group down). A node that already serves the
     * group (started with a peers list naming it, or a repeated call) keeps it.
     */
    private void handGroup(
            RaftServer.Division d, RaftPeer peer, List<RaftPeer> current, Duration timeout) {
        RaftGroupId id = d.getGroup().getGroupId();
        RaftGroup handed = RaftGroup.valueOf(id, current);
        try (RaftClient client =
                client(RaftGroup.valueOf(id, peer), timeout, RetryPolicies.noRetry())) {
            RaftClientReply reply =
                    within(timeout, () -> client.getGroupManagementApi(peer.getId()).add(handed));
            if (!reply.isSuccess()) {
                throw new ClusterUnavailableException(
                        "cluster: add "
                                + peer.getId()
                                + ": it refused the group: "
                                + describe(reply.getException()));
            }
        } catch (IOException e) {
            if (servesAlready(e)) {
                return;
            }
            throw new ClusterUnavailableException(
                    "cluster: add "
                            + peer.getId()
                            + ": cannot reach it at "
                            + peer.getAddress()
                            + " to hand it the group (is it running, started with --node-id "
                            + peer.getId()
                            + " --join?): "
                            + describe(e),
                    e);
        }
    }

    /**
     * Removes {@code id} from the group. Refused for the last member and for the leader.
     *
     * @throws MembershipException when {@code id} is not a member
     * @throws PreconditionException for the last member or the leader, or during another change
     */
    public List<Peer> removeNode(String id, Duration timeout) {
        requireId(id);
        RaftServer.Division d = division();
        List<RaftPeer> current = members(d.getRaftConf());
        RaftPeer removed = member(current, id);
        if (current.size() == 1) {
            throw new PreconditionException(
                    "node_id: " + id + " is the group's last member; a group cannot be empty");
        }
        RaftPeerId leader = d.getInfo().getLeaderId();
        if (leader == null) {
            throw new ClusterUnavailableException(
                    "cluster: no leader known to " + nodeId() + "; retry once one is elected");
        }
        if (leader.equals(removed.getId())) {
            throw new PreconditionException(
                    "node_id: "
                            + id
                            + " leads the group; transfer the leadership to another member first"
                            + " (TransferLeadership)");
        }
        requireStable(d.getRaftConf());
        List<RaftPeer> remaining =
                current.stream().filter(p -> !p.getId().equals(removed.getId())).toList();
        setConfiguration(
                d,
                SetConfigurationRequest.Arguments.newBuilder()
                        .setServersInNewConf(remaining)
                        .setServersInCurrentConf(current)
                        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                        .build(),
                timeout,
                "remove " + id);
        return membership();
    }

    /**
     * Makes {@code id} the leader; returns this node's status once it sees the new leader (or the
     * timeout passes).
     */
    public NodeStatus transferLeadership(String id, Duration timeout) {
        requireId(id);
        RaftServer.Division d = division();
        RaftPeer target = member(members(d.getRaftConf()), id);
        if (target.getId().equals(d.getInfo().getLeaderId())) {
            return local();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (RaftClient client = adminClient(d, timeout)) {
            RaftClientReply reply =
                    within(
                            timeout,
                            () ->
                                    client.admin()
                                            .transferLeadership(
                                                    target.getId(), timeout.toMillis()));
            if (!reply.isSuccess()) {
                throw new ClusterUnavailableException(
                        "cluster: transfer leadership to "
                                + id
                                + " failed: "
                                + describe(reply.getException()));
            }
        } catch (IOException e) {
            throw new ClusterUnavailableException(
                    "cluster: transfer leadership to " + id + " failed: " + describe(e), e);
        }
        NodeStatus s = local();
        while (!s.leaderId().equals(id) && System.nanoTime() < deadline) {
            // The new leader's first heartbeat reaches this node within an election timeout.
            sleep(20);
            s = local();
        }
        return s;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void setConfiguration(
            RaftServer.Division d,
            SetConfigurationRequest.Arguments arguments,
            Duration timeout,
            String what) {
        try (RaftClient client = adminClient(d, timeout)) {
            RaftClientReply reply =
                    within(timeout, () -> client.admin().setConfiguration(arguments));
            if (!reply.isSuccess()) {
                throw new ClusterUnavailableException(
                        "cluster: " + what + ": " + describe(reply.getException()));
            }
        } catch (IOException e) {
            throw new ClusterUnavailableException("cluster: " + what + ": " + describe(e), e);
        }
    }

    /** Whether a failed groupAdd says the node serves the group already. */
    private static boolean servesAlready(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AlreadyExistsException) {
                return true;
            }
        }
        return false;
    }

    /** An admin request that may block, as one call. */
    private interface AdminCall {
        RaftClientReply call() throws IOException;
    }

    /**
     * Runs {@code call}, giving up after {@code timeout}: Ratis's client retries inside a call, so
     * the call alone has no overall bound. The caller then closes the client, which ends it.
     */
    private static RaftClientReply within(Duration timeout, AdminCall call) throws IOException {
        CompletableFuture<RaftClientReply> f = new CompletableFuture<>();
        Thread.ofVirtual()
                .name("cluster-admin")
                .start(
                        () -> {
                            try {
                                f.complete(call.call());
                            } catch (IOException | RuntimeException e) {
                                f.completeExceptionally(e);
                            }
                        });
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("not done within " + timeout.toMillis() + " ms", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A client for one admin request, retrying (leader changes) within {@code timeout}. */
    private RaftClient adminClient(RaftServer.Division d, Duration timeout) {
        long attempts = Math.max(1, timeout.toMillis() / 200);
        // A new node that made no progress is reported, not staged again: a retry would replicate
        // to it afresh while it may already have given up (see RaftNode's staging timeout).
        RetryPolicy retry =
                ExceptionDependentRetry.newBuilder()
                        .setDefaultPolicy(
                                RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                                        (int) Math.min(attempts, 1000),
                                        TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                        .setExceptionToPolicy(
                                ReconfigurationTimeoutException.class, RetryPolicies.noRetry())
                        .build();
        return client(d.getGroup(), timeout, retry);
    }

    private static RaftClient client(RaftGroup group, Duration timeout, RetryPolicy retry) {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(
                p, TimeDuration.valueOf(timeout.toMillis(), TimeUnit.MILLISECONDS));
        return RaftClient.newBuilder()
                .setRaftGroup(group)
                .setProperties(p)
                .setRetryPolicy(retry)
                .build();
    }

    private static void requireStable(RaftConfiguration conf) {
        if (!conf.getPreviousPeers().isEmpty()) {
            throw new PreconditionException(
                    "cluster: a membership change is in progress; retry once it is done");
        }
    }

    private static void requireId(String id) {
        if (id.isEmpty()) {
            throw new InvalidArgumentException("node_id: expected a node id, got none");
        }
    }

    private static RaftPeer member(List<RaftPeer> members, String id) {
        return members.stream()
                .filter(p -> p.getId().toString().equals(id))
                .findFirst()
                .orElseThrow(
                        () ->
                                new MembershipException(
                                        MembershipException.Reason.NOT_MEMBER,
                                        "node_id: "
                                                + ClientText.quote(id)
                                                + " is not a member of the group (members: "
                                                + members.stream()
                                                        .map(p -> p.getId().toString())
                                                        .collect(Collectors.joining(", "))
                                                + ")"));
    }

    /** Checks an id and a host:port as {@link Peers#parse} would, naming the request's fields. */
    static Peer parsePeer(String id, String raftAddress) {
        requireId(id);
        if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new InvalidArgumentException(
                    "node_id: expected 1-64 letters, digits, '-' or '_', got "
                            + ClientText.quote(id));
        }
        if (raftAddress.isEmpty()) {
            throw new InvalidArgumentException("raft_address: expected host:port, got none");
        }
        if (raftAddress.contains(",") || raftAddress.contains("=")) {
            throw new InvalidArgumentException(
                    "raft_address: expected one host:port, got " + ClientText.quote(raftAddress));
        }
        try {
            return Peers.parse(id + "=" + raftAddress).all().getFirst();
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(
                    "raft_address: expected host:port with a port 1..65535, got "
                            + ClientText.quote(raftAddress));
        }
    }
}
