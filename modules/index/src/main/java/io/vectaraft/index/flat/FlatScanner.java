package io.vectaraft.index.flat;

import io.vectaraft.index.Metric;
import io.vectaraft.index.vector.VectorOps;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exact k-nearest-neighbour search: scores every candidate slot of a {@link SlotStore} against a
 * block of queries and keeps the k best per query.
 *
 * <p>Queries are scored in blocks of about {@link #QUERY_BLOCK_BYTES} of query data (they stay in
 * L2 cache) per pass over the vectors, so a batch reads each vector once per block rather than once
 * per query. Work is split into parts (a block of queries times a range of slots) that workers of
 * the {@link ScanPool} pull from a counter; each worker keeps its own heaps, merged at the end.
 *
 * <p>Parallel threshold: a search stays on the calling thread when it scores fewer than {@code
 * parallelMinFloats} vector components in all (default {@link #DEFAULT_PARALLEL_MIN_FLOATS}, about
 * 4 MiB of vectors, roughly 150 µs of single-threaded scanning at ~27 GB/s): below that, handing
 * work to another thread costs about as much as it saves. Slot ranges are at least {@code
 * minPartFloats} components (default {@link #DEFAULT_MIN_PART_FLOATS}, 1 MiB).
 *
 * <p>Scores are "higher is better": the dot product for COSINE (vectors normalized) and DOT, the
 * negated squared distance for EUCLIDEAN; {@link #toScore} converts to the reported score.
 *
 * <p>Thread-safe; callers must hold the store's read lock for the whole call.
 */
public final class FlatScanner {
    public static final long DEFAULT_PARALLEL_MIN_FLOATS = 1L << 20;
    public static final long DEFAULT_MIN_PART_FLOATS = 1L << 18;
    static final int QUERY_BLOCK_BYTES = 128 * 1024;

    /**
     * Slot ranges per worker of a parallel scan (each at least {@code minPartFloats}). Workers pull
     * ranges from a counter, so when a core is taken by another process mid-query the other worker
     * takes more of them; 16 per worker rather than 4: Fashion-MNIST single queries, 2 threads, at
     * load 2.3-3.9, alternating: 172 vs 157 QPS on average over four pairs (three favoured 16).
     */
    static final int RANGES_PER_WORKER = 16;

    /** From this many queries in a block, rows are scored by the multi-query kernel. */
    static final int MULTI_QUERY_MIN = 4;

    /** Runs of this many consecutive candidate slots are scored by the register-tiled kernel. */
    static final int TILE_MIN_ROWS = 4;

    /** Bound of a scan's tile score buffer (block queries x tile rows), 128 KiB. */
    static final int TILE_SCORE_FLOATS = 32 * 1024;

    private final ScanPool pool;
    private final long parallelMinFloats;
    private final long minPartFloats;

    public FlatScanner(ScanPool pool, long parallelMinFloats, long minPartFloats) {
        this.pool = pool;
        this.parallelMinFloats = parallelMinFloats;
        this.minPartFloats = Math.max(64, minPartFloats);
    }

    /** The pool this scanner splits work on (graph builds borrow it too). */
    public ScanPool pool() {
        return pool;
    }

    /** A scanner on the shared pool with the default thresholds. */
    public static FlatScanner shared() {
        return new FlatScanner(
                ScanPool.shared(), DEFAULT_PARALLEL_MIN_FLOATS, DEFAULT_MIN_PART_FLOATS);
    }

    /** The reported score of an internal one: the distance (not squared) for EUCLIDEAN. */
    public static float toScore(Metric metric, float internal) {
        return metric == Metric.EUCLIDEAN ? (float) Math.sqrt(-internal) : internal;
    }

    /**
     * Searches the candidate slots (set bits of {@code candidates}, which must be a subset of the
     * live slots) for the k best of each query.
     *
     * @param queries query vectors of the store's dimension, normalized under COSINE
     * @return one heap per query, in query order
     */
    public TopK[] search(
            SlotStore store, Metric metric, float[][] queries, int k, long[] candidates) {
        int dim = store.dimension();
        int limit = store.slotLimit();
        int nq = queries.length;
        int block = (int) Math.max(1, Math.min(nq, QUERY_BLOCK_BYTES / (4L * dim)));
        int queryBlocks = (nq + block - 1) / block;
        // The components a pass scores: the candidates', not the slot range's, so that a selective
        // filter's few matches (90 of 100,000) stay on the calling thread instead of paying a
        // hand-off to the pool, and waiting for its threads on a busy machine, for microseconds of
        // work.
        long floatsPerPass = CandidateBits.count(candidates) * dim;
        int rangeCount = 1;
        if (pool.parallelism() > 1 && floatsPerPass * nq >= parallelMinFloats) {
            long byBlock = Math.max(1, floatsPerPass / minPartFloats);
            // Several ranges per worker balance uneven filters and busy cores; none smaller than
            // one 64-slot word.
            long maxRanges =
                    Math.max(
                            1, Math.min(RANGES_PER_WORKER * pool.parallelism(), (limit + 63) / 64));
            rangeCount = (int) Math.min(byBlock, maxRanges);
            if (queryBlocks >= 4L * pool.parallelism()) {
                rangeCount = 1; // enough query blocks to keep every worker busy
            }
        }
        // A Euclidean batch ranks by the dot-product form (see EuclideanRescorer), keeping extra
        // candidates per query that are then scored exactly.
        Scoring scoring =
                metric != Metric.EUCLIDEAN
                        ? Scoring.DOT
                        : block >= MULTI_QUERY_MIN ? Scoring.L2_BY_DOT : Scoring.L2;
        int heapSize = scoring == Scoring.L2_BY_DOT ? EuclideanRescorer.candidates(k) : k;
        int parts = queryBlocks * rangeCount;
        boolean parallel = parts > 1 && floatsPerPass * nq >= parallelMinFloats;
        int maxWorkers = parallel ? Math.min(parts, pool.parallelism()) : 1;
        TopK[][] heaps = new TopK[maxWorkers][];
        AtomicInteger nextPart = new AtomicInteger();
        int ranges = rangeCount;
        pool.run(
                maxWorkers,
                w -> {
                    TopK[] mine = new TopK[nq];
                    heaps[w] = mine;
                    for (int p = nextPart.getAndIncrement();
                            p < parts;
                            p = nextPart.getAndIncrement()) {
                        int q0 = (p / ranges) * block;
                        int q1 = Math.min(nq, q0 + block);
                        int r = p % ranges;
                        int from = rangeStart(r, ranges, limit);
                        int to = rangeStart(r + 1, ranges, limit);
                        for (int q = q0; q < q1; q++) {
                            if (mine[q] == null) {
                                mine[q] = new TopK(heapSize, store.idsBySlot());
                            }
                        }
                        scan(store, scoring, queries, q0, q1, mine, candidates, from, to);
                    }
                });
        TopK[] merged = merge(heaps, nq, heapSize, store);
        if (scoring == Scoring.L2_BY_DOT) {
            for (int q = 0; q < nq; q++) {
                TopK exact = EuclideanRescorer.rescore(store, queries[q], merged[q], k);
                // Rarely (near-ties beyond the extra candidates, or huge norms) the candidates are
                // not provably enough: that query is scanned again on its own, exactly.
                merged[q] =
                        exact != null
                                ? exact
                                : search(store, metric, new float[][] {queries[q]}, k, candidates)[
                                        0];
            }
        }
        // Each query met every candidate once (a rescan above has counted its own pass).
        long perQuery = CandidateBits.count(candidates);
        for (TopK heap : merged) {
            heap.addVisited(perQuery);
        }
        return merged;
    }

    /** How a scan scores a (query, vector) pair; higher is better in every mode. */
    enum Scoring {
        /** The dot product (COSINE over normalized vectors, DOT). */
        DOT,
        /** The negated squared distance. */
        L2,
        /**
         * {@code 2 q.x - |x|^2}: the negated squared distance plus {@code |q|^2}, by dot product.
         */
        L2_BY_DOT
    }

    /** Range starts are multiples of 64 so that each range covers whole words of the bitset. */
    private static int rangeStart(int r, int ranges, int limit) {
        if (r == ranges) {
            return limit;
        }
        long words = (limit + 63L) / 64;
        return (int) Math.min(limit, (words * r / ranges) * 64);
    }

    private static TopK[] merge(TopK[][] heaps, int nq, int k, SlotStore store) {
        TopK[] out = new TopK[nq];
        for (TopK[] worker : heaps) {
            if (worker == null) {
                continue;
            }
            for (int q = 0; q < nq; q++) {
                if (worker[q] == null) {
                    continue;
                }
                if (out[q] == null) {
                    out[q] = worker[q];
                } else {
                    out[q].addAll(worker[q]);
                }
            }
        }
        for (int q = 0; q < nq; q++) {
            if (out[q] == null) {
                out[q] = new TopK(k, store.idsBySlot());
            }
        }
        return out;
    }

    /**
     * The hot loop: every candidate slot in [from, to) against queries [q0, q1). It walks the
     * bitset word by word (a sparse filter skips 64 slots per zero word) as runs of consecutive set
     * bits, and allocates nothing per candidate.
     *
     * <p>With a block of at least {@link #MULTI_QUERY_MIN} queries, a run of at least {@link
     * #TILE_MIN_ROWS} slots within one chunk (a dense candidate set: no filter, or a broad one) is
     * contiguous in memory and scored by the register-tiled kernel ({@link VectorOps#dotTile}: four
     * queries against four stored vectors per pass, about 3x the multi-query kernel at 784
     * dimensions); shorter runs and tails go row by row through the multi-query kernel. Blocks rank
     * by dot products only (EUCLIDEAN by {@link Scoring#L2_BY_DOT}); squared distances are computed
     * for single queries. The loop is long because the kernels and the scorings are dispatched
     * here, outside the per-slot work.
     */
    private static void scan(
            SlotStore store,
            Scoring scoring,
            float[][] queries,
            int q0,
            int q1,
            TopK[] heaps,
            long[] candidates,
            int from,
            int to) {
        float[][] chunks = store.chunks();
        float[] norms = store.squaredNorms();
        int rowsPerChunk = store.rowsPerChunk();
        int dim = store.dimension();
        boolean l2 = scoring == Scoring.L2;
        boolean byDot = scoring == Scoring.L2_BY_DOT;
        int nq = q1 - q0;
        // search() scores a block of MULTI_QUERY_MIN or more queries by L2_BY_DOT, never L2: the
        // multi-query and tile kernels exist for dot products only.
        boolean multi = nq >= MULTI_QUERY_MIN && !l2;
        // Tile rows: up to one bitset word, fewer for very large blocks (small dimensions) so that
        // the score buffer stays within TILE_SCORE_FLOATS.
        int tileRows = Math.max(TILE_MIN_ROWS, Math.min(64, TILE_SCORE_FLOATS / Math.max(1, nq)));
        float[] scratch = multi ? new float[nq] : null;
        float[] tileScores = null; // allocated at the first run long enough for a tile
        float[] rowScores = null; // the same, for single queries
        MappedVectors mapped = store.mapped();
        // An on_disk store's rows are copied out of the mapping a run at a time into this buffer,
        // which stays in cache, and scored there by the same kernels.
        float[] rowBuffer = mapped != null ? new float[tileRows * dim] : null;
        int wordEnd = Math.min(candidates.length, (to + 63) >>> 6);
        for (int w = from >>> 6; w < wordEnd; w++) {
            long bits = candidates[w];
            while (bits != 0) {
                int start = Long.numberOfTrailingZeros(bits);
                int run = Long.numberOfTrailingZeros(~(bits >>> start)); // set bits from start
                bits = start + run == 64 ? 0 : bits & (-1L << (start + run));
                int slot = (w << 6) + start;
                int end = Math.min(slot + run, to);
                while (slot < end) {
                    float[] chunk;
                    int offset;
                    int rows;
                    if (mapped != null) {
                        rows =
                                Math.min(
                                        Math.min(end - slot, tileRows),
                                        mapped.rowsLeftInChunk(slot));
                        // The branches below score a run of rows only from TILE_MIN_ROWS.
                        mapped.copy(slot, rows >= TILE_MIN_ROWS ? rows : 1, rowBuffer, 0);
                        chunk = rowBuffer;
                        offset = 0;
                    } else {
                        int row = slot % rowsPerChunk;
                        chunk = chunks[slot / rowsPerChunk];
                        offset = row * dim;
                        rows = Math.min(Math.min(end - slot, tileRows), rowsPerChunk - row);
                    }
                    if (multi && rows >= TILE_MIN_ROWS) {
                        if (tileScores == null) {
                            tileScores = new float[nq * tileRows];
                        }
                        scoreTile(
                                scoring,
                                queries,
                                q0,
                                q1,
                                heaps,
                                chunk,
                                offset,
                                slot,
                                rows,
                                tileScores,
                                norms);
                        slot += rows;
                    } else if (multi) {
                        // One pass over the row for the whole block (the kernel shares its loads).
                        VectorOps.dotQueries(queries, q0, q1, chunk, offset, scratch);
                        float norm = norms[slot];
                        for (int q = q0; q < q1; q++) {
                            heaps[q].offer(score(scoring, scratch[q - q0], norm), slot);
                        }
                        slot++;
                    } else if (rows >= TILE_MIN_ROWS) {
                        // Single queries: a run of rows per kernel call, each row the bits of
                        // the single-pair kernel (so a rescore or a rescan agrees with the scan).
                        if (rowScores == null) {
                            rowScores = new float[tileRows];
                        }
                        for (int q = q0; q < q1; q++) {
                            if (l2) {
                                VectorOps.squareDistanceRows(
                                        queries[q], chunk, offset, rows, rowScores);
                            } else {
                                VectorOps.dotRows(queries[q], chunk, offset, rows, rowScores);
                            }
                            offerRow(
                                    heaps[q],
                                    rowScores,
                                    0,
                                    rows,
                                    slot,
                                    l2 ? -1f : 1f,
                                    byDot ? norms : null);
                        }
                        slot += rows;
                    } else {
                        for (int q = q0; q < q1; q++) {
                            float raw =
                                    l2
                                            ? VectorOps.squareDistance(
                                                    queries[q], 0, chunk, offset, dim)
                                            : VectorOps.dot(queries[q], 0, chunk, offset, dim);
                            heaps[q].offer(score(scoring, raw, norms[slot]), slot);
                        }
                        slot++;
                    }
                }
            }
        }
    }

    /** The score of a kernel result: a squared distance under L2, a dot product otherwise. */
    private static float score(Scoring scoring, float raw, float squaredNorm) {
        return switch (scoring) {
            case DOT -> raw;
            case L2 -> -raw;
            case L2_BY_DOT -> 2f * raw - squaredNorm;
        };
    }

    /**
     * Scores {@code rows} consecutive slots from {@code slot} (contiguous in {@code chunk} from
     * {@code offset}) against queries [q0, q1) with the register-tiled kernel. A method of its own
     * so that the JIT compiles the kernel's sixteen vector accumulators without boxing them.
     */
    private static void scoreTile(
            Scoring scoring,
            float[][] queries,
            int q0,
            int q1,
            TopK[] heaps,
            float[] chunk,
            int offset,
            int slot,
            int rows,
            float[] scores,
            float[] norms) {
        VectorOps.dotTile(queries, q0, q1, chunk, offset, rows, scores);
        boolean byDot = scoring == Scoring.L2_BY_DOT;
        for (int q = q0; q < q1; q++) {
            offerRow(heaps[q], scores, (q - q0) * rows, rows, slot, 1f, byDot ? norms : null);
        }
    }

    /**
     * Offers {@code scores[row + i] * sign} for slots {@code slot + i}, or {@code 2 scores[row + i]
     * - norms[slot + i]} when {@code norms} is given. Checks the heap's bound first: most rows of a
     * scan do not enter a full heap.
     */
    private static void offerRow(
            TopK heap, float[] scores, int row, int rows, int slot, float sign, float[] norms) {
        for (int i = 0; i < rows; i++) {
            float s =
                    norms == null ? sign * scores[row + i] : 2f * scores[row + i] - norms[slot + i];
            if (!(s < heap.bound())) { // NaN too: offer ranks it last, as the other paths do
                heap.offer(s, slot + i);
            }
        }
    }
}
