package io.vectaraft.server;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Whether memory stayed flat once the data stopped growing, from the samples of a memory soak.
 *
 * <p>The steady state starts at the first sample holding at least 90% of the most records seen (the
 * load replaces and deletes records in a bounded id space, so the count levels off). Within it, the
 * median of the second half of the samples is compared with the median of the first half (medians,
 * so one sample taken mid-snapshot does not decide): growth beyond 10% and beyond 16 MB is flagged,
 * separately for the heap after a full GC (the live data: a leak shows here) and the resident set
 * (which may also grow while the JVM expands its heap toward the maximum, without a leak). The
 * slope, by least squares over the steady state, is given in MB per 10 minutes.
 */
record MemoryVerdict(
        int steadySamples, long steadyFromSeconds, Trend heap, Trend rss, String note) {

    /**
     * One sample: seconds since the start, records held, RSS and heap after GC in MB (-1: none).
     */
    record Sample(long seconds, long records, long rssMb, long heapAfterGcMb) {}

    /** One figure over the steady state. */
    record Trend(long firstMb, long lastMb, double mbPer10Min, boolean growing) {
        String json() {
            return String.format(
                    "{\"first_mb\":%d,\"last_mb\":%d,\"mb_per_10min\":%.1f,\"growing\":%b}",
                    firstMb, lastMb, mbPer10Min, growing);
        }
    }

    private static final int MIN_STEADY_SAMPLES = 4;
    private static final double TOLERANCE = 0.10;
    private static final long TOLERANCE_MB = 16;

    static MemoryVerdict of(List<Sample> all) {
        List<Sample> usable = all.stream().filter(s -> s.records() >= 0).toList();
        long most = usable.stream().mapToLong(Sample::records).max().orElse(0);
        List<Sample> steady =
                usable.stream()
                        .dropWhile(s -> s.records() < 0.9 * most)
                        .filter(s -> s.heapAfterGcMb() >= 0 && s.rssMb() >= 0)
                        .toList();
        if (steady.size() < MIN_STEADY_SAMPLES) {
            return new MemoryVerdict(
                    steady.size(),
                    steady.isEmpty() ? -1 : steady.getFirst().seconds(),
                    null,
                    null,
                    "too short to judge: "
                            + steady.size()
                            + " samples in the steady state, "
                            + MIN_STEADY_SAMPLES
                            + " needed");
        }
        return new MemoryVerdict(
                steady.size(),
                steady.getFirst().seconds(),
                trend(steady, Sample::heapAfterGcMb),
                trend(steady, Sample::rssMb),
                "");
    }

    private static Trend trend(List<Sample> steady, ToLongFunction<Sample> mb) {
        int half = steady.size() / 2;
        long first = median(steady.subList(0, half), mb);
        long last = median(steady.subList(steady.size() - half, steady.size()), mb);
        double n = steady.size();
        double sx = 0;
        double sy = 0;
        double sxy = 0;
        double sxx = 0;
        for (Sample s : steady) {
            double x = s.seconds();
            double y = mb.applyAsLong(s);
            sx += x;
            sy += y;
            sxy += x * y;
            sxx += x * x;
        }
        double denominator = n * sxx - sx * sx;
        double perSecond = denominator == 0 ? 0 : (n * sxy - sx * sy) / denominator;
        long growth = last - first;
        return new Trend(
                first, last, perSecond * 600, growth > TOLERANCE_MB && growth > TOLERANCE * first);
    }

    private static long median(List<Sample> samples, ToLongFunction<Sample> mb) {
        long[] values = samples.stream().mapToLong(mb).sorted().toArray();
        return values.length == 0 ? -1 : values[values.length / 2];
    }

    /** Whether the live heap grew in the steady state: the leak flag. */
    boolean heapGrowing() {
        return heap != null && heap.growing();
    }

    String json() {
        return heap == null
                ? "{\"steady_samples\":" + steadySamples + ",\"verdict\":\"too short\"}"
                : String.format(
                        "{\"steady_from_s\":%d,\"steady_samples\":%d,\"heap_after_gc\":%s,"
                                + "\"rss\":%s}",
                        steadyFromSeconds, steadySamples, heap.json(), rss.json());
    }

    @Override
    public String toString() {
        if (heap == null) {
            return "memory: " + note;
        }
        return String.format(
                "memory over the steady state (from %d s, %d samples; first half vs second half,"
                        + " medians):%n"
                        + "  heap after GC %d -> %d MB (%+.1f MB per 10 min) %s%n"
                        + "  RSS           %d -> %d MB (%+.1f MB per 10 min) %s",
                steadyFromSeconds,
                steadySamples,
                heap.firstMb(),
                heap.lastMb(),
                heap.mbPer10Min(),
                heap.growing() ? "GROWING" : "flat",
                rss.firstMb(),
                rss.lastMb(),
                rss.mbPer10Min(),
                rss.growing() ? "GROWING" : "flat");
    }
}
