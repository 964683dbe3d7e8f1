package io.vectaraft.server.grpc;

import io.vectaraft.api.v1.ScoreThreshold;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.Match;
import io.vectaraft.index.Metric;
import io.vectaraft.index.SearchRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of a search's best-first results a query returns: {@code offset} skips the first results
 * (paging), {@code score_threshold} drops those worse than a bound. The search is asked for {@code
 * offset + top_k} results and the window cut from them, so a deep page costs what a search with
 * that larger top_k costs; both bounds keep it within the search's own limit ({@link
 * SearchRequest#MAX_K}).
 *
 * @param topK results per page
 * @param offset results skipped before the page
 * @param threshold the worst score kept, or NaN for none
 */
record ResultWindow(int topK, int offset, double threshold) {
    /** The deepest offset a query may ask for. */
    static final int MAX_OFFSET = 10_000;

    /** Reads and checks the window fields of a Query or QueryBatch request. */
    static ResultWindow of(int rawTopK, int rawOffset, boolean hasThreshold, ScoreThreshold t) {
        int offset = Unsigned.toInt("offset", rawOffset, 0, MAX_OFFSET);
        int topK = Unsigned.toInt("top_k", rawTopK);
        if (offset > 0 && (long) topK + offset > SearchRequest.MAX_K) {
            throw new InvalidArgumentException(
                    "top_k + offset: expected at most "
                            + SearchRequest.MAX_K
                            + " (the deepest result a search reaches), got "
                            + topK
                            + " + "
                            + offset);
        }
        double threshold = Double.NaN;
        if (hasThreshold) {
            threshold = t.getValue();
            if (!Double.isFinite(threshold)) {
                throw new InvalidArgumentException(
                        "score_threshold: expected a finite number, got " + threshold);
            }
        }
        return new ResultWindow(topK, offset, threshold);
    }

    /** The k to search for: the page and everything it skips. */
    int searchK() {
        return topK + offset;
    }

    /**
     * The page of {@code best} (best first): after {@code offset}, and no worse than the threshold
     * in the metric's direction (similarities at least it, distances at most it).
     */
    List<Match> cut(List<Match> best, Metric metric) {
        if (offset == 0 && Double.isNaN(threshold)) {
            return best;
        }
        List<Match> out = new ArrayList<>(Math.min(topK, Math.max(0, best.size() - offset)));
        boolean higher = metric.higherIsBetter();
        for (int i = offset; i < best.size() && out.size() < topK; i++) {
            Match m = best.get(i);
            if (!Double.isNaN(threshold)
                    && (higher ? m.score() < threshold : m.score() > threshold)) {
                break; // best first: everything after is worse
            }
            out.add(m);
        }
        return out;
    }
}
