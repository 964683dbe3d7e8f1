package io.vectaraft.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Times an engine over the query set: warm up in rounds of at least {@code roundSeconds} until two
 * consecutive rounds agree within {@code tolerance} (and at least {@code warmupMin} seconds have
 * passed, at most {@code warmupMax}), then measure for {@code duration} seconds. Queries run one
 * after another in a loop over the query file (or in blocks of {@code batch}). Recall is computed
 * on the results of the measured phase.
 */
final class Runner {
    record Settings(
            int k,
            int batch,
            double warmupMin,
            double warmupMax,
            double duration,
            double roundSeconds,
            double tolerance) {
        static Settings from(Args a) {
            return new Settings(
                    a.integer("k", 10),
                    a.integer("batch", 1),
                    a.decimal("warmup-min", 10),
                    a.decimal("warmup-max", 90),
                    a.decimal("duration", 15),
                    a.decimal("round", 3),
                    a.decimal("tolerance", 0.05));
        }
    }

    record Result(double qps, double recall, double p50, double p99, long queries, double warmup) {}

    private final FlatEngine engine;
    private final Dataset data;
    private final Settings s;
    private int next;
    private long[] latencies = new long[1024];
    private int latencyCount;
    private double recallSum;
    private long recallCount;
    private boolean[] recalled;

    Runner(FlatEngine engine, Dataset data, Settings settings) {
        this.engine = engine;
        this.data = data;
        this.s = settings;
    }

    Result run(Recall recall) {
        long start = System.nanoTime();
        double previous = -1;
        while (true) {
            double qps = round(null);
            double elapsed = (System.nanoTime() - start) / 1e9;
            boolean agree =
                    previous > 0
                            && Math.abs(qps - previous) <= s.tolerance() * Math.max(qps, previous);
            System.err.printf(Locale.ROOT, "warm-up round: %.1f QPS (%.0f s)%n", qps, elapsed);
            if ((agree && elapsed >= s.warmupMin()) || elapsed >= s.warmupMax()) {
                break;
            }
            previous = qps;
        }
        double warmup = (System.nanoTime() - start) / 1e9;
        latencyCount = 0;
        recalled = new boolean[data.nq()];
        long measureStart = System.nanoTime();
        long queries = 0;
        while ((System.nanoTime() - measureStart) / 1e9 < s.duration()) {
            queries += roundQueries(recall);
        }
        double seconds = (System.nanoTime() - measureStart) / 1e9;
        long[] sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        return new Result(
                queries / seconds,
                recallCount == 0 ? Double.NaN : recallSum / recallCount,
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                queries,
                warmup);
    }

    /** One round; returns its QPS. */
    private double round(Recall recall) {
        long t0 = System.nanoTime();
        long queries = roundQueries(recall);
        return queries / ((System.nanoTime() - t0) / 1e9);
    }

    private long roundQueries(Recall recall) {
        long t0 = System.nanoTime();
        long queries = 0;
        int k = s.k();
        int b = Math.min(s.batch(), data.nq());
        int[] out = new int[k];
        int[][] outs = new int[b][k];
        float[] block = new float[b * data.dim()];
        do {
            if (b == 1) {
                int q = nextQuery();
                float[] query = data.query(q);
                long t = System.nanoTime();
                engine.search(query, k, out);
                record(System.nanoTime() - t);
                score(recall, q, out);
                queries++;
            } else {
                int first = next;
                for (int i = 0; i < b; i++) {
                    int q = nextQuery();
                    System.arraycopy(
                            data.queries(), q * data.dim(), block, i * data.dim(), data.dim());
                }
                long t = System.nanoTime();
                engine.searchBatch(block, b, k, outs);
                record(System.nanoTime() - t);
                for (int i = 0; i < b; i++) {
                    score(recall, (first + i) % data.nq(), outs[i]);
                }
                queries += b;
            }
        } while ((System.nanoTime() - t0) / 1e9 < s.roundSeconds());
        return queries;
    }

    private int nextQuery() {
        int q = next;
        next = (next + 1) % data.nq();
        return q;
    }

    private void record(long nanos) {
        if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencyCount * 2);
        }
        latencies[latencyCount++] = nanos;
    }

    private void score(Recall recall, int q, int[] ids) {
        if (recall != null && !recalled[q]) {
            recalled[q] = true;
            recallSum += recall.of(q, ids);
            recallCount++;
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
