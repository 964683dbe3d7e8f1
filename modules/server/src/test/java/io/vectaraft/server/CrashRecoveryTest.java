package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real server process (SIGKILL, via {@link Process#destroyForcibly()}) while concurrent
 * clients upsert and delete over gRPC, restarts it on the same WAL, and checks that every
 * acknowledged write is there bit for bit, every acknowledged delete is gone, and every batch whose
 * outcome the client never learned is all there or all absent.
 *
 * <p>Bounded to {@value #DEFAULT_CYCLES} kill cycles. Soak with more cycles:
 *
 * <pre>
 * mvn -o -pl modules/server test -Dtest=CrashRecoveryTest -Dvectaraft.crash.cycles=500
 * </pre>
 *
 * The random seed is logged and can be fixed with {@code -Dvectaraft.crash.seed=...}.
 */
class CrashRecoveryTest {
    private static final int DEFAULT_CYCLES = 10;
    private static final int DIM = 8;
    private static final int BATCH = 5;
    private static final int WRITERS = 6;
    private static final String COLLECTION = "crash";
    private static final Pattern READY = Pattern.compile("ready in .* grpc=(\\S+):(\\d+) ");

    @TempDir Path dir;

    /** What the client knows about one batch: its records, and whether it was acknowledged. */
    record Batch(String name, List<Record> records) {}

    enum Outcome {
        ACKED,
        UNKNOWN,
        /** Found absent after a restart: it never happened and must never appear. */
        NEVER
    }

    private final Map<String, Batch> batches = new ConcurrentHashMap<>();
    private final Map<String, Outcome> upserts = new ConcurrentHashMap<>();
    private final Map<String, Outcome> deletes = new ConcurrentHashMap<>();

    @Test
    void acknowledgedWritesSurviveKillNine() throws Exception {
        int cycles = Integer.getInteger("vectaraft.crash.cycles", DEFAULT_CYCLES);
        long seed = Long.getLong("vectaraft.crash.seed", System.nanoTime());
        System.out.println("CrashRecoveryTest: seed " + seed + ", cycles " + cycles);
        Random rnd = new Random(seed);
        for (int cycle = 0; cycle < cycles; cycle++) {
            try (Child server = Child.start(dir)) {
                if (cycle == 0) {
                    server.stub()
                            .createCollection(Protos.create(COLLECTION, DIM, Metric.EUCLIDEAN));
                } else {
                    verify(server, "after kill " + cycle + " (seed " + seed + ")");
                }
                drive(server, cycle, rnd.nextLong(), 10 + rnd.nextInt(60));
            }
        }
        try (Child server = Child.start(dir)) {
            verify(server, "final restart (seed " + seed + ")");
        }
        long acked = upserts.values().stream().filter(o -> o == Outcome.ACKED).count();
        assertTrue(acked > cycles * 10L, "the test acknowledged writes: " + acked);
    }

    /**
     * Runs concurrent writers until {@code killAfter} operations are acknowledged, then kills the
     * process while they are still writing.
     */
    private void drive(Child server, int cycle, long seed, int killAfter) throws Exception {
        CountDownLatch enough = new CountDownLatch(killAfter);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        AtomicInteger failedCalls = new AtomicInteger();
        for (int w = 0; w < WRITERS; w++) {
            Random rnd = new Random(seed + w);
            String prefix = "c" + cycle + "w" + w + "b";
            pool.submit(() -> write(server, rnd, prefix, enough, failedCalls));
        }
        assertTrue(enough.await(60, TimeUnit.SECONDS), "writers made progress: " + server.tail());
        server.kill();
        pool.shutdown();
        assertTrue(
                pool.awaitTermination(60, TimeUnit.SECONDS), "writers stop once the server dies");
        assertTrue(failedCalls.get() > 0 || killAfter == 0, "the kill interrupted some calls");
    }

    private void write(
            Child server,
            Random rnd,
            String prefix,
            CountDownLatch acked,
            AtomicInteger failedCalls) {
        Deque<String> deletable = new ArrayDeque<>();
        for (int n = 0; ; n++) {
            boolean delete = deletable.size() > 2 && rnd.nextInt(4) == 0;
            String name = delete ? deletable.removeFirst() : prefix + n;
            try {
                if (delete) {
                    deletes.put(name, Outcome.UNKNOWN);
                    server.stub()
                            .delete(
                                    DeleteRequest.newBuilder()
                                            .setCollection(COLLECTION)
                                            .addAllIds(ids(batches.get(name)))
                                            .build());
                    deletes.put(name, Outcome.ACKED);
                } else {
                    Batch b = batch(rnd, name);
                    batches.put(name, b);
                    upserts.put(name, Outcome.UNKNOWN);
                    server.stub()
                            .upsert(
                                    UpsertRequest.newBuilder()
                                            .setCollection(COLLECTION)
                                            .addAllRecords(b.records())
                                            .build());
                    upserts.put(name, Outcome.ACKED);
                    deletable.addLast(name);
                }
                acked.countDown();
            } catch (StatusRuntimeException e) {
                failedCalls.incrementAndGet();
                return; // the server is gone
            }
        }
    }

    private static Batch batch(Random rnd, String name) {
        List<Record> records = new ArrayList<>();
        for (int k = 0; k < BATCH; k++) {
            float[] v = new float[DIM];
            for (int i = 0; i < DIM; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
            records.add(Protos.record(name + "-" + k, v, Map.of("batch", Protos.str(name))));
        }
        return new Batch(name, records);
    }

    private static List<String> ids(Batch b) {
        return b.records().stream().map(Record::getId).toList();
    }

    /**
     * Checks the restarted server against the client's knowledge, then settles the unknown outcomes
     * to what the server shows, so later cycles check exact expectations.
     */
    private void verify(Child server, String when) {
        for (Batch b : batches.values()) {
            Map<String, Record> got = new HashMap<>();
            for (Record r :
                    server.stub()
                            .get(
                                    GetRequest.newBuilder()
                                            .setCollection(COLLECTION)
                                            .addAllIds(ids(b))
                                            .setIncludeValues(true)
                                            .setIncludeMetadata(true)
                                            .build())
                            .getRecordsList()) {
                got.put(r.getId(), r);
            }
            String what =
                    when
                            + ": batch "
                            + b.name()
                            + " upsert "
                            + upserts.get(b.name())
                            + ", delete "
                            + deletes.get(b.name())
                            + ", present "
                            + got.size();
            if (got.size() != 0 && got.size() != BATCH) {
                fail(what + ": half-applied batch");
            }
            boolean present = got.size() == BATCH;
            Outcome up = upserts.get(b.name());
            Outcome del = deletes.get(b.name());
            if (del == Outcome.ACKED || up == Outcome.NEVER) {
                assertTrue(!present, what + ": deleted or never-applied batch is back");
            } else if (up == Outcome.ACKED && del == null) {
                assertTrue(present, what + ": acknowledged upsert lost");
            }
            if (present) {
                for (Record want : b.records()) {
                    assertEquals(want, got.get(want.getId()), what + ": record " + want.getId());
                }
            }
            if (up == Outcome.UNKNOWN) {
                upserts.put(b.name(), present ? Outcome.ACKED : Outcome.NEVER);
            }
            if (del == Outcome.UNKNOWN) {
                if (present) {
                    deletes.remove(b.name()); // it did not happen, and no one will retry it
                } else {
                    deletes.put(b.name(), Outcome.ACKED);
                }
            }
        }
    }

    /** A server child process and a channel to it. */
    private static final class Child implements AutoCloseable {
        private final Process process;
        private final ManagedChannel channel;
        private final Deque<String> lastLines;

        private Child(Process process, ManagedChannel channel, Deque<String> lastLines) {
            this.process = process;
            this.channel = channel;
            this.lastLines = lastLines;
        }

        static Child start(Path dir) throws Exception {
            ProcessBuilder pb =
                    new ProcessBuilder(
                                    ServerJvm.command(
                                            List.of("-Xmx256m"),
                                            List.of(
                                                    "--port",
                                                    "0",
                                                    "--no-metrics",
                                                    "--fsync",
                                                    "always",
                                                    "--wal-path",
                                                    dir.resolve("wal.jsonl").toString())))
                            .directory(dir.toFile())
                            .redirectErrorStream(true);
            Process p = pb.start();
            Deque<String> lines = new ArrayDeque<>();
            CompletableFuture<String> address = new CompletableFuture<>();
            Thread.ofPlatform()
                    .daemon()
                    .name("crash-child-output")
                    .start(() -> drain(p, lines, address));
            String hostPort;
            try {
                hostPort = address.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
                throw new AssertionError("server did not start: " + String.join("\n", lines), e);
            }
            int colon = hostPort.lastIndexOf(':');
            ManagedChannel ch =
                    ManagedChannelBuilder.forAddress(
                                    hostPort.substring(0, colon),
                                    Integer.parseInt(hostPort.substring(colon + 1)))
                            .usePlaintext()
                            .build();
            return new Child(p, ch, lines);
        }

        private static void drain(Process p, Deque<String> lines, CompletableFuture<String> ready) {
            try (BufferedReader r =
                    new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.addLast(line);
                        if (lines.size() > 40) {
                            lines.removeFirst();
                        }
                    }
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        ready.complete(m.group(1) + ":" + m.group(2));
                    }
                }
            } catch (IOException e) {
                // The process died; its output ends here.
            }
            ready.completeExceptionally(new IOException("server exited before it was ready"));
        }

        VectorServiceGrpc.VectorServiceBlockingStub stub() {
            return VectorServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        String tail() {
            synchronized (lastLines) {
                return String.join("\n", lastLines);
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            try {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
                if (process.isAlive()) {
                    kill();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
