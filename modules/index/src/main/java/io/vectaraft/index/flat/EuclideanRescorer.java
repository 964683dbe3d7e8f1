package io.vectaraft.index.flat;

import io.vectaraft.index.vector.VectorOps;

/**
 * Exact results of a batch Euclidean scan that ranked by dot products.
 *
 * <p>{@code |q - x|^2 = |q|^2 - (2 q.x - |x|^2)}: for one query, ranking by {@code s(x) = 2 q.x -
 * |x|^2} is ranking by distance, and with the squared norms the {@link SlotStore} keeps, a batch
 * scan runs the dot-product tile (one FMA per component pair; the distance tile needs a subtraction
 * too). But {@code s} carries rounding errors of order {@code u dim (|q|^2 + |x|^2)} ({@code u =
 * 2^-24}), larger than the distance's own when points lie far from the origin compared to their
 * distances. So the scan keeps {@link #candidates}{@code (k)} per query, and {@link #rescore}
 * scores those again with the squared-distance kernel of a single query: a batch returns the same
 * matches and scores, bit for bit, as one query at a time, provided every vector of the exact top k
 * was a candidate.
 *
 * <p>That proviso is checked per query. A vector x left out scored {@code s(x) <= A} (the worst
 * kept score). If x is farther than {@code R = |q| + d_k} from the origin ({@code d_k^2 = D}, the
 * k-th exact squared distance), its distance exceeds {@code d_k} by the triangle inequality; else
 * its true squared distance is at least {@code |q|^2 - A - e} with {@code e <= 4 gamma (|q|^2 + 2
 * R^2 + |A| + D)}, where {@code gamma = 1.1 (dim + 8) u} bounds the relative error of any of the
 * kernels' sums (at most dim + 8 additions on any path) and the factor 4 covers the norm, the final
 * subtraction and the exact kernel's own error. So if {@code |q|^2 - A - D > e} (plus an absolute
 * slack for underflow), no vector left out can reach the top k, ties included; otherwise {@link
 * #rescore} returns null and the caller scans that query again exactly. Non-finite values fail the
 * check the same way.
 */
final class EuclideanRescorer {
    /** Candidates kept beyond k: at least this many, and at least k. */
    static final int MIN_EXTRA = 16;

    private static final double UNIT_ROUNDOFF = 0x1p-24;

    private EuclideanRescorer() {}

    /** How many candidates per query a scan keeps for a top k. */
    static int candidates(int k) {
        return k + Math.max(MIN_EXTRA, k);
    }

    /**
     * The exact top k of {@code query} among the candidates of {@code approx} (a heap of {@link
     * #candidates}{@code (k)} entries scored {@code 2 q.x - |x|^2}, emptied by this call), scored
     * as a single-query scan scores them; null when the candidates are not provably enough.
     */
    static TopK rescore(SlotStore store, float[] query, TopK approx, int k) {
        int n = approx.size();
        int[] slots = new int[n];
        float[] approxScores = new float[n];
        approx.drainBestFirst(slots, approxScores);
        float[][] chunks = store.chunks();
        int dim = store.dimension();
        MappedVectors mapped = store.mapped();
        TopK exact = new TopK(k, store.idsBySlot());
        for (int i = 0; i < n; i++) {
            int slot = slots[i];
            float distance;
            if (mapped != null) {
                distance =
                        VectorOps.squareDistance(
                                query, 0, mapped.chunk(slot), mapped.offset(slot), dim);
            } else {
                distance =
                        VectorOps.squareDistance(
                                query, 0, chunks[store.chunkOf(slot)], store.offsetOf(slot), dim);
            }
            exact.offer(-distance, slot);
        }
        if (n < candidates(k)) {
            return exact; // the scan kept every candidate it saw
        }
        return provablyComplete(query, approxScores[n - 1], -exact.bound()) ? exact : null;
    }

    /**
     * Whether no vector whose dot-product score was at most {@code worstKept} can be within the
     * k-th exact squared distance {@code kthDistance} (see the class comment).
     */
    static boolean provablyComplete(float[] query, float worstKept, float kthDistance) {
        double qq = 0;
        for (float v : query) {
            qq += (double) v * v;
        }
        int dim = query.length;
        double gamma = 1.1 * (dim + 8) * UNIT_ROUNDOFF;
        double a = worstKept;
        double d = kthDistance;
        double r = Math.sqrt(qq) + Math.sqrt(d) * (1 + 4 * gamma);
        double error = 4 * (gamma + UNIT_ROUNDOFF) * (qq + 2 * r * r + Math.abs(a) + d);
        double underflow = (dim + 8) * 0x1p-140;
        double gap = qq - a - d;
        return gap > error + underflow; // false for NaN and infinities too
    }
}
