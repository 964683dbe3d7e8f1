package io.vectaraft.index;

import io.vectaraft.index.filter.Filter;

/**
 * One page of a scroll: up to {@code limit} records matching {@code filter} (null: all) whose ids
 * follow {@code afterId} (null: from the start), in id order. A limit of 0 means {@link
 * #DEFAULT_LIMIT}; {@code includeValues} false leaves the vectors out (nothing is copied).
 */
public record ScrollRequest(Filter filter, String afterId, int limit, boolean includeValues) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;

    public ScrollRequest {
        Checks.inRange("limit", limit, 0, MAX_LIMIT);
        if (limit == 0) {
            limit = DEFAULT_LIMIT;
        }
    }
}
