package io.vectaraft.index;

import java.util.List;

/**
 * The matches of a search, one list per query in query order, and how many stored vectors the
 * search compared with its queries in all: every candidate for an exact scan, the nodes scored for
 * an HNSW search (as Lucene's {@code visitedCount}). The count is for metrics.
 */
public record SearchResults(List<List<Match>> matches, long visited) {
    public SearchResults {
        matches = List.copyOf(matches);
    }
}
