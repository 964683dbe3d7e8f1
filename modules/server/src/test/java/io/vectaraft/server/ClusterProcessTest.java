package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
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
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern READY = Pattern.compile("ready in .* grpc=(\\S+):(\\d+) ");
    private static final Pattern LEADER = Pattern.compile("cluster: leader is (\\S+) ");

    @TempDir Path dir;

    private final List<Node> nodes = new ArrayList<>();
    private String peers;

    /** Acknowledged batches: name, and the lsn the group gave it. */
    private final Map<String, Long> acked = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
    }

    @Test
    void writesAnywhereReadEverywhereAndSurviveLeaderKills() throws Exception {
        startGroup();
        leader(); // the first write would otherwise spend its deadline on the first election
        Node first = nodes.get(0);
        first.stub().createCollection(Protos.create(COLLECTION, DIM, Metric.EUCLIDEAN));

        // A write through one follower is seen by a linearizable read on another at once.
        for (int i = 0; i < nodes.size(); i++) {
            Node writer = nodes.get(i);
            Node reader = nodes.get((i + 1) % nodes.size());
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
        Node follower = nodes.stream().filter(n -> !n.id.equals(leader)).findFirst().get();
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
        for (Node n : nodes) {
            assertEquals(before, count(n), "nothing of the refused batch on " + n.id);
        }

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
        Node victim = node(oldLeader);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch afterKill = new CountDownLatch(10);
        AtomicBoolean killed = new AtomicBoolean();
        AtomicLong firstAfterKill = new AtomicLong();
        CountDownLatch warm = new CountDownLatch(5 + rnd.nextInt(20));
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        for (int w = 0; w < WRITERS; w++) {
            Node through = nodes.get(w % nodes.size());
            String prefix = "k" + cycle + "w" + w + "b";
            long writerSeed = rnd.nextLong();
            pool.submit(
                    () -> {
                        Random r = new Random(writerSeed);
                        for (int n = 0; !stop.get(); n++) {
                            String name = prefix + n;
                            try {
                                UpsertResponse resp = through.stub().upsert(batch(name, r));
                                acked.put(name, resp.getLsn());
                                warm.countDown();
                                if (killed.get()) {
                                    firstAfterKill.compareAndSet(0, System.nanoTime());
                                    afterKill.countDown();
                                }
                            } catch (StatusRuntimeException e) {
                                // The node is down, or the group between leaders: outcome unknown.
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
        System.out.printf(
                "ClusterProcessTest: cycle %d: leader %s killed, next write acknowledged %d ms"
                        + " later%n",
                cycle, oldLeader, (firstAfterKill.get() - killedAt) / 1_000_000);
        String newLeader = leader();
        assertTrue(!newLeader.equals(oldLeader), "a new leader: " + newLeader);
        victim.restart();
        stop.set(true);
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "writers stop");
    }

    /** Every acknowledged batch is on every node, whole. */
    private void verifyEverywhere(String when) {
        long last = acked.values().stream().mapToLong(Long::longValue).max().orElse(0);
        for (Node n : nodes) {
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
        for (Node n : nodes) {
            assertEquals(counted, count(n), when + ": the same records on " + n.id);
        }
        String digest = digest(nodes.get(0), last);
        for (Node n : nodes) {
            assertEquals(digest, digest(n, last), when + ": the same content digest on " + n.id);
        }
    }

    /** The collection's content digest on {@code n} once it has applied {@code minLsn}. */
    private static String digest(Node n, long minLsn) {
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
        List<String> items = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            items.add("n" + i + "=127.0.0.1:" + freePort());
        }
        peers = String.join(",", items);
        for (int i = 1; i <= 3; i++) {
            nodes.add(new Node("n" + i, dir.resolve("n" + i), peers));
        }
        for (Node n : nodes) {
            n.start();
        }
        for (Node n : nodes) {
            n.awaitReady();
        }
    }

    /** The leader most recently announced by a live node (waits for an election). */
    private String leader() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String seen = null;
            for (Node n : nodes) {
                String l = n.alive() ? n.lastLeader() : null;
                if (l != null && !l.equals("unknown") && node(l).alive()) {
                    seen = l;
                }
            }
            if (seen != null) {
                return seen;
            }
            Thread.sleep(50); // polling the nodes' logs: the election is in another process
        }
        throw new AssertionError("no leader announced within 60 s");
    }

    private String tails() {
        StringBuilder b = new StringBuilder();
        nodes.forEach(n -> b.append("\n--- ").append(n.id).append(":\n").append(n.tail()));
        return b.toString();
    }

    private Node node(String id) {
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
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

    private static List<Record> get(Node n, String batch, ReadConsistency c, long minLsn) {
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

    private static long count(Node n) {
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** One server process of the group; restarts keep its directory. */
    private static final class Node implements AutoCloseable {
        final String id;
        private final Path dir;
        private final String peers;
        private final Deque<String> lines = new ArrayDeque<>();
        private volatile Process process;
        private volatile CompletableFuture<String> ready;
        private volatile String lastLeader;
        private ManagedChannel channel;

        Node(String id, Path dir, String peers) {
            this.id = id;
            this.dir = dir;
            this.peers = peers;
        }

        void start() throws IOException {
            String java = ProcessHandle.current().info().command().orElseThrow();
            String classpath =
                    System.getProperty(
                            "surefire.test.class.path", System.getProperty("java.class.path"));
            ProcessBuilder pb =
                    new ProcessBuilder(
                                    java,
                                    "--add-modules",
                                    "jdk.incubator.vector",
                                    "-Xmx256m",
                                    "-cp",
                                    classpath,
                                    "io.vectaraft.server.Main",
                                    "--port",
                                    "0",
                                    "--no-metrics",
                                    "--wal-path",
                                    dir.resolve("wal.jsonl").toString(),
                                    "--node-id",
                                    id,
                                    "--peers",
                                    peers)
                            .directory(dir.getParent().toFile())
                            .redirectErrorStream(true);
            Files.createDirectories(dir);
            ready = new CompletableFuture<>();
            lastLeader = null;
            Process p = pb.start();
            process = p;
            CompletableFuture<String> r = ready;
            Thread.ofPlatform().daemon().name("node-" + id).start(() -> drain(p, r));
        }

        void awaitReady() throws Exception {
            String hostPort;
            try {
                hostPort = ready.get(90, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
                throw new AssertionError(id + " did not start: " + tail(), e);
            }
            int colon = hostPort.lastIndexOf(':');
            if (channel != null) {
                channel.shutdownNow();
            }
            channel =
                    ManagedChannelBuilder.forAddress(
                                    hostPort.substring(0, colon),
                                    Integer.parseInt(hostPort.substring(colon + 1)))
                            .usePlaintext()
                            .build();
        }

        private void drain(Process p, CompletableFuture<String> r) {
            try (BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.addLast(line);
                        if (lines.size() > 60) {
                            lines.removeFirst();
                        }
                    }
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        r.complete(m.group(1) + ":" + m.group(2));
                    }
                    Matcher l = LEADER.matcher(line);
                    if (l.find()) {
                        lastLeader = l.group(1);
                    }
                }
            } catch (IOException e) {
                // The process died; its output ends here.
            }
            r.completeExceptionally(new IOException(id + " exited before it was ready"));
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        String lastLeader() {
            return lastLeader;
        }

        VectorServiceGrpc.VectorServiceBlockingStub stub() {
            return VectorServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        String tail() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        void restart() throws Exception {
            start();
            awaitReady();
        }

        @Override
        public void close() {
            if (channel != null) {
                channel.shutdownNow();
            }
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
