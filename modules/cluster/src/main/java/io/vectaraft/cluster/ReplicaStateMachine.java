package io.vectaraft.cluster;

import io.vectaraft.index.VectaraftException;
import io.vectaraft.wal.ReplicaState;
import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The Raft state machine: applies each committed entry to the {@link ReplicaState} (the one apply
 * path), and makes Ratis snapshots out of this project's snapshot files ({@code
 * snapshot.TERM_INDEX} in Ratis's state-machine directory holds a vectaraft snapshot file).
 *
 * <p>Ratis calls {@link #applyTransaction} one entry at a time in log order, and {@link
 * #takeSnapshot} between entries, on its state-machine updater thread; {@link #query} (the end of a
 * linearizable read) runs on request threads and only reads the applied index.
 */
final class ReplicaStateMachine extends BaseStateMachine {
    private static final System.Logger LOG = System.getLogger(ReplicaStateMachine.class.getName());

    private final ReplicaState state;
    private final Path staging;
    private final AppliedIndex applied = new AppliedIndex();
    private final AtomicLong leaderChanges = new AtomicLong();

    /** Answers another node's status query (see {@link ClusterAdmin}); set once started. */
    private volatile Supplier<String> statusReport = () -> "";

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();

    ReplicaStateMachine(ReplicaState state, Path staging) {
        this.state = state;
        this.staging = staging;
    }

    AppliedIndex applied() {
        return applied;
    }

    /** How often this node saw the leader change (an unknown leader counts as a change too). */
    long leaderChanges() {
        return leaderChanges.get();
    }

    void reportStatusWith(Supplier<String> report) {
        this.statusReport = report;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId group, RaftStorage raftStorage)
            throws IOException {
        super.initialize(server, group, raftStorage);
        getLifeCycle()
                .startAndTransition(
                        () -> {
                            storage.init(raftStorage);
                            loadLatestSnapshot();
                        },
                        IOException.class);
    }

    /**
     * Before Ratis publishes a snapshot installed from the leader. Its updater reloads the state
     * machine only from PAUSED (it asserts that, and stops the server otherwise), so the life cycle
     * goes RUNNING, PAUSING, PAUSED here and back to RUNNING in {@link #reinitialize}.
     */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    /** After a snapshot was installed from the leader: its files are in place, load them. */
    @Override
    public void reinitialize() throws IOException {
        loadLatestSnapshot();
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    private void loadLatestSnapshot() {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        Path file = snapshot.getFile().getPath();
        long start = System.nanoTime();
        state.load(file);
        setLastAppliedTermIndex(snapshot.getTermIndex());
        applied.advance(snapshot.getIndex());
        LOG.log(
                Level.INFO,
                "cluster: loaded snapshot "
                        + file
                        + " (index "
                        + snapshot.getIndex()
                        + ", "
                        + (System.nanoTime() - start) / 1_000_000
                        + " ms)");
    }

    /** Operators (and the cluster tests) follow elections in the log. */
    @Override
    public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId leader) {
        leaderChanges.incrementAndGet();
        LOG.log(
                Level.INFO,
                "cluster: leader is "
                        + (leader == null ? "unknown" : leader.toString())
                        + " (this node: "
                        + member.getPeerId()
                        + ")");
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        ReplicaState.Applied result =
                state.apply(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(Message.valueOf(Outcome.encode(result)));
    }

    @Override
    protected boolean updateLastAppliedTermIndex(TermIndex newTI) {
        boolean updated = super.updateLastAppliedTermIndex(newTI);
        applied.advance(newTI.getIndex());
        return updated;
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() <= 0) {
            return -1;
        }
        long start = System.nanoTime();
        Files.createDirectories(staging);
        Path written = state.writeSnapshot(staging, last.getIndex()).path();
        File target = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        Files.move(written, target.toPath(), StandardCopyOption.ATOMIC_MOVE);
        var md5 = MD5FileUtil.computeAndSaveMd5ForFile(target);
        storage.updateLatestSnapshot(
                new SingleFileSnapshotInfo(new FileInfo(target.toPath(), md5), last));
        LOG.log(
                Level.INFO,
                "cluster: snapshot "
                        + target
                        + " at index "
                        + last.getIndex()
                        + ", "
                        + Files.size(target.toPath())
                        + " bytes, "
                        + (System.nanoTime() - start) / 1_000_000
                        + " ms");
        return last.getIndex();
    }

    /**
     * The answer to a read index ({@link RaftNode#readIndexAsync}): Ratis calls it on the leader
     * once the leader has applied its read index. The reply is the leader's applied index, which
     * the asking node applies before its read runs on its own state.
     */
    @Override
    public CompletableFuture<Message> query(Message request) {
        if (Outcome.text(request).equals(ClusterAdmin.STATUS_QUERY)) {
            // A stale read from another node's ClusterAdmin: this node's own status.
            return CompletableFuture.completedFuture(Message.valueOf(statusReport.get()));
        }
        return CompletableFuture.completedFuture(Message.valueOf(Long.toString(applied.get())));
    }

    /** The reply of an applied entry: {@code ok COUNT} or {@code refused KIND MESSAGE}. */
    static final class Outcome {
        private Outcome() {}

        static String encode(ReplicaState.Applied a) {
            if (a.refused() == null) {
                return "ok " + a.count();
            }
            VectaraftException e = a.refused();
            return "refused " + e.getClass().getSimpleName() + " " + e.getMessage();
        }

        static String text(Message m) {
            return m.getContent().toString(StandardCharsets.UTF_8);
        }
    }
}
