package io.vectaraft.bench;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Match;
import io.vectaraft.index.Metric;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.write.WritableDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./bench.sh hnsw}: builds an HNSW collection from the base vectors (build time and heap per
 * vector reported), then for each {@code --ef} runs {@code --threads} client threads issuing single
 * searches with that beam width, and prints one JSON line per ef with recall@k, QPS and latency
 * percentiles. Peers: {@code bench/tools/hnsw_peers.py} (hnswlib, FAISS HNSW).
 *
 * <p>Caveat from docs/toolchain-notes.md: searching in the JVM that just built the graph measured
 * 1.4-1.6x slower than a fresh JVM; once graphs persist in snapshots, load one in a fresh JVM.
 */
final class HnswBench {
    private HnswBench() {}

    static void run(Args a) throws Exception {
        Dataset data = Dataset.load(Path.of(a.required("data")));
        String metric = a.string("metric", "euclidean");
        int k = a.integer("k", 10);
        int threads = a.integer("threads", 1);
        int m = a.integer("m", IndexSpec.Hnsw.DEFAULT_M);
        int efc = a.integer("ef-construction", IndexSpec.Hnsw.DEFAULT_EF_CONSTRUCTION);
        int loadBatch = a.integer("load-batch", 10_000);
        double duration = a.decimal("duration", 10);
        Recall recall = new Recall(data, metric, k);
        Metric mt =
                switch (metric) {
                    case "euclidean" -> Metric.EUCLIDEAN;
                    case "cosine" -> Metric.COSINE;
                    default -> Metric.DOT;
                };
        long heapBefore = usedHeap();
        long t0 = System.nanoTime();
        WritableDatabase db = new WritableDatabase();
        VectorCollection c =
                db.create(
                        new CollectionSpec(
                                "bench",
                                data.dim(),
                                mt,
                                new IndexSpec.Hnsw(m, efc, IndexSpec.Hnsw.DEFAULT_EF_SEARCH)));
        int dim = data.dim();
        for (int from = 0; from < data.n(); from += loadBatch) {
            List<VectorRecord> batch = new ArrayList<>();
            for (int i = from; i < Math.min(data.n(), from + loadBatch); i++) {
                float[] v = Arrays.copyOfRange(data.base(), i * dim, (i + 1) * dim);
                batch.add(new VectorRecord(Integer.toString(i), v, Map.of()));
            }
            db.writer("bench").upsert(batch);
        }
        double build = (System.nanoTime() - t0) / 1e9;
        double bytesPerVector = (usedHeap() - heapBefore) / (double) data.n();
        System.err.printf(Locale.ROOT, "built %s in %.1f s%n", data.name(), build);
        for (String efText : a.string("ef", "10,16,24,32,64,128").split(",")) {
            int ef = Integer.parseInt(efText.trim());
            Measured r = measure(c, data, k, ef, threads, duration, recall);
            System.out.println(
                    String.format(
                            Locale.ROOT,
                            "{\"engine\":\"vectaraft\",\"mode\":\"hnsw\",\"data\":\"%s\","
                                    + "\"metric\":\"%s\",\"k\":%d,\"m\":%d,\"ef_construction\":%d,"
                                    + "\"ef\":%d,\"threads\":%d,\"qps\":%.1f,\"recall_at_k\":%.4f,"
                                    + "\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"build_s\":%.1f,"
                                    + "\"bytes_per_vector\":%.0f,\"raw_bytes_per_vector\":%d}",
                            data.name(),
                            metric,
                            k,
                            m,
                            efc,
                            ef,
                            threads,
                            r.qps,
                            r.recall,
                            r.p50,
                            r.p99,
                            build,
                            bytesPerVector,
                            4 * dim));
        }
    }

    private record Measured(double qps, double recall, double p50, double p99) {}

    /** Warm-up rounds of 2 s until two agree within 5% (at most 60 s), then {@code duration}. */
    private static Measured measure(
            VectorCollection c,
            Dataset data,
            int k,
            int ef,
            int threads,
            double duration,
            Recall recall)
            throws InterruptedException {
        double previous = -1;
        long start = System.nanoTime();
        while (true) {
            double qps = phase(c, data, k, ef, threads, 2, null, null);
            if ((previous > 0 && Math.abs(qps - previous) <= 0.05 * Math.max(qps, previous))
                    || System.nanoTime() - start > 60e9) {
                break;
            }
            previous = qps;
        }
        long[][] latencies = new long[threads][];
        int[][] results = new int[data.nq()][];
        double qps = phase(c, data, k, ef, threads, duration, latencies, results);
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        // Recall is scored after timing so the exact re-scoring does not slow the clients.
        double sum = 0;
        int n = 0;
        for (int q = 0; q < data.nq(); q++) {
            if (results[q] != null) {
                sum += recall.of(q, results[q]);
                n++;
            }
        }
        return new Measured(qps, sum / n, pct(all, 0.5), pct(all, 0.99));
    }

    private static double phase(
            VectorCollection c,
            Dataset data,
            int k,
            int ef,
            int threads,
            double seconds,
            long[][] latencies,
            int[][] firstResults)
            throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        long[] mine = new long[1 << 16];
                                        int count = 0;
                                        while (System.nanoTime() < end) {
                                            int q = (int) (next.getAndIncrement() % data.nq());
                                            float[] query = data.query(q);
                                            long s = System.nanoTime();
                                            List<Match> res =
                                                    c.search(
                                                                    new SearchRequest(
                                                                            List.of(query),
                                                                            k,
                                                                            null,
                                                                            ef,
                                                                            false,
                                                                            false))
                                                            .matches()
                                                            .getFirst();
                                            long e = System.nanoTime();
                                            if (count == mine.length) {
                                                mine = Arrays.copyOf(mine, count * 2);
                                            }
                                            mine[count++] = e - s;
                                            if (firstResults != null && firstResults[q] == null) {
                                                int[] ids = new int[res.size()];
                                                for (int i = 0; i < ids.length; i++) {
                                                    ids[i] =
                                                            Integer.parseInt(
                                                                    res.get(i).record().id());
                                                }
                                                firstResults[q] = ids;
                                            }
                                            done.incrementAndGet();
                                        }
                                        if (latencies != null) {
                                            latencies[thread] = Arrays.copyOf(mine, count);
                                        }
                                    }));
        }
        for (Thread w : workers) {
            w.join();
        }
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
