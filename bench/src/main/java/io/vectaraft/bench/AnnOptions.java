package io.vectaraft.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options of {@code ./bench.sh hnsw} and {@code ./bench.sh lucene}, parsed once for both of
 * their steps (build, then search in a fresh JVM), so that either step rejects an unknown option or
 * value. The index lives in {@code --index-dir} (default {@code
 * DATA/indexes/<engine>-<quantization> -m<M>-efc<EFC>}); a build whose marker file ({@value
 * #MARKER}) names the same parameters is reused, {@code --rebuild} forces a new one.
 */
record AnnOptions(
        String engine,
        Path data,
        String metric,
        int m,
        int efConstruction,
        String quantization,
        boolean onDisk,
        Path indexDir,
        boolean rebuild,
        int loadBatch,
        int[] efs,
        double oversample,
        boolean rescore,
        SearchLoop.Options timing) {
    static final String MARKER = "bench-index.json";

    /**
     * @param quantizations the values {@code --quantization} may take for this engine, the default
     *     first
     */
    static AnnOptions parse(Args a, String engine, List<String> quantizations, boolean onDiskOk) {
        Path data = Path.of(a.required("data"));
        String metric = a.choice("metric", "euclidean", List.of("euclidean", "cosine", "dot"));
        int m = a.integer("m", 16);
        int efc = a.integer("ef-construction", 200);
        String quantization = a.choice("quantization", quantizations.getFirst(), quantizations);
        boolean onDisk = onDiskOk && a.flag("on-disk");
        String suffix = onDisk ? "-ondisk" : "";
        Path dir =
                Path.of(
                        a.string(
                                "index-dir",
                                data.resolve("indexes")
                                        .resolve(
                                                "%s-%s-%s-m%d-efc%d%s"
                                                        .formatted(
                                                                engine,
                                                                quantization,
                                                                metric,
                                                                m,
                                                                efc,
                                                                suffix))
                                        .toString()));
        double defaultOversample =
                switch (quantization) {
                    case "int8", "int7" -> 2.0;
                    case "binary" -> 4.0;
                    default -> 1.0;
                };
        double oversample = a.decimal("oversample", defaultOversample);
        if (!(oversample >= 1.0)) {
            throw new IllegalArgumentException("--oversample: expected >= 1, got " + oversample);
        }
        AnnOptions o =
                new AnnOptions(
                        engine,
                        data,
                        metric,
                        m,
                        efc,
                        quantization,
                        onDisk,
                        dir,
                        a.flag("rebuild"),
                        a.integer("load-batch", 10_000),
                        a.integers("ef", "10,16,24,32,48,64,96,128"),
                        oversample,
                        !a.flag("no-rescore"),
                        SearchLoop.Options.from(a));
        a.rejectUnknown();
        return o;
    }

    /** The marker's text for a finished build. */
    String marker(Dataset d, double buildSeconds) {
        return String.format(
                Locale.ROOT,
                "{\"engine\":\"%s\",\"data\":\"%s\",\"n\":%d,\"dim\":%d,\"metric\":\"%s\",\"m\":%d,"
                        + "\"ef_construction\":%d,\"quantization\":\"%s\",\"on_disk\":%b,"
                        + "\"build_s\":%.1f}%n",
                engine,
                d.name(),
                d.n(),
                d.dim(),
                metric,
                m,
                efConstruction,
                quantization,
                onDisk,
                buildSeconds);
    }

    /** Whether the build step may reuse the index directory: no --rebuild, and {@link #built}. */
    boolean reusable(Dataset d) throws IOException {
        return !rebuild && built(d);
    }

    /**
     * Whether a finished build with these parameters is in the index directory (the search step
     * asks this whatever --rebuild says: the build step before it has just rebuilt).
     */
    boolean built(Dataset d) throws IOException {
        Path marker = indexDir.resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return false;
        }
        String text = Files.readString(marker);
        return text.replaceAll("\"build_s\":[0-9.]+", "")
                .equals(marker(d, 0).replaceAll("\"build_s\":[0-9.]+", ""));
    }

    /** The build time the marker recorded. */
    double buildSeconds() throws IOException {
        Matcher m =
                Pattern.compile("\"build_s\":([0-9.]+)")
                        .matcher(Files.readString(indexDir.resolve(MARKER)));
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    void writeMarker(Dataset d, double buildSeconds) throws IOException {
        Files.writeString(indexDir.resolve(MARKER), marker(d, buildSeconds));
    }

    /** Deletes the index directory's contents (before a rebuild). */
    void clearIndexDir() throws IOException {
        if (Files.isDirectory(indexDir)) {
            try (var files = Files.walk(indexDir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(indexDir);
    }

    /** The beam actually searched for a beam width and top k: at least the candidates rescored. */
    int beam(int ef, int k) {
        return Math.max(ef, candidates(k));
    }

    /** How many candidates are rescored with full-precision vectors for a top k. */
    int candidates(int k) {
        return (int) Math.ceil(oversample * k);
    }

    /** The JSON line of one measured beam width. */
    String resultLine(
            Dataset d,
            String impl,
            SearchLoop.Result r,
            double buildSeconds,
            double loadSeconds,
            double heapBytesPerVector,
            double mappedBytesPerVector,
            double load) {
        return String.format(
                Locale.ROOT,
                "{\"engine\":\"%s\",\"mode\":\"hnsw\",\"impl\":\"%s\",\"data\":\"%s\","
                        + "\"metric\":\"%s\",\"quantization\":\"%s\",\"on_disk\":%b,"
                        + "\"oversample\":%.2f,\"rescore\":%b,\"k\":%d,\"m\":%d,"
                        + "\"ef_construction\":%d,\"ef\":%d,\"threads\":1,\"qps\":%.1f,"
                        + "\"cpu_qps\":%.1f,"
                        + "\"recall_at_k\":%.4f,\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"build_s\":%.1f,"
                        + "\"load_s\":%.1f,\"heap_bytes_per_vector\":%.0f,"
                        + "\"mapped_bytes_per_vector\":%.0f,\"raw_bytes_per_vector\":%d,"
                        + "\"warmup_s\":%.0f,\"queries\":%d,\"load\":%.2f,\"visited\":%.1f}",
                engine,
                impl,
                d.name(),
                metric,
                quantization,
                onDisk,
                oversample,
                rescore,
                timing.k(),
                m,
                efConstruction,
                r.ef(),
                r.qps(),
                r.cpuQps(),
                r.recall(),
                r.p50(),
                r.p99(),
                buildSeconds,
                loadSeconds,
                heapBytesPerVector,
                mappedBytesPerVector,
                4 * d.dim(),
                r.warmup(),
                r.queries(),
                load,
                r.visited());
    }
}
