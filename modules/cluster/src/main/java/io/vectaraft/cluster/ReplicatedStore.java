package io.vectaraft.cluster;

import io.vectaraft.index.CollectionNotFoundException;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.Database;
import io.vectaraft.index.FieldIndexSpec;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.MetadataPatch;
import io.vectaraft.index.PreconditionException;
import io.vectaraft.index.StorageException;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.wal.CollectionCreated;
import io.vectaraft.wal.Mutation;
import io.vectaraft.wal.ReplicaState;
import io.vectaraft.wal.SnapshotFile;
import io.vectaraft.wal.StorageStats;
import io.vectaraft.wal.Store;
import io.vectaraft.wal.WriteResult;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * A replica of the Raft group as the server's {@link Store}: every mutation is checked here against
 * this node's state, submitted to the group through a Ratis client (whichever node leads), and
 * acknowledged once the group committed it and this node applied it. The lsn of a write is its Raft
 * log index. Reads are answered from this node's state; {@link #awaitFresh} makes them as fresh as
 * asked.
 */
public final class ReplicatedStore implements Store {
    private static final System.Logger LOG = System.getLogger(ReplicatedStore.class.getName());

    /** How long a write that the group committed may take to be applied here. */
    private static final Duration LOCAL_APPLY_TIMEOUT = Duration.ofSeconds(30);

    /** Between attempts of a linearizable read whose read index failed (an election, mostly). */
    private static final Duration READ_RETRY_PAUSE = Duration.ofMillis(50);

    private final ReplicaState state;
    private final ReplicaStateMachine stateMachine;
    private final RaftNode node;
    private final ClusterAdmin admin;
    private final ReadBarrier reads;

    private ReplicatedStore(ReplicaState state, ReplicaStateMachine stateMachine, RaftNode node) {
        this.state = state;
        this.stateMachine = stateMachine;
        this.node = node;
        this.reads = new ReadBarrier(this::readIndexRequest);
        this.admin = new ClusterAdmin(node, stateMachine);
        stateMachine.reportStatusWith(() -> admin.local().encode());
    }

    /** Status, readiness, membership and leadership of the group, through this node. */
    public ClusterAdmin admin() {
        return admin;
    }

    /**
     * Starts this node's member of the group: recovers its state from its Ratis snapshot and log,
     * then takes part in elections and replication.
     *
     * @param snapshotEntries log entries between automatic snapshots
     * @param maxEntryBytes the largest entry (request) to accept
     */
    public static ReplicatedStore open(
            ClusterOptions options, long snapshotEntries, int maxEntryBytes) {
        ReplicaState state = new ReplicaState(options.vectorDir());
        ReplicaStateMachine stateMachine =
                new ReplicaStateMachine(state, options.dir().resolve("snapshot-staging"));
        RaftNode node = RaftNode.start(options, stateMachine, snapshotEntries, maxEntryBytes);
        LOG.log(
                Level.INFO,
                "cluster: node "
                        + options.nodeId()
                        + " of "
                        + options.peers()
                        + ", Raft storage "
                        + options.dir());
        return new ReplicatedStore(state, stateMachine, node);
    }

    /**
     * Keeps checking in the background that the other nodes were given the same peers list (a node
     * started before them could not tell); the first mismatch found goes to {@code onMismatch}, as
     * a one-line message naming both lists.
     */
    public void watchPeers(Consumer<String> onMismatch) {
        node.peersCheck().watch(onMismatch);
    }

    @Override
    public Database database() {
        return state.database();
    }

    @Override
    public boolean writable() {
        return true;
    }

    /** The log index applied on this node. */
    public long appliedIndex() {
        return stateMachine.applied().get();
    }

    @Override
    public StorageStats stats() {
        return new StorageStats(true, true, appliedIndex(), 0, 0, 0, 0);
    }

    @Override
    public CollectionCreated createCollection(CollectionSpec spec) {
        Optional<VectorCollection> existing = state.database().find(spec.name());
        if (existing.isPresent() && existing.get().spec().equals(spec)) {
            return new CollectionCreated(existing.get(), appliedIndex());
        }
        WriteResult r = submit(new Mutation.Create(spec));
        return new CollectionCreated(state.database().get(spec.name()), r.lsn());
    }

    @Override
    public WriteResult dropCollection(String name) {
        return submit(new Mutation.Drop(name));
    }

    @Override
    public WriteResult upsert(String collection, List<VectorRecord> records) {
        return submit(new Mutation.Upsert(collection, records));
    }

    @Override
    public WriteResult delete(String collection, List<String> ids) {
        if (ids.isEmpty()) {
            state.database().get(collection);
            return new WriteResult(0, appliedIndex());
        }
        return submit(new Mutation.Delete(collection, ids));
    }

    @Override
    public WriteResult deleteMatching(String collection, Filter filter) {
        return submit(new Mutation.DeleteMatching(collection, filter));
    }

    /**
     * By ids or by a filter resolved when the entry is applied (its place in the log decides which
     * records it changes, as for {@link #deleteMatching}).
     */
    @Override
    public WriteResult updateMetadata(
            String collection, List<String> ids, Filter filter, MetadataPatch patch) {
        Mutation update = new Mutation.UpdateMetadata(collection, ids, filter, patch);
        if (filter == null && ids.isEmpty()) {
            state.check(update);
            return new WriteResult(0, appliedIndex());
        }
        return submit(update);
    }

    @Override
    public WriteResult createAlias(String alias, String collection) {
        if (collection.equals(state.database().aliases().get(alias))) {
            return new WriteResult(0, appliedIndex());
        }
        return submit(new Mutation.CreateAlias(alias, collection));
    }

    @Override
    public WriteResult switchAlias(String alias, String collection) {
        return submit(new Mutation.SwitchAlias(alias, collection));
    }

    @Override
    public WriteResult deleteAlias(String alias) {
        return submit(new Mutation.DeleteAlias(alias));
    }

    /**
     * Refused: every node would have to load the same file at the same place in the log, and the
     * file lives on one node's disk. Restore a standalone server, or seed a new group from one.
     */
    @Override
    public SnapshotFile restore(java.nio.file.Path file) {
        throw new PreconditionException(
                "RestoreSnapshot: not available in cluster mode (the file is on one node's disk,"
                        + " and every replica would have to load it at the same log position);"
                        + " restore a standalone server and seed the group from it");
    }

    @Override
    public WriteResult createFieldIndex(String collection, FieldIndexSpec index) {
        return submit(new Mutation.CreateFieldIndex(collection, index));
    }

    @Override
    public WriteResult deleteFieldIndex(String collection, String key) {
        return submit(new Mutation.DeleteFieldIndex(collection, key));
    }

    /** Check here, submit to the group, wait until applied here, report what applying did. */
    private WriteResult submit(Mutation mutation) {
        Mutation checked = state.check(mutation);
        RaftClientReply reply;
        try {
            reply = node.submit(ReplicaState.encode(checked));
        } catch (IOException e) {
            throw new ClusterUnavailableException(
                    "cluster: the write was not acknowledged by the group (it may or may not be"
                            + " applied later): "
                            + e.getMessage(),
                    e);
        }
        if (!reply.isSuccess()) {
            throw new ClusterUnavailableException(
                    "cluster: the group refused the write: " + reply.getException());
        }
        long index = reply.getLogIndex();
        awaitApplied(index, System.nanoTime() + LOCAL_APPLY_TIMEOUT.toNanos());
        return outcome(mutation, ReplicaStateMachine.Outcome.text(reply.getMessage()), index);
    }

    private static WriteResult outcome(Mutation mutation, String text, long index) {
        if (text.startsWith("ok ")) {
            return new WriteResult(Integer.parseInt(text.substring(3)), index);
        }
        // "refused KIND MESSAGE": the entry changed nothing on any node; say why as this node
        // would have.
        String[] parts = text.split(" ", 3);
        String kind = parts.length > 1 ? parts[1] : "";
        String message = parts.length > 2 ? parts[2] : text;
        throw switch (kind) {
            case "CollectionNotFoundException" -> CollectionNotFoundException.described(message);
            case "InvalidArgumentException" -> new InvalidArgumentException(message);
            case "PreconditionException", "CollectionConflictException" ->
                    new PreconditionException(message);
            default -> new StorageException(message);
        };
    }

    private void awaitApplied(long index, long deadlineNanos) {
        try {
            if (stateMachine.applied().await(index, deadlineNanos)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new ClusterUnavailableException(
                "cluster: log index "
                        + index
                        + " is committed but this node has applied only up to "
                        + appliedIndex()
                        + "; it will be applied");
    }

    /**
     * Waits for a linearizable read barrier (shared with the reads in flight, {@link ReadBarrier}).
     * A barrier that fails (no leader known during an election, a snapshot being installed) is
     * retried after a short pause until the deadline.
     */
    private void readBarrier(long deadlineNanos) {
        while (true) {
            CompletableFuture<Void> barrier = reads.await();
            try {
                barrier.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                return;
            } catch (TimeoutException e) {
                throw new ClusterUnavailableException(
                        "cluster: linearizable read: no read index from the leader, or not applied"
                                + " here, before the deadline; this node has applied up to "
                                + appliedIndex());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterUnavailableException(
                        "cluster: linearizable read: interrupted while waiting for a read index");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (deadlineNanos - System.nanoTime() <= READ_RETRY_PAUSE.toNanos()) {
                    throw new ClusterUnavailableException(
                            "cluster: linearizable read: no read index from the leader: "
                                    + cause.getMessage(),
                            cause);
                }
                // The group is electing a leader, or this node installs a snapshot: both pass.
                LockSupport.parkNanos(READ_RETRY_PAUSE.toNanos());
            }
        }
    }

    /** One read index from the leader, then this node applying it. */
    private CompletableFuture<?> readIndexRequest() {
        return node.readIndexAsync().thenCompose(index -> stateMachine.applied().reached(index));
    }

    @Override
    public void awaitFresh(boolean linearizable, long minLsn, long deadlineNanos) {
        if (linearizable) {
            readBarrier(deadlineNanos);
        }
        if (minLsn > 0) {
            boolean reached;
            try {
                reached = stateMachine.applied().await(minLsn, deadlineNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reached = false;
            }
            if (!reached) {
                throw new ClusterUnavailableException(
                        "min_lsn: expected this node to apply log index "
                                + minLsn
                                + " before the deadline, it has applied up to "
                                + appliedIndex()
                                + "; retry later or on another node");
            }
        }
    }

    @Override
    public SnapshotFile snapshot() {
        throw new PreconditionException(
                "snapshot: expected a standalone server; in a cluster each node snapshots its"
                        + " Raft log on its own");
    }

    @Override
    public List<SnapshotFile> snapshots() {
        return List.of();
    }

    @Override
    public void close() {
        node.close();
    }
}
