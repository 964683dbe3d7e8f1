package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.CreateSnapshotRequest;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.FsyncPolicy;
import io.vectaraft.wal.StorageEngine;
import io.vectaraft.wal.StorageOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM at the awkward moments, to a real server process: during recovery, in the instant between
 * the gRPC port opening and the ready line, during a snapshot, and under heavy write load. Each
 * time the process must exit 0 or 143 with no stack trace in its output, and a restart on the same
 * log must hold every acknowledged write. The moments are found from the server's own log lines,
 * not from sleeps.
 */
class ShutdownProcessTest {
    private static final Pattern LISTENING = Pattern.compile("gRPC listening on [^:]+:(\\d+)");
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at [\\w.$/]+\\(");
    private static final int DIM = 16;
    private static final String COLLECTION = "c";

    @TempDir Path dir;

    @Test
    void sigtermDuringRecoveryExitsCleanlyAndLosesNothing() throws Exception {
        int records = 60_000;
        seedStore(records);
        try (Child server = Child.start(dir)) {
            server.await(Pattern.compile("wal: recovering"));
            server.terminate();
            server.assertCleanExit("SIGTERM during recovery");
        }
        try (Child again = Child.start(dir)) {
            again.awaitPort();
            assertEquals(
                    records,
                    again.count(),
                    "every record of the log after a start stopped during recovery");
            again.terminate();
            again.assertCleanExit("SIGTERM after the restart");
        }
    }

    @Test
    void sigtermAsTheGrpcPortOpensExitsCleanly() throws Exception {
        // With metrics on, the HTTP side starts after gRPC: the ready line comes later still.
        try (Child server = Child.start(dir, "--metrics-addr", "127.0.0.1:0")) {
            server.awaitPort();
            server.terminate();
            server.assertCleanExit("SIGTERM as the gRPC port opened");
        }
    }

    @Test
    void sigtermDuringASnapshotExitsCleanlyAndLosesNothing() throws Exception {
        List<String> acked;
        try (Child server = Child.start(dir)) {
            server.awaitPort();
            server.stub().createCollection(Protos.create(COLLECTION, DIM, Metric.EUCLIDEAN));
            acked = server.upsertBatches("s", 200, 100);
            Thread snapshot =
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        try {
                                            server.stub()
                                                    .createSnapshot(
                                                            CreateSnapshotRequest
                                                                    .getDefaultInstance());
                                        } catch (StatusRuntimeException e) {
                                            // The server may stop before it answers.
                                        }
                                    });
            server.await(Pattern.compile("snapshot: writing"));
            server.terminate();
            server.assertCleanExit("SIGTERM during a snapshot");
            snapshot.join();
        }
        try (Child again = Child.start(dir)) {
            again.awaitPort();
            again.assertPresent(acked);
        }
    }

    @Test
    void sigtermUnderHeavyWriteLoadExitsCleanlyAndLosesNothing() throws Exception {
        List<String> acked = Collections.synchronizedList(new ArrayList<>());
        try (Child server = Child.start(dir)) {
            server.awaitPort();
            server.stub().createCollection(Protos.create(COLLECTION, DIM, Metric.EUCLIDEAN));
            int writers = 8;
            CountDownLatch enough = new CountDownLatch(200);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            for (int w = 0; w < writers; w++) {
                String prefix = "w" + w + "-";
                Random rnd = new Random(w);
                pool.submit(
                        () -> {
                            for (int n = 0; ; n++) {
                                String batch = prefix + n;
                                try {
                                    server.stub().upsert(upsert(batch, rnd, 20));
                                } catch (StatusRuntimeException e) {
                                    return; // the server is stopping
                                }
                                acked.add(batch);
                                enough.countDown();
                            }
                        });
            }
            assertTrue(enough.await(120, TimeUnit.SECONDS), "writers made progress");
            server.terminate();
            server.assertCleanExit("SIGTERM under write load");
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "writers stopped");
        }
        try (Child again = Child.start(dir)) {
            again.awaitPort();
            again.assertPresent(List.copyOf(acked));
        }
    }

    /** A log and snapshot holding {@code records} records, written in process. */
    private void seedStore(int records) {
        Path wal = dir.resolve("wal.jsonl");
        StorageOptions options =
                new StorageOptions(
                        wal,
                        wal.resolveSibling("snapshots"),
                        FsyncPolicy.NONE,
                        Duration.ofMillis(10),
                        1L << 40,
                        StorageOptions.RecoveryMode.STRICT);
        Random rnd = new Random(7);
        try (StorageEngine store = StorageEngine.open(options)) {
            store.createCollection(
                    new CollectionSpec(
                            COLLECTION,
                            DIM,
                            io.vectaraft.index.Metric.EUCLIDEAN,
                            IndexSpec.flat()));
            for (int b = 0; b < records / 1000; b++) {
                List<VectorRecord> batch = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    batch.add(new VectorRecord("r" + b + "-" + i, vector(rnd), Map.of()));
                }
                store.upsert(COLLECTION, batch);
            }
        }
    }

    private static float[] vector(Random rnd) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    private static UpsertRequest upsert(String batch, Random rnd, int size) {
        UpsertRequest.Builder b = UpsertRequest.newBuilder().setCollection(COLLECTION);
        for (int i = 0; i < size; i++) {
            b.addRecords(Protos.record(batch + "." + i, vector(rnd)));
        }
        return b.build();
    }

    /** A server process, its output line by line, and a channel once it listens. */
    private static final class Child implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder seen = new StringBuilder();
        private final Thread drain;
        private ManagedChannel channel;

        private Child(Process process) {
            this.process = process;
            this.drain =
                    Thread.ofPlatform()
                            .daemon()
                            .start(
                                    () -> {
                                        try (BufferedReader r =
                                                process.inputReader(StandardCharsets.UTF_8)) {
                                            r.lines().forEach(lines::add);
                                        } catch (IOException e) {
                                            lines.add("(output failed: " + e + ")");
                                        }
                                    });
        }

        static Child start(Path dir, String... extra) throws IOException {
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "--port",
                                    "0",
                                    "--fsync",
                                    "always",
                                    "--wal-path",
                                    dir.resolve("wal.jsonl").toString()));
            if (extra.length == 0) {
                args.add("--no-metrics");
            }
            args.addAll(List.of(extra));
            return new Child(
                    new ProcessBuilder(ServerJvm.command(List.of("-Xmx256m"), args))
                            .directory(dir.toFile())
                            .redirectErrorStream(true)
                            .start());
        }

        /** Waits for a line matching {@code pattern}; returns its match. */
        Matcher await(Pattern pattern) throws InterruptedException {
            while (true) {
                String line = lines.poll(120, TimeUnit.SECONDS);
                assertNotNull(line, "no line matching " + pattern + " within 120 s in:\n" + seen);
                seen.append(line).append('\n');
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
        }

        void awaitPort() throws InterruptedException {
            int port = Integer.parseInt(await(LISTENING).group(1));
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        }

        /** A stub with a deadline; call {@link #awaitPort} first. */
        VectorServiceGrpc.VectorServiceBlockingStub stub() {
            if (channel == null) {
                throw new IllegalStateException("awaitPort() first");
            }
            return VectorServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(60, TimeUnit.SECONDS);
        }

        /** SIGTERM (through the handle: Process.destroy() would also close our end of the pipe). */
        void terminate() {
            process.toHandle().destroy();
        }

        void assertCleanExit(String when) throws InterruptedException {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), when + ": still running\n" + seen);
            drain.join();
            lines.forEach(l -> seen.append(l).append('\n'));
            lines.clear();
            String out = seen.toString();
            int code = process.exitValue();
            assertTrue(code == 0 || code == 143, when + ": exit code " + code + "\n" + out);
            List<String> traces =
                    out.lines()
                            .filter(
                                    l ->
                                            STACK_FRAME.matcher(l).find()
                                                    || l.contains("Exception in thread"))
                            .toList();
            assertEquals(List.of(), traces, when + ": no stack trace in the output\n" + out);
            // Which moment the signal met (a loaded machine may shift it): for the report.
            System.out.println(
                    when
                            + ": exit "
                            + code
                            + ", last line: "
                            + out.strip().lines().toList().getLast());
        }

        List<String> upsertBatches(String prefix, int batches, int size)
                throws InterruptedException {
            Random rnd = new Random(prefix.hashCode());
            List<String> names = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                stub().upsert(upsert(prefix + b, rnd, size));
                names.add(prefix + b);
            }
            return names;
        }

        long count() throws InterruptedException {
            return stub().count(
                            io.vectaraft.api.v1.CountRequest.newBuilder()
                                    .setCollection(COLLECTION)
                                    .build())
                    .getCount();
        }

        /** Every record of every named batch of {@code size} records is there. */
        void assertPresent(List<String> batches) throws InterruptedException {
            for (int from = 0; from < batches.size(); from += 50) {
                GetRequest.Builder get = GetRequest.newBuilder().setCollection(COLLECTION);
                List<String> ids = new ArrayList<>();
                for (String batch : batches.subList(from, Math.min(batches.size(), from + 50))) {
                    ids.add(batch + ".0");
                }
                get.addAllIds(ids);
                List<String> found =
                        stub().get(get.build()).getRecordsList().stream()
                                .map(Record::getId)
                                .toList();
                assertEquals(ids, found, "acknowledged batches present after the restart");
            }
        }

        @Override
        public void close() {
            try {
                if (channel != null) {
                    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
                }
                if (process.isAlive()) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
