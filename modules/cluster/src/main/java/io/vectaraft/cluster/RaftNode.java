package io.vectaraft.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * This node's Ratis server (its member of the one Raft group) and a Ratis client that submits to
 * the group through whichever node leads. Owns both.
 *
 * <p>Settings that differ from Ratis's defaults: linearizable reads (ReadIndex, also on followers;
 * the leader's answered within its lease unless turned off); an election timeout from {@link
 * ClusterOptions#electionTimeout()} to twice that; snapshots taken automatically every {@code
 * snapshotEntries} entries, and the log purged behind them; a log write buffer big enough for the
 * largest request.
 */
final class RaftNode implements AutoCloseable {
    private final RaftPeerId self;
    private final RaftServer server;
    private final RaftProperties clientProperties;
    private final PeersCheck peersCheck;

    /** Made once this node serves a group (at start, or when AddNode hands a joining node one). */
    private volatile RaftClient client;

    private final ReentrantLock clientLock = new ReentrantLock();

    /** The client id of the read requests this node hands its own server (see readIndexAsync). */
    private final ClientId reads = ClientId.randomId();

    private final AtomicLong readCalls = new AtomicLong();

    private RaftNode(
            RaftPeerId self,
            RaftServer server,
            RaftProperties clientProperties,
            PeersCheck peersCheck) {
        this.self = self;
        this.server = server;
        this.clientProperties = clientProperties;
        this.peersCheck = peersCheck;
    }

    static RaftNode start(
            ClusterOptions options,
            ReplicaStateMachine stateMachine,
            long snapshotEntries,
            int maxEntryBytes) {
        // One group for now, its id derived from the peers list it was formed from: nodes given
        // different lists never form one group, and PeersCheck tells the misconfigured one. A node
        // started to join serves no group until AddNode hands it the group: outside every
        // configuration it does not campaign (Ratis starts such a member "initializing"), so it
        // cannot be told by the leader to shut its group down before the leader stages it.
        Optional<RaftGroupId> stored = GroupIdentity.stored(options.dir());
        boolean joining = options.join() && stored.isEmpty();
        // No group at all, not an empty one: Ratis would host a division of the empty group.
        RaftGroup group =
                joining
                        ? null
                        : group(
                                stored.orElseGet(() -> GroupIdentity.of(options.peers())),
                                options.peers());
        PeersCheck peersCheck =
                new PeersCheck(options, joining ? RaftGroupId.emptyGroupId() : group.getGroupId());
        peersCheck.atStart();
        RaftPeerId self = RaftPeerId.valueOf(options.nodeId());
        RaftProperties properties = serverProperties(options, snapshotEntries, maxEntryBytes);
        RaftServer server;
        try {
            server =
                    RaftServer.newBuilder()
                            .setServerId(self)
                            .setGroup(group)
                            .setStateMachine(stateMachine)
                            .setProperties(properties)
                            .setOption(RaftStorage.StartupOption.RECOVER)
                            .build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cluster: cannot start the Raft server of "
                            + options.self()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        if (joining) {
            System.getLogger(RaftNode.class.getName())
                    .log(
                            System.Logger.Level.INFO,
                            "cluster: node "
                                    + self
                                    + " serves no group yet: waiting for AddNode through a member");
        }
        RaftProperties clientProperties = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(
                clientProperties, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        GrpcConfigKeys.setMessageSizeMax(
                clientProperties, SizeInBytes.valueOf(maxEntryBytes + (1 << 20)));
        return new RaftNode(self, server, clientProperties, peersCheck);
    }

    static RaftGroup group(RaftGroupId id, Peers peers) {
        List<RaftPeer> members =
                peers.all().stream()
                        .map(
                                p ->
                                        RaftPeer.newBuilder()
                                                .setId(p.id())
                                                .setAddress(p.address())
                                                .build())
                        .toList();
        return RaftGroup.valueOf(id, members);
    }

    static RaftProperties serverProperties(
            ClusterOptions options, long snapshotEntries, int maxEntryBytes) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(options.dir().toFile()));
        GrpcConfigKeys.Server.setHost(p, options.self().host());
        GrpcConfigKeys.Server.setPort(p, options.self().port());
        SizeInBytes entryRoom = SizeInBytes.valueOf(maxEntryBytes + (1 << 20));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(2L * entryRoom.getSize()));
        // Ratis wants room for an appender batch plus its 8-byte frame.
        RaftServerConfigKeys.Log.setWriteBufferSize(
                p, SizeInBytes.valueOf(entryRoom.getSize() + 64));
        RaftServerConfigKeys.Log.setSegmentSizeMax(
                p, SizeInBytes.valueOf(Math.max(32L << 20, 2L * entryRoom.getSize())));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, entryRoom);
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        // Within its lease (0.9x the shortest election timeout since the send time of the entries
        // a majority last acknowledged) no other node can have been elected: the leader then
        // answers a read index at once instead of after a heartbeat round. Ratis drops the lease
        // when the leader steps down or transfers leadership; it rests on clocks running at about
        // the same rate on every node, not on synchronised clocks.
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, options.leaderLease());
        // A follower sleeps a random timeout between these, then campaigns if nothing came from
        // the leader during that sleep: a leader's loss is noticed after up to twice the maximum.
        long electionMillis = options.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(
                p, TimeDuration.valueOf(electionMillis, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(
                p, TimeDuration.valueOf(2 * electionMillis, TimeUnit.MILLISECONDS));
        // A node being added (AddNode) must answer the leader within this, or the change fails;
        // Ratis's default (3 election timeouts) is too short for a JVM just started on a busy
        // machine, and a node that then times out of a configuration without it stops its group.
        RaftServerConfigKeys.setStagingTimeout(p, TimeDuration.valueOf(20, TimeUnit.SECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, snapshotEntries);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        // Ratis purges only once a snapshot is purge.gap (default 1024) entries past the last
        // purge: with fewer snapshot entries the log was never purged, so a follower behind it was
        // never sent a snapshot. A wiped follower then stayed empty: the leader keeps its old
        // matchIndex and resends from there, which the empty follower rejects, forever.
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(snapshotEntries, 1024));
        // A snapshot chunk must fit in one gRPC message: Ratis's 16 MB chunk, or less when the
        // message limit (from grpc.max-message-bytes) is smaller.
        RaftServerConfigKeys.Log.Appender.setSnapshotChunkSizeMax(
                p, SizeInBytes.valueOf(Math.min(16L << 20, entryRoom.getSize())));
        // Ratis's default (1 ms x10, 1 s x20, then 5 s) counts the errors of a follower's whole
        // downtime and each INCONSISTENCY reply after it: the restarted follower then waited up to
        // 5 s per step back through a conflicting log tail, and without heartbeats in between it
        // timed out and campaigned. Retrying within the election timeout keeps it following.
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, "1ms,10, 100ms,1000000");
        return p;
    }

    RaftPeerId self() {
        return self;
    }

    RaftServer server() {
        return server;
    }

    /**
     * Submits an entry; returns once it is committed and applied on the leader. The entry is
     * wrapped, not copied: the caller does not touch it afterwards.
     */
    RaftClientReply submit(byte[] entry) throws IOException {
        return client().io().send(Message.valueOf(UnsafeByteOperations.unsafeWrap(entry)));
    }

    /** This node's member of the group (the server hosts one group), once it serves one. */
    Optional<RaftServer.Division> division() {
        try {
            for (RaftGroupId id : server.getGroupIds()) {
                return Optional.of(server.getDivision(id));
            }
        } catch (IOException e) {
            // closing, or the group is being removed: as good as none
        }
        return Optional.empty();
    }

    private RaftClient client() {
        RaftClient c = client;
        if (c != null) {
            return c;
        }
        clientLock.lock();
        try {
            if (client == null) {
                RaftServer.Division d = division().orElseThrow(this::notInAGroup);
                client =
                        RaftClient.newBuilder()
                                .setRaftGroup(d.getGroup())
                                .setProperties(clientProperties)
                                .setRetryPolicy(
                                        RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                                                100,
                                                TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                                .build();
            }
            return client;
        } finally {
            clientLock.unlock();
        }
    }

    private ClusterUnavailableException notInAGroup() {
        return new ClusterUnavailableException(
                "cluster: node "
                        + self
                        + " is in no group yet (started with --join): add it through a member"
                        + " (AddNode)");
    }

    /**
     * One linearizable read index: the log index this node must have applied before a read that
     * begins now may answer. Asked of the leader's Ratis server as a read-only request, which it
     * answers after a ReadIndex (within its lease, at once) and after applying that index itself,
     * with its applied index ({@link ReplicaStateMachine#query}).
     *
     * <p>On the leader the request goes to its own server in process (through the Ratis client it
     * cost a gRPC round trip to this very server). A follower sends it through its Ratis client to
     * the leader: one round trip. Handing it to the follower's own server instead cost two, since
     * the leader follows each follower's ReadIndex with a heartbeat to it (Ratis 3.3.0), needed or
     * not; the leader's log appender already sends a follower the commit index as soon as it lags,
     * so the follower reaches the index without it. Never retried here; fails when there is no
     * answer (no leader known, a snapshot being installed).
     */
    CompletableFuture<Long> readIndexAsync() {
        Optional<RaftServer.Division> d = division();
        if (d.isEmpty()) {
            return CompletableFuture.failedFuture(notInAGroup());
        }
        CompletableFuture<RaftClientReply> reply;
        if (d.get().getInfo().isLeader()) {
            RaftClientRequest request =
                    RaftClientRequest.newBuilder()
                            .setClientId(reads)
                            .setServerId(self)
                            .setGroupId(d.get().getGroup().getGroupId())
                            .setCallId(readCalls.incrementAndGet())
                            .setMessage(Message.EMPTY)
                            .setType(RaftClientRequest.readRequestType())
                            .build();
            try {
                reply = server.submitClientRequestAsync(request);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        } else {
            reply = client().async().sendReadOnlyUnordered(Message.EMPTY);
        }
        return reply.thenApply(RaftNode::appliedIndexOf);
    }

    private static long appliedIndexOf(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            throw new CompletionException(
                    new ClusterUnavailableException("read index refused: " + reply.getException()));
        }
        return Long.parseLong(ReplicaStateMachine.Outcome.text(reply.getMessage()));
    }

    PeersCheck peersCheck() {
        return peersCheck;
    }

    @Override
    public void close() {
        peersCheck.close();
        try {
            RaftClient c = client;
            if (c != null) {
                c.close();
            }
        } catch (IOException e) {
            System.getLogger(RaftNode.class.getName())
                    .log(System.Logger.Level.WARNING, "cluster: closing the Raft client", e);
        }
        try {
            server.close();
        } catch (IOException e) {
            System.getLogger(RaftNode.class.getName())
                    .log(System.Logger.Level.WARNING, "cluster: closing the Raft server", e);
        }
    }
}
