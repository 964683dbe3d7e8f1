package io.vectaraft.index.quant;

import io.vectaraft.index.flat.QueryScorer;
import io.vectaraft.index.flat.TopK;

/**
 * The two halves of a quantized search: find candidates by code score ({@link #scan}, or a graph
 * walk), then rescore them with the full-precision vectors ({@link #rescore}) so the results carry
 * exact scores and an exact order among the candidates.
 */
public final class CodeSearch {
    private CodeSearch() {}

    /**
     * The {@code candidates} best slots by code score among the set bits of {@code accept} (live
     * and matching slots), in a heap whose visited count is the slots scored.
     */
    public static TopK scan(QueryScorer codes, long[] accept, int candidates, String[] idsBySlot) {
        TopK top = new TopK(candidates, idsBySlot);
        long scored = 0;
        for (int w = 0; w < accept.length; w++) {
            long bits = accept[w];
            while (bits != 0) {
                int slot = (w << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                float s = codes.score(slot);
                scored++;
                if (!(s < top.bound())) {
                    top.offer(s, slot);
                }
            }
        }
        top.addVisited(scored);
        return top;
    }

    /**
     * The k best of a heap of candidates (emptied by this call) by exact score; the visited count
     * carries over.
     */
    public static TopK rescore(TopK candidates, int k, QueryScorer exact, String[] idsBySlot) {
        int n = candidates.size();
        int[] slots = new int[n];
        float[] scores = new float[n];
        candidates.drainBestFirst(slots, scores);
        TopK top = new TopK(k, idsBySlot);
        top.addVisited(candidates.visited());
        exact.bulkScore(slots, scores, n); // four full vectors per kernel call, loads overlapped
        for (int i = 0; i < n; i++) {
            top.offer(scores[i], slots[i]);
        }
        return top;
    }
}
