package io.vectaraft.bench;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.IndexStats;
import io.vectaraft.index.Match;
import io.vectaraft.index.Metric;
import io.vectaraft.index.Quantization;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.SearchResults;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.vector.VectorOps;
import io.vectaraft.wal.FsyncPolicy;
import io.vectaraft.wal.StorageEngine;
import io.vectaraft.wal.StorageOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./bench.sh hnsw}: our HNSW index in two steps and two JVMs, as {@link LuceneBench} does
 * Lucene's. {@code hnsw-build} stores the base vectors through a {@link StorageEngine} (the
 * server's write path: log, apply, link) in the index directory and closes it, which writes a
 * snapshot with the graph; {@code hnsw-search} opens that directory in a fresh JVM (the snapshot is
 * loaded, graph included, nothing is rebuilt) and runs {@link SearchLoop} with one {@code
 * VectorCollection.search} per query on one thread.
 */
final class HnswBench {
    static final List<String> QUANTIZATIONS = List.of("none", "int8", "binary");
    private static final String COLLECTION = "bench";

    private HnswBench() {}

    static void build(Args a) throws Exception {
        AnnOptions o = AnnOptions.parse(a, "vectaraft", QUANTIZATIONS, true);
        Dataset data = Dataset.load(o.data());
        if (o.reusable(data)) {
            System.err.println("vectaraft: reusing the index in " + o.indexDir());
            return;
        }
        o.clearIndexDir();
        long t0 = System.nanoTime();
        try (StorageEngine engine = StorageEngine.open(options(o))) {
            engine.createCollection(spec(o, data));
            for (int from = 0; from < data.n(); from += o.loadBatch()) {
                int to = Math.min(data.n(), from + o.loadBatch());
                List<VectorRecord> batch = new ArrayList<>(to - from);
                float[][] rows = data.rows(from, to);
                for (int i = from; i < to; i++) {
                    batch.add(new VectorRecord(Integer.toString(i), rows[i - from], Map.of()));
                }
                engine.upsert(COLLECTION, batch);
            }
            // Linking runs in the background: the build ends, and the snapshot written at close
            // holds the whole graph, once it has caught up.
            engine.awaitGraphs();
            double build = (System.nanoTime() - t0) / 1e9;
            System.err.printf(Locale.ROOT, "vectaraft: built %s in %.1f s%n", data.name(), build);
            o.writeMarker(data, build);
        } // close() writes the snapshot the search step loads
    }

    static void search(Args a) throws Exception {
        AnnOptions o = AnnOptions.parse(a, "vectaraft", QUANTIZATIONS, true);
        Dataset data = Dataset.load(o.data());
        if (!o.built(data)) {
            throw new IllegalArgumentException(
                    "--index-dir: expected a finished vectaraft build in " + o.indexDir());
        }
        double load = SearchLoop.loadAverage();
        Recall recall = new Recall(data, o.metric(), o.timing().k());
        long heapBefore = SearchLoop.usedHeap();
        long t0 = System.nanoTime();
        try (StorageEngine engine = StorageEngine.open(options(o))) {
            VectorCollection c = engine.database().get(COLLECTION);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            IndexStats stats = c.stats();
            if (stats.count() != data.n() || stats.graphPending() != 0) {
                throw new IllegalStateException(
                        "loaded index: expected " + data.n() + " linked records, got " + stats);
            }
            double heapPerVector = (SearchLoop.usedHeap() - heapBefore) / (double) data.n();
            SearchLoop loop =
                    new SearchLoop(
                            (query, k, ef) -> ids(search(c, o, query, k, ef).matches().getFirst()),
                            (query, k, ef) -> search(c, o, query, k, ef).visited(),
                            data,
                            o.timing(),
                            recall);
            for (int ef : o.efs()) {
                SearchLoop.Result r = loop.run(ef);
                System.out.println(
                        o.resultLine(
                                data,
                                "collection/" + VectorOps.implementationName(),
                                r,
                                o.buildSeconds(),
                                loadSeconds,
                                heapPerVector,
                                stats.vectorMappedBytes() / (double) data.n(),
                                load));
            }
        }
    }

    /**
     * One query with beam {@code ef}, no filter, ids only; a quantized one with this run's
     * --oversample and rescoring, which a reused index's collection may not have been built with.
     */
    private static SearchResults search(
            VectorCollection c, AnnOptions o, float[] query, int k, int ef) {
        boolean quantized = !o.quantization().equals("none");
        return c.search(
                new SearchRequest(
                        List.of(query),
                        k,
                        null,
                        ef,
                        false,
                        false,
                        o.rescore(),
                        quantized ? o.oversample() : 0));
    }

    private static StorageOptions options(AnnOptions o) {
        // No fsync (a benchmark build, not a durability test), and no background snapshot: the
        // one written at close is what the search step loads.
        return new StorageOptions(
                o.indexDir().resolve("wal.jsonl"),
                o.indexDir().resolve("snapshots"),
                FsyncPolicy.NONE,
                Duration.ofMillis(10),
                Long.MAX_VALUE,
                StorageOptions.RecoveryMode.STRICT);
    }

    private static CollectionSpec spec(AnnOptions o, Dataset data) {
        Metric metric =
                switch (o.metric()) {
                    case "euclidean" -> Metric.EUCLIDEAN;
                    case "cosine" -> Metric.COSINE;
                    default -> Metric.DOT;
                };
        Quantization.Kind kind =
                switch (o.quantization()) {
                    case "int8" -> Quantization.Kind.INT8;
                    case "binary" -> Quantization.Kind.BINARY;
                    default -> Quantization.Kind.NONE;
                };
        return new CollectionSpec(
                COLLECTION,
                data.dim(),
                metric,
                new IndexSpec.Hnsw(o.m(), o.efConstruction(), IndexSpec.Hnsw.DEFAULT_EF_SEARCH),
                kind == Quantization.Kind.NONE
                        ? Quantization.none()
                        : new Quantization(kind, o.oversample()),
                o.onDisk());
    }

    private static int[] ids(List<Match> matches) {
        int[] out = new int[matches.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Integer.parseInt(matches.get(i).record().id());
        }
        return out;
    }
}
