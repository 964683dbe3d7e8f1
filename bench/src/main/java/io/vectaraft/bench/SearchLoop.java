package io.vectaraft.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * The timing protocol of the HNSW benchmarks, the same for every engine (docs/benchmarks.md): one
 * thread issues one query per call, back to back; warm-up in rounds of {@code --round} seconds
 * until two consecutive rounds agree within {@code --tolerance} (at least {@code --warmup-min}
 * seconds before the first beam width, at most {@code --warmup-max}); then {@code --duration}
 * seconds measured. Recall@k is scored on each query's first measured answer (queries the measured
 * phase did not reach are answered once more, untimed), tie-aware ({@link Recall}).
 */
final class SearchLoop {

    /** One engine's search: the row numbers of the k best matches, best first. */
    interface Searcher {
        int[] search(float[] query, int k, int ef) throws Exception;
    }

    /** How many stored vectors one search scored (the engine's own visited count). */
    interface Visits {
        long of(float[] query, int k, int ef) throws Exception;
    }

    record Options(
            int k,
            double warmupMin,
            double warmupMax,
            double roundSeconds,
            double tolerance,
            double duration) {
        static Options from(Args a) {
            return new Options(
                    a.integer("k", 10),
                    a.decimal("warmup-min", 20),
                    a.decimal("warmup-max", 120),
                    a.decimal("round", 2),
                    a.decimal("tolerance", 0.05),
                    a.decimal("duration", 10));
        }
    }

    /**
     * @param cpuQps queries per second of the search thread's own CPU time: on a machine shared
     *     with other builds the wall-clock QPS also measures how often the thread was descheduled
     */
    record Result(
            int ef,
            double qps,
            double cpuQps,
            double recall,
            double p50,
            double p99,
            long queries,
            double warmup,
            double visited) {}

    private final Searcher searcher;
    private final Visits visits;
    private final Dataset data;
    private final Options options;
    private final Recall recall;
    private int next;
    private boolean warmedOnce;

    SearchLoop(Searcher searcher, Dataset data, Options options, Recall recall) {
        this(searcher, null, data, options, recall);
    }

    /** With {@code visits}, each result also gives the mean vectors scored per query (untimed). */
    SearchLoop(Searcher searcher, Visits visits, Dataset data, Options options, Recall recall) {
        this.searcher = searcher;
        this.visits = visits;
        this.data = data;
        this.options = options;
        this.recall = recall;
    }

    Result run(int ef) throws Exception {
        long start = System.nanoTime();
        double previous = -1;
        // The first beam width warms the JIT and caches; later ones need only settle.
        double minimum = warmedOnce ? options.roundSeconds() * 2 : options.warmupMin();
        while (true) {
            double qps = timed(ef, options.roundSeconds(), null, null);
            double elapsed = (System.nanoTime() - start) / 1e9;
            boolean agree =
                    previous > 0
                            && Math.abs(qps - previous)
                                    <= options.tolerance() * Math.max(qps, previous);
            System.err.printf(
                    Locale.ROOT, "ef %d warm-up round: %.1f QPS (%.0f s)%n", ef, qps, elapsed);
            if ((agree && elapsed >= minimum) || elapsed >= options.warmupMax()) {
                break;
            }
            previous = qps;
        }
        warmedOnce = true;
        double warmup = (System.nanoTime() - start) / 1e9;
        long[][] latencies = {new long[1 << 16]};
        int[][] answers = new int[data.nq()][];
        long measureStart = System.nanoTime();
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        double qps = timed(ef, options.duration(), latencies, answers);
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        long queries = Math.round(qps * (System.nanoTime() - measureStart) / 1e9);
        double sum = 0;
        for (int q = 0; q < data.nq(); q++) {
            int[] ids =
                    answers[q] != null
                            ? answers[q]
                            : searcher.search(data.query(q), options.k(), ef);
            sum += recall.of(q, ids);
        }
        double visited = -1;
        if (visits != null) {
            long total = 0;
            for (int q = 0; q < data.nq(); q++) {
                total += visits.of(data.query(q), options.k(), ef);
            }
            visited = total / (double) data.nq();
        }
        long[] sorted = latencies[0];
        Arrays.sort(sorted);
        return new Result(
                ef,
                qps,
                queries / (cpu / 1e9),
                sum / data.nq(),
                pct(sorted, 0.5),
                pct(sorted, 0.99),
                queries,
                warmup,
                visited);
    }

    /** Queries back to back for {@code seconds}; returns the QPS. */
    private double timed(int ef, double seconds, long[][] latencies, int[][] answers)
            throws Exception {
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        long[] mine = latencies == null ? null : latencies[0];
        int count = 0;
        int k = options.k();
        long now = t0;
        while (now < end) {
            int q = next;
            next = (next + 1) % data.nq();
            float[] query = data.query(q);
            long s = System.nanoTime();
            int[] ids = searcher.search(query, k, ef);
            now = System.nanoTime();
            if (mine != null) {
                if (count == mine.length) {
                    mine = Arrays.copyOf(mine, count * 2);
                }
                mine[count] = now - s;
                if (answers[q] == null) {
                    answers[q] = ids;
                }
            }
            count++;
        }
        if (latencies != null) {
            latencies[0] = Arrays.copyOf(mine, count);
        }
        return count / ((now - t0) / 1e9);
    }

    /** The 1-minute load average of the machine (/proc/loadavg), or -1. */
    static double loadAverage() {
        try {
            String text = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"));
            return Double.parseDouble(text.split(" ")[0]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Heap in use after collecting garbage (for bytes-per-vector figures). */
    static long usedHeap() {
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
