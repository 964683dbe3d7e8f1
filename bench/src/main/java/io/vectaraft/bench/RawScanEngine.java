package io.vectaraft.bench;

import io.vectaraft.index.vector.VectorOps;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A flat scan over plain arrays with the {@link VectorOps} kernels and nothing else: the ceiling
 * the index module's {@code VectorCollection} is measured against, and the test bed for the storage
 * layout. {@code chunks} keeps vectors back to back in arrays of {@code chunkVectors} vectors and
 * scores them one pair at a time into a scratch array; {@code records} keeps one {@code float[]}
 * per vector, as a record owning its array would.
 *
 * <p>With {@code threads > 1} one query's scan is split across threads by chunk, each keeping its
 * own top k, merged at the end. Batches either ({@code --batch-kernel queries}, the default) take
 * blocks of queries that fit in L2 and score each stored vector against a whole block with the
 * multi-query kernel, or ({@code tiles}) score a tile of stored vectors (sized to stay in L2)
 * against every query, one pair at a time; either way a vector is read from memory once per block
 * rather than once per query.
 */
final class RawScanEngine implements FlatEngine {
    private static final int TILE_BYTES = 128 * 1024;
    private static final int QUERY_BLOCK_BYTES = 256 * 1024;

    private final String layout;
    private final boolean euclidean;
    private final boolean normalizeQueries;
    private final int dim;
    private final int n;
    private final int chunkVectors;
    private final float[][] chunks;
    private final float[][] records;

    /**
     * Under euclidean, {@code |x|^2} of every vector of each chunk: batches rank by {@code |x|^2 -
     * 2 q.x} (the squared distance less {@code |q|^2}, the same order) through the dot-product
     * kernels, as the index's batches do.
     */
    private final float[][] squaredNorms;

    private final int threads;
    private final String batchKernel;
    private final ExecutorService pool;
    private final Worker[] workers;

    RawScanEngine(
            Dataset data,
            String metric,
            String layout,
            int chunkVectors,
            int threads,
            String batchKernel) {
        this.layout = layout;
        this.batchKernel = batchKernel;
        if (!batchKernel.equals("queries")
                && !batchKernel.equals("tiles")
                && !batchKernel.equals("register-tiles")) {
            throw new IllegalArgumentException(
                    "--batch-kernel: expected queries, register-tiles or tiles, got "
                            + batchKernel);
        }
        this.euclidean = metric.equals("euclidean");
        this.normalizeQueries = metric.equals("cosine");
        this.dim = data.dim();
        this.n = data.n();
        this.chunkVectors = chunkVectors;
        this.threads = threads;
        float[] base = data.base();
        if (layout.equals("chunks")) {
            int count = (n + chunkVectors - 1) / chunkVectors;
            chunks = new float[count][];
            for (int c = 0; c < count; c++) {
                int vectors = Math.min(chunkVectors, n - c * chunkVectors);
                chunks[c] = new float[vectors * dim];
                System.arraycopy(base, c * chunkVectors * dim, chunks[c], 0, vectors * dim);
                normalizeRows(chunks[c], vectors);
            }
            squaredNorms = euclidean ? squaredNorms(chunks) : null;
            records = null;
        } else if (layout.equals("records")) {
            records = new float[n][];
            for (int i = 0; i < n; i++) {
                records[i] = new float[dim];
                System.arraycopy(base, i * dim, records[i], 0, dim);
                normalizeRows(records[i], 1);
            }
            chunks = null;
            squaredNorms = null;
        } else {
            throw new IllegalArgumentException(
                    "--layout: expected chunks or records, got " + layout);
        }
        this.workers = new Worker[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Worker();
        }
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1) : null;
    }

    private void normalizeRows(float[] rows, int count) {
        if (normalizeQueries) {
            float[] row = new float[dim];
            for (int i = 0; i < count; i++) {
                System.arraycopy(rows, i * dim, row, 0, dim);
                normalize(row);
                System.arraycopy(row, 0, rows, i * dim, dim);
            }
        }
    }

    /** Scales {@code v} to unit length in place (a zero vector stays zero). */
    private static void normalize(float[] v) {
        double norm = Math.sqrt(VectorOps.dot(v, v));
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
        }
    }

    private float[][] squaredNorms(float[][] rowsByChunk) {
        float[][] out = new float[rowsByChunk.length][];
        for (int c = 0; c < rowsByChunk.length; c++) {
            float[] rows = rowsByChunk[c];
            out[c] = new float[rows.length / dim];
            for (int i = 0; i < out[c].length; i++) {
                out[c][i] = VectorOps.dot(rows, i * dim, rows, i * dim, dim);
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return "raw-" + layout + "/" + VectorOps.implementationName();
    }

    @Override
    public void search(float[] query, int k, int[] out) {
        float[] q = prepare(query);
        Worker first = workers[0];
        if (threads == 1) {
            first.scan(q, k, 0, units(), 1);
        } else {
            runSplit(t -> workers[t].scan(q, k, t, units(), threads));
            for (int t = 1; t < threads; t++) {
                first.heaps[0].addAll(workers[t].heaps[0]);
            }
        }
        first.heaps[0].drainSorted(out);
    }

    @Override
    public void searchBatch(float[] queries, int count, int k, int[][] out) {
        float[][] qs = new float[count][];
        for (int i = 0; i < count; i++) {
            float[] q = new float[dim];
            System.arraycopy(queries, i * dim, q, 0, dim);
            qs[i] = prepare(q);
        }
        runSplit(t -> workers[t].scanBatch(qs, k, t, units(), threads));
        for (int i = 0; i < count; i++) {
            for (int t = 1; t < threads; t++) {
                workers[0].heaps[i].addAll(workers[t].heaps[i]);
            }
            workers[0].heaps[i].drainSorted(out[i]);
            for (int t = 1; t < threads; t++) {
                workers[t].heaps[i].clear();
            }
        }
    }

    private int units() {
        return chunks != null ? chunks.length : n;
    }

    private float[] prepare(float[] query) {
        if (normalizeQueries) {
            query = query.clone();
            normalize(query);
        }
        return query;
    }

    private interface Part {
        void run(int thread);
    }

    private void runSplit(Part part) {
        if (threads == 1) {
            part.run(0);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(threads - 1);
        for (int t = 1; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> part.run(thread)));
        }
        part.run(0);
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scanning", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("scan failed", e.getCause());
        }
    }

    /** Per-thread scratch: scores of one chunk and one top-k heap per query. */
    private final class Worker {
        float[] scores = new float[Math.max(chunkVectors, 1)];
        TopK[] heaps = new TopK[0];

        private int heapK;

        void ensureHeaps(int count, int k) {
            if (heaps.length < count || heapK != k) {
                heaps = new TopK[count];
                for (int i = 0; i < count; i++) {
                    heaps[i] = new TopK(k);
                }
                heapK = k;
            }
        }

        /** Scans this thread's share of the units: every {@code stride}-th from {@code first}. */
        void scan(float[] q, int k, int first, int units, int stride) {
            ensureHeaps(1, k);
            TopK heap = heaps[0];
            heap.clear();
            if (chunks != null) {
                for (int c = first; c < units; c += stride) {
                    int count = chunks[c].length / dim;
                    score(q, chunks[c], 0, count);
                    offerAll(heap, c * chunkVectors, count);
                }
            } else {
                // Records: split by contiguous ranges of ids.
                int per = (units + stride - 1) / stride;
                int end = Math.min(units, (first + 1) * per);
                for (int i = first * per; i < end; i++) {
                    float s =
                            euclidean
                                    ? VectorOps.squareDistance(q, 0, records[i], 0, dim)
                                    : -VectorOps.dot(q, 0, records[i], 0, dim);
                    if (s <= heap.bound()) {
                        heap.offer(i, s);
                    }
                }
            }
        }

        void scanBatch(float[][] qs, int k, int first, int units, int stride) {
            if (chunks == null) {
                throw new IllegalArgumentException("--batch: needs --layout chunks");
            }
            ensureHeaps(qs.length, k);
            for (int i = 0; i < qs.length; i++) {
                heaps[i].clear();
            }
            if (batchKernel.equals("queries")) {
                scanBatchByQueries(qs, first, units, stride);
                return;
            }
            if (batchKernel.equals("register-tiles")) {
                scanBatchByRegisterTiles(qs, first, units, stride);
                return;
            }
            int tile = Math.max(4, Math.min(chunkVectors, TILE_BYTES / (4 * dim)));
            for (int c = first; c < units; c += stride) {
                int count = chunks[c].length / dim;
                for (int from = 0; from < count; from += tile) {
                    int m = Math.min(tile, count - from);
                    for (int i = 0; i < qs.length; i++) {
                        score(qs[i], chunks[c], from * dim, m);
                        offerAll(heaps[i], c * chunkVectors + from, m);
                    }
                }
            }
        }

        /**
         * As {@link #scanBatchByQueries}, scoring 64 stored vectors at a time with the 4x4 tile.
         */
        private void scanBatchByRegisterTiles(float[][] qs, int first, int units, int stride) {
            int block = Math.max(4, Math.min(qs.length, QUERY_BLOCK_BYTES / (4 * dim)));
            int tile = 64;
            if (scores.length < block * tile) {
                scores = new float[block * tile];
            }
            for (int q0 = 0; q0 < qs.length; q0 += block) {
                int q1 = Math.min(qs.length, q0 + block);
                for (int c = first; c < units; c += stride) {
                    float[] chunk = chunks[c];
                    float[] norms = euclidean ? squaredNorms[c] : null;
                    int count = chunk.length / dim;
                    for (int v = 0; v < count; v += tile) {
                        int m = Math.min(tile, count - v);
                        VectorOps.dotTile(qs, q0, q1, chunk, v * dim, m, scores);
                        int firstId = c * chunkVectors + v;
                        for (int q = q0; q < q1; q++) {
                            TopK heap = heaps[q];
                            int row = (q - q0) * m;
                            for (int i = 0; i < m; i++) {
                                float sc =
                                        euclidean
                                                ? norms[v + i] - 2f * scores[row + i]
                                                : -scores[row + i];
                                if (sc <= heap.bound()) {
                                    heap.offer(firstId + i, sc);
                                }
                            }
                        }
                    }
                }
            }
        }

        /**
         * Blocks of queries that fit in L2; per block one pass over this thread's chunks, each
         * stored vector scored against the whole block by the multi-query kernel.
         */
        private void scanBatchByQueries(float[][] qs, int first, int units, int stride) {
            int block = Math.max(4, Math.min(qs.length, QUERY_BLOCK_BYTES / (4 * dim)));
            if (scores.length < block) {
                scores = new float[block];
            }
            for (int q0 = 0; q0 < qs.length; q0 += block) {
                int q1 = Math.min(qs.length, q0 + block);
                for (int c = first; c < units; c += stride) {
                    float[] chunk = chunks[c];
                    int count = chunk.length / dim;
                    for (int v = 0; v < count; v++) {
                        int id = c * chunkVectors + v;
                        VectorOps.dotQueries(qs, q0, q1, chunk, v * dim, scores);
                        float norm = euclidean ? squaredNorms[c][v] : 0f;
                        for (int q = q0; q < q1; q++) {
                            float s = euclidean ? norm - 2f * scores[q - q0] : -scores[q - q0];
                            if (s <= heaps[q].bound()) {
                                heaps[q].offer(id, s);
                            }
                        }
                    }
                }
            }
        }

        private void score(float[] q, float[] data, int offset, int count) {
            for (int i = 0; i < count; i++) {
                int o = offset + i * dim;
                scores[i] =
                        euclidean
                                ? VectorOps.squareDistance(q, 0, data, o, dim)
                                : -VectorOps.dot(q, 0, data, o, dim);
            }
        }

        private void offerAll(TopK heap, int firstId, int count) {
            float bound = heap.bound();
            for (int i = 0; i < count; i++) {
                if (scores[i] <= bound) {
                    heap.offer(firstId + i, scores[i]);
                    bound = heap.bound();
                }
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
