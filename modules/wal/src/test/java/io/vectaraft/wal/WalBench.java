package io.vectaraft.wal;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.Metric;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.log.EntryCodec;
import io.vectaraft.wal.log.LogChannelFactory;
import io.vectaraft.wal.log.LogWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * WAL benchmark (not a test; run through {@code ./bench.sh wal ...}, see bench/README.md).
 *
 * <pre>
 * throughput --dir D [--dims 128,768] [--batches 1,100] [--writers 1,16]
 *            [--policies memory,none,interval,always,log-only] [--warmup S] [--duration S]
 * recovery-prepare --dir D [--n 1000000] [--dim 128] [--log-entries 20] [--index flat|hnsw]
 * recovery --dir D      (times StorageEngine.open on what recovery-prepare left; run in a fresh JVM)
 * </pre>
 *
 * Each result is one JSON line on stdout; progress goes to stderr.
 */
public final class WalBench {
    private WalBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("option: expected --name value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        Path dir = Path.of(o.getOrDefault("dir", "bench/data/wal-bench"));
        switch (args.length == 0 ? "" : args[0]) {
            case "throughput" -> throughput(dir, o);
            case "recovery-prepare" ->
                    prepare(
                            dir,
                            Integer.parseInt(o.getOrDefault("n", "1000000")),
                            Integer.parseInt(o.getOrDefault("dim", "128")),
                            Integer.parseInt(o.getOrDefault("log-entries", "20")),
                            o.getOrDefault("index", "flat").equals("hnsw")
                                    ? IndexSpec.Hnsw.defaults()
                                    : IndexSpec.flat());
            case "recovery" -> recovery(dir);
            default ->
                    throw new IllegalArgumentException(
                            "command: expected throughput, recovery-prepare or recovery, got "
                                    + (args.length == 0 ? "nothing" : args[0]));
        }
    }

    static StorageOptions options(Path dir, FsyncPolicy policy) {
        return new StorageOptions(
                dir.resolve("wal.jsonl"),
                dir.resolve("snapshots"),
                policy,
                Duration.ofMillis(10),
                Long.MAX_VALUE, // no background snapshot during a measurement
                StorageOptions.RecoveryMode.STRICT);
    }

    private static List<Integer> ints(String csv) {
        return Stream.of(csv.split(",")).map(Integer::parseInt).toList();
    }

    private static void throughput(Path dir, Map<String, String> o) throws Exception {
        double warmup = Double.parseDouble(o.getOrDefault("warmup", "3"));
        double duration = Double.parseDouble(o.getOrDefault("duration", "8"));
        for (int dim : ints(o.getOrDefault("dims", "128,768"))) {
            for (int batch : ints(o.getOrDefault("batches", "1,100"))) {
                for (int writers : ints(o.getOrDefault("writers", "1,16"))) {
                    for (String policy :
                            o.getOrDefault("policies", "memory,none,interval,always").split(",")) {
                        run(dir, dim, batch, writers, policy, warmup, duration);
                    }
                }
            }
        }
    }

    private static void run(
            Path dir,
            int dim,
            int batch,
            int writers,
            String policy,
            double warmup,
            double duration)
            throws Exception {
        deleteTree(dir);
        // Each writer cycles through its own pre-built batches (ids repeat: upserts replace, so
        // memory stays bounded); building the records is not measured.
        int idsPerWriter = Math.max(batch, 20_000 / writers);
        List<List<List<VectorRecord>>> work = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            work.add(batches(new SplittableRandom(w), "w" + w + "-", idsPerWriter, dim, batch));
        }
        Sink sink =
                policy.equals("log-only") ? logOnly(dir, work) : storeSink(dir, dim, policy, work);
        AtomicLong vectors = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(writers);
        for (int w = 0; w < writers; w++) {
            int writer = w;
            int rounds = work.get(w).size();
            Thread.ofPlatform()
                    .start(
                            () -> {
                                for (int i = 0; !stop.get(); i++) {
                                    sink.write(writer, i % rounds);
                                    vectors.addAndGet(batch);
                                }
                                done.countDown();
                            });
        }
        Thread.sleep((long) (warmup * 1000));
        long v0 = vectors.get();
        long t0 = System.nanoTime();
        Thread.sleep((long) (duration * 1000));
        long v1 = vectors.get();
        long t1 = System.nanoTime();
        stop.set(true);
        done.await();
        long forces = sink.forcesThenAbandon();
        double rate = (v1 - v0) / ((t1 - t0) / 1e9);
        // Log bytes per vector (what a WAL policy writes; memory-only writes none).
        double logBytes =
                EntryCodec.encode(new Mutation.Upsert("b", work.getFirst().getFirst())).length
                        / (double) batch;
        System.out.printf(
                "{\"bench\":\"wal-upsert\",\"policy\":\"%s\",\"dim\":%d,\"batch\":%d,\"writers\":%d,"
                        + "\"vectors_per_s\":%.0f,\"mb_per_s_payload\":%.1f,\"log_mb_per_s\":%.1f,"
                        + "\"forces\":%d,\"load\":\"%s\"}%n",
                policy,
                dim,
                batch,
                writers,
                rate,
                rate * dim * 4 / 1e6,
                policy.equals("memory") ? 0 : rate * logBytes / 1e6,
                forces,
                loadAverage());
        deleteTree(dir);
    }

    /** Where the writers' batches go: a store, or the bare log. */
    private interface Sink {
        void write(int writer, int batch);

        long forcesThenAbandon(); // not measured: no closing snapshot or fsync
    }

    private static Sink storeSink(
            Path dir, int dim, String policy, List<List<List<VectorRecord>>> work) {
        StorageEngine store =
                policy.equals("memory")
                        ? StorageEngine.inMemory()
                        : StorageEngine.open(
                                options(dir, FsyncPolicy.valueOf(policy.toUpperCase())));
        store.createCollection(new CollectionSpec("b", dim, Metric.COSINE, IndexSpec.flat()));
        return new Sink() {
            @Override
            public void write(int writer, int batch) {
                store.upsert("b", work.get(writer).get(batch));
            }

            @Override
            public long forcesThenAbandon() {
                long forces = store.stats().forces();
                store.abandon();
                return forces;
            }
        };
    }

    /**
     * The log's own ceiling on this machine: the same entries, encoded beforehand, appended with
     * group-commit fsync ({@code always}), with no validation, encoding or index.
     */
    private static Sink logOnly(Path dir, List<List<List<VectorRecord>>> work) throws IOException {
        Files.createDirectories(dir);
        List<List<byte[]>> payloads = new ArrayList<>();
        for (List<List<VectorRecord>> mine : work) {
            payloads.add(
                    mine.stream()
                            .map(b -> EntryCodec.encode(new Mutation.Upsert("b", b)))
                            .toList());
        }
        LogWriter log =
                LogWriter.open(
                        dir.resolve("wal.jsonl"),
                        LogChannelFactory.files(),
                        FsyncPolicy.ALWAYS,
                        Duration.ofMillis(10),
                        0,
                        1,
                        List.of());
        return new Sink() {
            @Override
            public void write(int writer, int batch) {
                log.awaitDurable(log.append(payloads.get(writer).get(batch)));
            }

            @Override
            public long forcesThenAbandon() {
                long forces = log.forces();
                log.abandon();
                return forces;
            }
        };
    }

    private static List<List<VectorRecord>> batches(
            SplittableRandom rnd, String prefix, int ids, int dim, int batch) {
        List<List<VectorRecord>> out = new ArrayList<>();
        for (int start = 0; start + batch <= ids; start += batch) {
            List<VectorRecord> b = new ArrayList<>(batch);
            for (int i = start; i < start + batch; i++) {
                b.add(record(rnd, prefix + i, dim));
            }
            out.add(b);
        }
        return out;
    }

    private static VectorRecord record(SplittableRandom rnd, String id, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextDouble(-1, 1);
        }
        return new VectorRecord(id, v, Map.of("n", MetadataValue.of(rnd.nextInt(1000))));
    }

    private static void prepare(Path dir, int n, int dim, int logEntries, IndexSpec index)
            throws IOException {
        deleteTree(dir);
        long start = System.nanoTime();
        StorageEngine s = StorageEngine.open(options(dir, FsyncPolicy.NONE));
        {
            s.createCollection(new CollectionSpec("r", dim, Metric.EUCLIDEAN, index));
            SplittableRandom rnd = new SplittableRandom(42);
            for (int at = 0; at < n; at += 1000) {
                List<VectorRecord> b = new ArrayList<>(1000);
                for (int i = at; i < Math.min(n, at + 1000); i++) {
                    b.add(record(rnd, String.format("id%09d", i), dim));
                }
                s.upsert("r", b);
            }
            s.snapshot();
            for (int e = 0; e < logEntries; e++) {
                List<VectorRecord> b = new ArrayList<>(100);
                for (int i = 0; i < 100; i++) {
                    b.add(record(rnd, "late" + e + "-" + i, dim));
                }
                s.upsert("r", b);
            }
            s.abandon();
        }
        System.err.printf(
                "prepared %d x %d (%s) + %d log entries in %s (%.1f s)%n",
                n, dim, index, logEntries, dir, (System.nanoTime() - start) / 1e9);
    }

    /** Seconds until the store serves, and until its graph has linked every record. */
    private static void recovery(Path dir) throws InterruptedException {
        long start = System.nanoTime();
        StorageEngine s = StorageEngine.open(options(dir, FsyncPolicy.NONE));
        double seconds = (System.nanoTime() - start) / 1e9;
        s.awaitGraphs();
        double graphSeconds = (System.nanoTime() - start) / 1e9;
        long records = s.database().get("r").size();
        long graphNodes = s.database().get("r").stats().graphNodes();
        s.abandon();
        System.out.printf(
                "{\"bench\":\"wal-recovery\",\"records\":%d,\"graph_nodes\":%d,\"seconds\":%.2f,"
                        + "\"graph_seconds\":%.2f}%n",
                records, graphNodes, seconds, graphSeconds);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
