package io.vectaraft.index.flat;

import io.vectaraft.index.Metric;
import io.vectaraft.index.vector.VectorOps;
import java.lang.foreign.MemorySegment;

/**
 * Exact similarity over the store's full-precision vectors, as Lucene's {@code RandomVectorScorer}:
 * "higher is better" (the dot product for COSINE over normalized vectors and for DOT, the negated
 * squared distance for EUCLIDEAN). A NaN (from overflowing products) scores as negative infinity,
 * the worst, so it never wins a comparison.
 *
 * <p>Reads the store's chunks, or an {@code on_disk} store's mapping, in place; callers hold the
 * collection's lock.
 */
public final class ExactScorer {
    private final SlotStore store;
    private final boolean euclidean;
    private final int dim;

    public ExactScorer(SlotStore store, Metric metric) {
        this.store = store;
        this.euclidean = metric == Metric.EUCLIDEAN;
        this.dim = store.dimension();
    }

    /** The scorer of one query (normalized under COSINE). */
    public QueryScorer query(float[] query) {
        MappedVectors mapped = store.mapped();
        if (mapped != null) {
            return new MappedScorer(query, mapped);
        }
        return new HeapScorer(query, 0);
    }

    /** The scorer whose query is the vector stored in slot {@code a}. */
    public QueryScorer node(int a) {
        if (store.mapped() != null) {
            return query(store.copyVector(a));
        }
        return new HeapScorer(store.chunks()[store.chunkOf(a)], store.offsetOf(a));
    }

    /** The exact score of a query against one slot. */
    public float score(float[] query, int node) {
        if (store.mapped() != null) {
            return score(query, store.mapped(), node);
        }
        return score(query, 0, store.chunks()[store.chunkOf(node)], store.offsetOf(node));
    }

    /** A query against a row of the mapping, read in place. */
    private float score(float[] query, MappedVectors mapped, int node) {
        return similarity(
                euclidean
                        ? VectorOps.squareDistance(
                                query, 0, mapped.chunk(node), mapped.offset(node), dim)
                        : VectorOps.dot(query, 0, mapped.chunk(node), mapped.offset(node), dim));
    }

    /**
     * Scores a node's neighbours four rows per kernel call (the gather kernels: the rows' loads
     * overlap), the rest one by one; each row gets the bits of a single score.
     */
    private abstract class GatheringScorer implements QueryScorer {
        final float[] four = new float[4];

        /** The kernel results of {@code nodes[from..from + 4)} into {@link #four}. */
        abstract void scoreFour(int[] nodes, int from);

        @Override
        public final void bulkScore(int[] nodes, float[] scores, int count) {
            int i = 0;
            for (; i + 4 <= count; i += 4) {
                scoreFour(nodes, i);
                for (int r = 0; r < 4; r++) {
                    scores[i + r] = similarity(four[r]);
                }
            }
            for (; i < count; i++) {
                scores[i] = score(nodes[i]);
            }
        }
    }

    /**
     * A query ({@code query[offset..]}: a client's vector, or a stored row when linking) against
     * heap rows.
     */
    private final class HeapScorer extends GatheringScorer {
        private final float[] query;
        private final int offset;
        private final float[][] rows = new float[4][];
        private final int[] offsets = new int[4];

        HeapScorer(float[] query, int offset) {
            this.query = query;
            this.offset = offset;
        }

        @Override
        public float score(int node) {
            return ExactScorer.this.score(
                    query, offset, store.chunks()[store.chunkOf(node)], store.offsetOf(node));
        }

        @Override
        void scoreFour(int[] nodes, int from) {
            float[][] chunks = store.chunks();
            for (int r = 0; r < 4; r++) {
                rows[r] = chunks[store.chunkOf(nodes[from + r])];
                offsets[r] = store.offsetOf(nodes[from + r]);
            }
            if (euclidean) {
                VectorOps.squareDistance4(query, offset, rows, offsets, dim, four);
            } else {
                VectorOps.dot4(query, offset, rows, offsets, dim, four);
            }
        }
    }

    /** A query against an {@code on_disk} store's mapped rows, read in place. */
    private final class MappedScorer extends GatheringScorer {
        private final float[] query;
        private final MappedVectors mapped;
        private final MemorySegment[] rows = new MemorySegment[4];
        private final long[] offsets = new long[4];

        MappedScorer(float[] query, MappedVectors mapped) {
            this.query = query;
            this.mapped = mapped;
        }

        @Override
        public float score(int node) {
            return ExactScorer.this.score(query, mapped, node);
        }

        @Override
        void scoreFour(int[] nodes, int from) {
            for (int r = 0; r < 4; r++) {
                rows[r] = mapped.chunk(nodes[from + r]);
                offsets[r] = mapped.offset(nodes[from + r]);
            }
            if (euclidean) {
                VectorOps.squareDistance4(query, 0, rows, offsets, dim, four);
            } else {
                VectorOps.dot4(query, 0, rows, offsets, dim, four);
            }
        }
    }

    private float score(float[] a, int aOffset, float[] b, int bOffset) {
        return similarity(
                euclidean
                        ? VectorOps.squareDistance(a, aOffset, b, bOffset, dim)
                        : VectorOps.dot(a, aOffset, b, bOffset, dim));
    }

    /**
     * A kernel's result as a similarity: the squared distance negated under EUCLIDEAN, the dot
     * product as it is, and NaN as negative infinity.
     */
    private float similarity(float kernelResult) {
        float s = euclidean ? -kernelResult : kernelResult;
        return s != s ? Float.NEGATIVE_INFINITY : s;
    }
}
