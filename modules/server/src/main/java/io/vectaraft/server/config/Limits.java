package io.vectaraft.server.config;

import java.time.Duration;

/**
 * What one request may cost and how many expensive calls run at once (the {@code limits.*}
 * settings); enforced by {@code grpc.Admission}.
 *
 * @param maxResults results one request may ask for (queries x max(top_k, ef), Get ids, Scroll
 *     limit)
 * @param maxResponseBytes estimated reply bytes one request may ask for
 * @param maxFilterTerms conditions and operand values of one filter
 * @param maxConcurrentSearches searches and scans running at once
 * @param queueTimeout how long a search waits for one of them
 * @param writeHeapPercent how full the heap may be after the last garbage collection before writes
 *     that add data are refused (100: never)
 */
public record Limits(
        int maxResults,
        long maxResponseBytes,
        int maxFilterTerms,
        int maxConcurrentSearches,
        Duration queueTimeout,
        int writeHeapPercent) {
    /** The built-in defaults. */
    public static Limits defaults() {
        return new Limits(
                Integer.parseInt(Setting.MAX_RESULTS.defaultValue()),
                Long.parseLong(Setting.MAX_RESPONSE_BYTES.defaultValue()),
                Integer.parseInt(Setting.MAX_FILTER_TERMS.defaultValue()),
                Integer.parseInt(Setting.MAX_CONCURRENT_SEARCHES.defaultValue()),
                Duration.ofMillis(Long.parseLong(Setting.QUEUE_TIMEOUT_MS.defaultValue())),
                Integer.parseInt(Setting.WRITE_HEAP_PERCENT.defaultValue()));
    }
}
