package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.ReadConsistency;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.UpsertResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real server processes on loopback form a Raft group: writes through any node are readable
 * on every node (linearizable reads on followers), bad input on a follower changes nothing, and
 * after the leader is SIGKILLed a new leader takes writes, nothing acknowledged is lost, and the
 * restarted node catches up.
 *
 * <p>Bounded to {@value #DEFAULT_CYCLES} kill cycles. A longer chaos run:
 *
 * <pre>
 * ./test.sh -o -pl modules/server -am -Dtest=ClusterProcessTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dvectaraft.cluster.cycles=100
 * </pre>
 */
class ClusterProcessTest {
    private static final int DEFAULT_CYCLES = 10;
    private static final int DIM = 4;
    private static final int BATCH = 3;
    private static final int WRITERS = 8;
    private static final String COLLECTION = "replicated";

    @TempDir Path dir;

    private final List<ClusterNode> nodes = new ArrayList<>();

    /** Acknowledged batches: name, and the lsn the group gave it. */
    private final Map<String, Long> acked = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        nodes.forEach(ClusterNode::close);
    }

    @Test
    void writesAnywhereReadEverywhereAndSurviveLeaderKills() throws Exception {
        startGroup();
        leader(); // the first write would otherwise spend its deadline on the first election
        ClusterNode first = nodes.get(0);
        // Cosine: every upsert entry carries vectors the receiving node normalized, and restarted
        // nodes replay them; the digests below check that every replica stores the same bits.
        first.stub().createCollection(Protos.create(COLLECTION, DIM, Metric.COSINE));

        // A write through one follower is seen by a linearizable read on another at once.
        for (int i = 0; i < nodes.size(); i++) {
            ClusterNode writer = nodes.get(i);
            ClusterNode reader = nodes.get((i + 1) % nodes.size());
            String name = "direct" + i;
            UpsertResponse r = writer.stub().upsert(batch(name, new Random(i)));
            assertTrue(r.getLsn() > 0, "a replicated write has an lsn: " + r);
            acked.put(name, r.getLsn());
            assertEquals(
                    BATCH,
                    get(reader, name, ReadConsistency.READ_CONSISTENCY_LINEARIZABLE, 0).size(),
                    "linearizable read on " + reader.id + " after a write on " + writer.id);
            assertEquals(
                    BATCH,
                    get(reader, name, ReadConsistency.READ_CONSISTENCY_LOCAL, r.getLsn()).size(),
                    "min_lsn read on " + reader.id + " after a write on " + writer.id);
        }

        // Bad input on a follower is refused there and changes nothing anywhere.
        String leader = leader();
        ClusterNode follower = nodes.stream().filter(n -> !n.id.equals(leader)).findFirst().get();
        long before = count(follower);
        StatusRuntimeException refused =
                expectStatus(
                        () ->
                                follower.stub()
                                        .upsert(
                                                UpsertRequest.newBuilder()
                                                        .setCollection(COLLECTION)
                                                        .addRecords(Protos.record("ok", 1, 2, 3, 4))
                                                        .addRecords(Protos.record("bad", 1, 2))
                                                        .build()));
        assertEquals(
                Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), "wrong dimension");
        for (ClusterNode n : nodes) {
            assertEquals(before, count(n), "nothing of the refused batch on " + n.id);
        }

        // A log position this node will not reach in time: it says so before the deadline fires.
        long ahead = acked.values().stream().mapToLong(Long::longValue).max().orElse(0) + 1_000_000;
        StatusRuntimeException behind =
                expectStatus(
                        () ->
                                follower.stub()
                                        .withDeadlineAfter(1, TimeUnit.SECONDS)
                                        .get(
                                                GetRequest.newBuilder()
                                                        .setCollection(COLLECTION)
                                                        .addIds("direct0-0")
                                                        .setMinLsn(ahead)
                                                        .build()));
        assertEquals(Status.Code.UNAVAILABLE, behind.getStatus().getCode(), behind.toString());
        assertTrue(
                behind.getStatus().getDescription().contains("min_lsn"),
                "names what it waited for: " + behind.getStatus());

        long seed = Long.getLong("vectaraft.cluster.seed", System.nanoTime());
        int cycles = Integer.getInteger("vectaraft.cluster.cycles", DEFAULT_CYCLES);
        System.out.println("ClusterProcessTest: seed " + seed + ", cycles " + cycles);
        Random rnd = new Random(seed);
        for (int cycle = 0; cycle < cycles; cycle++) {
            killLeaderUnderWrites(cycle, rnd);
        }
        verifyEverywhere("after " + cycles + " leader kills (seed " + seed + ")");
    }

    /** Writers on every node; the leader is killed mid-way, writes go on, it comes back. */
    private void killLeaderUnderWrites(int cycle, Random rnd) throws Exception {
        String oldLeader = leader();
        ClusterNode victim = node(oldLeader);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch afterKill = new CountDownLatch(10);
        AtomicBoolean killed = new AtomicBoolean();
        AtomicLong firstAfterKill = new AtomicLong();
        CountDownLatch warm = new CountDownLatch(5 + rnd.nextInt(20));
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        for (int w = 0; w < WRITERS; w++) {
            int home = w % nodes.size();
            String prefix = "k" + cycle + "w" + w + "b";
            long writerSeed = rnd.nextLong();
            pool.submit(
                    () -> {
                        Random r = new Random(writerSeed);
                        int through = home;
                        for (int n = 0; !stop.get(); n++) {
                            String name = prefix + n;
                            try {
                                UpsertResponse resp =
                                        nodes.get(through).stub().upsert(batch(name, r));
                                acked.put(name, resp.getLsn());
                                warm.countDown();
                                if (killed.get()) {
                                    firstAfterKill.compareAndSet(0, System.nanoTime());
                                    afterKill.countDown();
                                }
                            } catch (StatusRuntimeException e) {
                                // The node is down, or the group between leaders: outcome unknown.
                                // As a client given every node's address, try the next one (a
                                // writer that kept calling a dead node would spin on fast
                                // failures and starve the restarting process of CPU).
                                through = (through + 1) % nodes.size();
                            }
                        }
                    });
        }
        assertTrue(warm.await(60, TimeUnit.SECONDS), "writes before the kill: " + victim.tail());
        long killedAt = System.nanoTime();
        victim.kill();
        killed.set(true);
        assertTrue(
                afterKill.await(60, TimeUnit.SECONDS),
                "writes acknowledged after the leader was killed: " + tails());
        String newLeader = leader();
        assertTrue(!newLeader.equals(oldLeader), "a new leader: " + newLeader);
        long restartAt = System.nanoTime();
        victim.restart();
        long restartedAt = System.nanoTime();
        stop.set(true);
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "writers stop");
        System.out.printf(
                "ClusterProcessTest: cycle %d: leader %s killed, next write acknowledged %d ms"
                        + " later; it rejoined in %d ms%n",
                cycle,
                oldLeader,
                (firstAfterKill.get() - killedAt) / 1_000_000,
                (restartedAt - restartAt) / 1_000_000);
    }

    /** Every acknowledged batch is on every node, whole. */
    private void verifyEverywhere(String when) {
        long last = acked.values().stream().mapToLong(Long::longValue).max().orElse(0);
        for (ClusterNode n : nodes) {
            for (Map.Entry<String, Long> e : acked.entrySet()) {
                int present =
                        get(n, e.getKey(), ReadConsistency.READ_CONSISTENCY_LOCAL, last).size();
                assertEquals(
                        BATCH,
                        present,
                        when
                                + ": acknowledged batch "
                                + e.getKey()
                                + " (lsn "
                                + e.getValue()
                                + ") on "
                                + n.id);
            }
        }
        long counted = count(nodes.get(0));
        for (ClusterNode n : nodes) {
            assertEquals(counted, count(n), when + ": the same records on " + n.id);
        }
        String digest = digest(nodes.get(0), last);
        for (ClusterNode n : nodes) {
            assertEquals(digest, digest(n, last), when + ": the same content digest on " + n.id);
        }
    }

    /** The collection's content digest on {@code n} once it has applied {@code minLsn}. */
    private static String digest(ClusterNode n, long minLsn) {
        return n.stub()
                .describeCollection(
                        DescribeCollectionRequest.newBuilder()
                                .setName(COLLECTION)
                                .setMinLsn(minLsn)
                                .setIncludeDigest(true)
                                .build())
                .getContentDigest();
    }

    private void startGroup() throws Exception {
        String peers = ClusterNode.peers(3);
        for (int i = 1; i <= 3; i++) {
            nodes.add(new ClusterNode("n" + i, dir.resolve("n" + i), peers));
        }
        for (ClusterNode n : nodes) {
            n.start();
        }
        for (ClusterNode n : nodes) {
            n.awaitReady();
        }
    }

    private String leader() throws InterruptedException {
        return ClusterNode.awaitLeader(nodes);
    }

    private String tails() {
        return ClusterNode.tails(nodes);
    }

    private ClusterNode node(String id) {
        return ClusterNode.byId(nodes, id);
    }

    private static UpsertRequest batch(String name, Random rnd) {
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

    private static List<Record> get(ClusterNode n, String batch, ReadConsistency c, long minLsn) {
        GetRequest.Builder g =
                GetRequest.newBuilder()
                        .setCollection(COLLECTION)
                        .setConsistency(c)
                        .setMinLsn(minLsn);
        for (int k = 0; k < BATCH; k++) {
            g.addIds(batch + "-" + k);
        }
        return n.stub().get(g.build()).getRecordsList();
    }

    private static long count(ClusterNode n) {
        return n.stub()
                .count(
                        CountRequest.newBuilder()
                                .setCollection(COLLECTION)
                                .setConsistency(ReadConsistency.READ_CONSISTENCY_LINEARIZABLE)
                                .build())
                .getCount();
    }

    private static StatusRuntimeException expectStatus(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        return fail("expected the call to fail");
    }
}
