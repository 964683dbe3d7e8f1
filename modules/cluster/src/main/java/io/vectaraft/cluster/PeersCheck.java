package io.vectaraft.cluster;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/**
 * Checks the settings a node cannot verify alone: that its Raft address is free, and that the other
 * nodes were given the same peers list.
 *
 * <p>The group id is derived from the peers list ({@link GroupIdentity}), so a peer serving a
 * different group id was started with a different list. Such a peer is only held against this node
 * when its group has a leader: the group that formed is right, the node that cannot join it is the
 * one misconfigured (a lone misconfigured node started first must not make the others refuse).
 */
final class PeersCheck implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PeersCheck.class.getName());
    private static final TimeDuration PROBE_TIMEOUT = TimeDuration.valueOf(2, TimeUnit.SECONDS);
    private static final long PERIOD_MS = 1_000;

    private final ClusterOptions options;
    private final RaftGroupId group;

    /** Peers not yet seen serving this node's group. */
    private final Set<String> unconfirmed = ConcurrentHashMap.newKeySet();

    private volatile Thread watcher;
    private volatile boolean closed;

    PeersCheck(ClusterOptions options, RaftGroupId group) {
        this.options = options;
        this.group = group;
        if (!options.join()) { // a joining node's list is not the group's: AddNode decides
            options.peers().all().stream()
                    .map(Peer::id)
                    .filter(id -> !id.equals(options.nodeId()))
                    .forEach(unconfirmed::add);
        }
    }

    /**
     * Fails when this node's Raft address is taken (Ratis would end the process on its own) or a
     * reachable peer is in another group that has a leader.
     */
    void atStart() {
        Peer self = options.self();
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(self.host(), self.port()));
        } catch (BindException e) {
            throw new ClusterConfigException(
                    "cluster.peers: cannot listen for Raft on "
                            + self.address()
                            + " (node "
                            + self.id()
                            + "'s address): "
                            + e.getMessage());
        } catch (IOException e) {
            throw new ClusterConfigException(
                    "cluster.peers: cannot listen for Raft on "
                            + self.address()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        probeOnce()
                .ifPresent(
                        m -> {
                            throw new ClusterConfigException(m);
                        });
    }

    /**
     * Keeps probing the peers not yet confirmed, once a second, until all are; reports the first
     * mismatch found to {@code onMismatch} and stops.
     */
    void watch(Consumer<String> onMismatch) {
        watcher =
                Thread.ofPlatform()
                        .daemon()
                        .name("cluster-peers-check")
                        .start(
                                () -> {
                                    while (!closed && !unconfirmed.isEmpty()) {
                                        Optional<String> mismatch = probeOnce();
                                        if (mismatch.isPresent() && !closed) {
                                            onMismatch.accept(mismatch.get());
                                            return;
                                        }
                                        try {
                                            Thread.sleep(PERIOD_MS); // a period, not a wait
                                        } catch (InterruptedException e) {
                                            return;
                                        }
                                    }
                                });
    }

    /** The first mismatch among the unconfirmed peers; confirms those that serve our group. */
    private Optional<String> probeOnce() {
        for (Peer p : options.peers().all()) {
            if (!unconfirmed.contains(p.id())) {
                continue;
            }
            Optional<String> m = probe(p);
            if (m.isPresent()) {
                return m;
            }
        }
        return Optional.empty();
    }

    private Optional<String> probe(Peer peer) {
        RaftPeer target = RaftPeer.newBuilder().setId(peer.id()).setAddress(peer.address()).build();
        RaftProperties properties = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, PROBE_TIMEOUT);
        try (RaftClient client =
                RaftClient.newBuilder()
                        .setRaftGroup(RaftGroup.valueOf(group, target))
                        .setProperties(properties)
                        .setRetryPolicy(RetryPolicies.noRetry())
                        .build()) {
            RaftPeerId id = target.getId();
            List<RaftGroupId> served = client.getGroupManagementApi(id).list().getGroupIds();
            if (served.contains(group)) {
                unconfirmed.remove(peer.id());
                return Optional.empty();
            }
            for (RaftGroupId other : served) {
                GroupInfoReply info = client.getGroupManagementApi(id).info(other);
                if (hasLeader(info.getRoleInfoProto())) {
                    return Optional.of(mismatch(peer, info.getGroup()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not up yet, or between restarts: probed again later.
            LOG.log(Level.DEBUG, "cluster: peer " + peer + " not reachable: " + e.getMessage());
        }
        return Optional.empty();
    }

    private static boolean hasLeader(RoleInfoProto role) {
        return role.getRole() == RaftPeerRole.LEADER
                || (role.hasFollowerInfo()
                        && !role.getFollowerInfo().getLeaderInfo().getId().getId().isEmpty());
    }

    private String mismatch(Peer peer, RaftGroup theirs) {
        String members =
                theirs.getPeers().stream()
                        .map(p -> p.getId() + "=" + p.getAddress())
                        .sorted()
                        .collect(Collectors.joining(","));
        return "cluster.peers: node "
                + peer.id()
                + " at "
                + peer.address()
                + " is in a group of "
                + members
                + ", but this node was given "
                + options.peers()
                + ": start every node with the same cluster.peers";
    }

    @Override
    public void close() {
        closed = true;
        Thread w = watcher;
        if (w != null) {
            w.interrupt();
        }
    }
}
