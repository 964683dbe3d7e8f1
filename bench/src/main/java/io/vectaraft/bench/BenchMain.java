package io.vectaraft.bench;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Entry point of {@code ./bench.sh}: {@code flat} (in-process exact search), {@code grpc} (drive a
 * running server), and the two steps of {@code hnsw} and {@code lucene} (build an index into a
 * directory, then search it in a fresh JVM). Results go to stdout as one JSON line; progress goes
 * to stderr.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: bench flat|grpc --data DIR ... (see bench/README.md)");
            System.exit(2);
        }
        try {
            switch (argv[0]) {
                case "flat" -> flat(new Args(argv, 1));
                case "grpc" -> GrpcBench.run(new Args(argv, 1));
                case "ingest" -> IngestBench.run(new Args(argv, 1));
                case "discard-server" -> DiscardServer.run(new Args(argv, 1));
                case "hnsw-build" -> HnswBench.build(new Args(argv, 1));
                case "hnsw-search" -> HnswBench.search(new Args(argv, 1));
                case "lucene-build" -> LuceneBench.build(new Args(argv, 1));
                case "lucene-search" -> LuceneBench.search(new Args(argv, 1));
                case "filtered" -> FilteredBench.run(new Args(argv, 1));
                default ->
                        throw new IllegalArgumentException(
                                "command: expected flat, grpc, ingest, discard-server, hnsw-build,"
                                        + " hnsw-search, lucene-build or lucene-search, got "
                                        + argv[0]);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void flat(Args a) throws Exception {
        Dataset data = Dataset.load(Path.of(a.required("data")));
        String metric =
                a.choice("metric", "euclidean", java.util.List.of("euclidean", "cosine", "dot"));
        int threads = a.integer("threads", 1);
        Runner.Settings settings = Runner.Settings.from(a);
        Recall recall = new Recall(data, metric, settings.k());
        String engineName = a.string("engine", "collection");
        long loadStart = System.nanoTime();
        try (FlatEngine engine =
                switch (engineName) {
                    case "collection" -> new CollectionEngine(data, metric);
                    case "raw" ->
                            new RawScanEngine(
                                    data,
                                    metric,
                                    a.string("layout", "chunks"),
                                    a.integer("chunk", 4096),
                                    threads,
                                    a.string("batch-kernel", "queries"));
                    default ->
                            throw new IllegalArgumentException(
                                    "--engine: expected collection or raw, got " + engineName);
                }) {
            a.rejectUnknown();
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            System.err.printf(
                    Locale.ROOT,
                    "loaded %s (%d x %d) into %s in %.1f s%n",
                    data.name(),
                    data.n(),
                    data.dim(),
                    engine.describe(),
                    loadSeconds);
            Runner.Result r = new Runner(engine, data, settings).run(recall);
            System.out.println(
                    String.format(
                            Locale.ROOT,
                            "{\"engine\":\"vectaraft\",\"mode\":\"flat\",\"impl\":\"%s\","
                                    + "\"data\":\"%s\",\"metric\":\"%s\",\"k\":%d,\"batch\":%d,"
                                    + "\"qps\":%.1f,\"recall_at_k\":%.4f,\"p50_ms\":%.3f,"
                                    + "\"p99_ms\":%.3f,\"threads\":%d,\"queries\":%d,"
                                    + "\"warmup_s\":%.0f}",
                            engine.describe(),
                            data.name(),
                            metric,
                            settings.k(),
                            settings.batch(),
                            r.qps(),
                            r.recall(),
                            r.p50(),
                            r.p99(),
                            threads,
                            r.queries(),
                            r.warmup()));
        }
    }
}
