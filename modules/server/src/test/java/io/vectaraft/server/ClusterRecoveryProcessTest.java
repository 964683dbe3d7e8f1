package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.ReadConsistency;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.UpsertResponse;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real server processes on loopback: a leader paused past its term acknowledges nothing from
 * that term, a node wiped clean rejoins by snapshot installation, and a node down during many
 * writes catches up by log. Every check ends with the content (ids, vectors, metadata) equal on all
 * nodes and every acknowledged batch whole on each.
 */
class ClusterRecoveryProcessTest {
    private static final int DIM = 4;
    private static final int BATCH = 3;
    private static final String COLLECTION = "recovery";

    @TempDir Path dir;

    private final List<ClusterNode> nodes = new ArrayList<>();

    /** Acknowledged batches: name, and the lsn the group gave it. */
    private final Map<String, Long> acked = new ConcurrentHashMap<>();

    /** Batches sent whose outcome is unknown (the call failed): whole or absent. */
    private final Map<String, Boolean> unknown = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        nodes.forEach(ClusterNode::close);
    }

    @Test
    void pausedLeaderAcknowledgesNothingFromItsEndedTerm() throws Exception {
        startGroup();
        ClusterNode old = node(leader());
        List<ClusterNode> followers = nodes.stream().filter(n -> n != old).toList();
        for (int i = 0; i < 5; i++) {
            write(old, "before" + i);
        }
        long lastBefore = acked.values().stream().mapToLong(Long::longValue).max().orElseThrow();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger followerAcks = new AtomicInteger();
        ExecutorService pool = Executors.newCachedThreadPool();
        for (ClusterNode f : followers) {
            pool.submit(
                    () -> {
                        for (int n = 0; !stop.get(); n++) {
                            if (tryWrite(f, "via-" + f.id + "-" + n)) {
                                followerAcks.incrementAndGet();
                            }
                        }
                    });
        }
        old.pause();
        // Writes sent to the paused leader: they wait in its socket buffers until it runs again.
        List<Future<Boolean>> toPaused = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String name = "paused" + i;
            toPaused.add(pool.submit(() -> tryWrite(old, name)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int acksAtPause = followerAcks.get();
        while (!newLeaderAmong(followers, old.id) || followerAcks.get() < acksAtPause + 10) {
            assertTrue(System.nanoTime() < deadline, "a new leader takes writes: " + tails());
            Thread.sleep(50); // the election is in other processes: poll their logs
        }
        old.resume();
        for (Future<Boolean> f : toPaused) {
            f.get(90, TimeUnit.SECONDS);
        }
        // The resumed node serves writes again, through the new leader.
        for (int i = 0; i < 3; i++) {
            UpsertResponse r = write(old, "after" + i);
            assertTrue(r.getLsn() > lastBefore, "a later lsn after the resume: " + r.getLsn());
        }
        stop.set(true);
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "writers stop");
        assertNotEquals(old.id, leader(), "the paused leader's term ended");

        // An acknowledgement from the ended term would share its lsn with the entry of the new term
        // that replaced it, and be missing: every acknowledged lsn is distinct, and present.
        assertEquals(
                acked.size(),
                acked.values().stream().distinct().count(),
                "distinct lsns of acknowledged writes: " + new TreeMap<>(acked));
        verifyEverywhere("after a leader paused past its term");
    }

    @Test
    void wipedNodeRejoinsBySnapshotInstallation() throws Exception {
        startGroup("--cluster-snapshot-entries", "20");
        for (int i = 0; i < 30; i++) {
            write(nodes.get(i % 3), "a" + i);
        }
        // Ratis purges whole closed log segments only, and closes one when it is full (32 MB or
        // more) or when the term changes: a leader change closes the segment holding the entries
        // so far, so the snapshots below purge them from the leader's log.
        ClusterNode first = node(leader());
        first.kill();
        List<ClusterNode> rest = nodes.stream().filter(n -> n != first).toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!newLeaderAmong(rest, first.id)) {
            assertTrue(System.nanoTime() < deadline, "a new leader after a kill: " + tails());
            Thread.sleep(50); // the election is in other processes: poll their logs
        }
        first.restart();
        write(first, "term-change");

        String leader = leader();
        ClusterNode wiped = nodes.stream().filter(n -> !n.id.equals(leader)).findFirst().get();
        wiped.kill();
        wiped.wipe();
        List<ClusterNode> up = nodes.stream().filter(n -> n != wiped).toList();
        for (int i = 0; i < 100; i++) {
            write(up.get(i % 2), "b" + i);
        }
        wiped.restart();
        awaitApplied(wiped);
        assertTrue(
                wiped.logged(l -> l.contains("cluster: loaded snapshot")),
                "the wiped node installed a snapshot: " + wiped.tail());
        verifyEverywhere("after " + wiped.id + " rejoined wiped");
    }

    @Test
    void nodeDownDuringManyWritesCatchesUpByLog() throws Exception {
        startGroup();
        String leader = leader();
        ClusterNode down = nodes.stream().filter(n -> !n.id.equals(leader)).findFirst().get();
        write(down, "first");
        down.kill();
        List<ClusterNode> up = nodes.stream().filter(n -> n != down).toList();
        for (int i = 0; i < 300; i++) {
            write(up.get(i % 2), "w" + i);
        }
        down.restart();
        awaitApplied(down);
        assertFalse(
                down.logged(l -> l.contains("cluster: loaded snapshot")),
                "caught up from the log, no snapshot (below cluster.snapshot-entries)");
        verifyEverywhere("after " + down.id + " was down during 300 writes");
    }

    private void startGroup(String... flags) throws Exception {
        String peers = ClusterNode.peers(3);
        for (int i = 1; i <= 3; i++) {
            nodes.add(new ClusterNode("n" + i, dir.resolve("n" + i), peers, flags));
        }
        for (ClusterNode n : nodes) {
            n.start();
        }
        for (ClusterNode n : nodes) {
            n.awaitReady();
        }
        leader(); // the first write would otherwise spend its deadline on the first election
        nodes.get(0).stub().createCollection(Protos.create(COLLECTION, DIM, Metric.EUCLIDEAN));
    }

    private UpsertResponse write(ClusterNode through, String name) {
        UpsertResponse r = through.stub().upsert(batch(name));
        acked.put(name, r.getLsn());
        return r;
    }

    private boolean tryWrite(ClusterNode through, String name) {
        try {
            write(through, name);
            return true;
        } catch (StatusRuntimeException e) {
            unknown.put(name, true); // down, paused or between leaders: outcome unknown
            return false;
        }
    }

    /** Waits until the node has applied the last acknowledged write. */
    private void awaitApplied(ClusterNode n) {
        long last = acked.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        try {
            n.stub()
                    .withDeadlineAfter(120, TimeUnit.SECONDS)
                    .count(
                            CountRequest.newBuilder()
                                    .setCollection(COLLECTION)
                                    .setMinLsn(last)
                                    .build());
        } catch (StatusRuntimeException e) {
            throw new AssertionError(
                    n.id + " did not apply lsn " + last + ": " + e.getStatus() + tails(), e);
        }
    }

    /**
     * Every acknowledged batch whole on every node with the vectors written, every batch of unknown
     * outcome whole or absent, and the same records on all nodes.
     */
    private void verifyEverywhere(String when) {
        long last = acked.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        Map<String, Record> reference = null;
        for (ClusterNode n : nodes) {
            Map<String, Record> content = new HashMap<>();
            for (String name : acked.keySet()) {
                List<Record> got = get(n, name, last);
                assertEquals(BATCH, got.size(), when + ": acknowledged " + name + " on " + n.id);
                got.forEach(r -> content.put(r.getId(), r));
                for (Record e : batch(name).getRecordsList()) {
                    assertEquals(
                            e.getValuesList(),
                            content.get(e.getId()).getValuesList(),
                            when + ": vector of " + e.getId() + " on " + n.id);
                }
            }
            for (String name : unknown.keySet()) {
                int present = get(n, name, last).size();
                assertTrue(present == 0 || present == BATCH, when + ": " + name + " half applied");
                get(n, name, last).forEach(r -> content.put(r.getId(), r));
            }
            long count = count(n, last);
            assertEquals(content.size(), count, when + ": no other records on " + n.id);
            if (reference == null) {
                reference = content;
            } else {
                assertEquals(reference, content, when + ": the same content on " + n.id);
            }
        }
    }

    private static boolean newLeaderAmong(List<ClusterNode> followers, String old) {
        return followers.stream()
                .map(ClusterNode::lastLeader)
                .anyMatch(l -> l != null && !l.equals("unknown") && !l.equals(old));
    }

    private String leader() throws InterruptedException {
        return ClusterNode.awaitLeader(nodes);
    }

    private ClusterNode node(String id) {
        return ClusterNode.byId(nodes, id);
    }

    private String tails() {
        return ClusterNode.tails(nodes);
    }

    /** The batch of this name: its vectors derived from the name, so a check can recompute them. */
    private static UpsertRequest batch(String name) {
        Random rnd = new Random(name.hashCode());
        UpsertRequest.Builder b = UpsertRequest.newBuilder().setCollection(COLLECTION);
        for (int k = 0; k < BATCH; k++) {
            float[] v = new float[DIM];
            for (int i = 0; i < DIM; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
            b.addRecords(Protos.record(name + "-" + k, v, Map.of("batch", Protos.str(name))));
        }
        return b.build();
    }

    private static List<Record> get(ClusterNode n, String batch, long minLsn) {
        GetRequest.Builder g =
                GetRequest.newBuilder()
                        .setCollection(COLLECTION)
                        .setConsistency(ReadConsistency.READ_CONSISTENCY_LOCAL)
                        .setIncludeValues(true)
                        .setIncludeMetadata(true)
                        .setMinLsn(minLsn);
        for (int k = 0; k < BATCH; k++) {
            g.addIds(batch + "-" + k);
        }
        return n.stub().get(g.build()).getRecordsList();
    }

    private static long count(ClusterNode n, long minLsn) {
        VectorServiceGrpc.VectorServiceBlockingStub s = n.stub();
        return s.count(
                        CountRequest.newBuilder()
                                .setCollection(COLLECTION)
                                .setMinLsn(minLsn)
                                .build())
                .getCount();
    }
}
