package io.vectaraft.bench;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.FieldIndexSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Match;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.Metric;
import io.vectaraft.index.Quantization;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.wal.FsyncPolicy;
import io.vectaraft.wal.StorageEngine;
import io.vectaraft.wal.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * {@code ./bench.sh filtered}: filtered k-NN at controlled selectivities, ours beside Lucene 10.6's
 * {@code KnnFloatVectorQuery} with a filter query, in one JVM on one search thread.
 *
 * <p>Generated metadata per record i, from a fixed seed: {@code tags}, a list of strings holding
 * {@code "p<s>"} for every selectivity s with {@code u_i < s} (u uniform, so the tag passes a share
 * s of the records, nested); {@code rank}, an integer uniform in [0, 1,000,000) drawn independently
 * (the filter {@code rank < s * 1e6} passes a share s). Lucene gets the same values as a {@code
 * StringField} per tag and an {@code IntPoint}.
 *
 * <p>Per selectivity and filter kind: recall@k against the exact filtered top k (our exact scan of
 * the matches), and QPS over the queries, ours and Lucene's alternated. Options: {@code --data DIR
 * --selectivity 0.001,0.01,0.1,0.5 [--index hnsw|flat] [--field-index on|off] [--ef 64] [--m 16]
 * [--ef-construction 100] [--queries 300] [--k 10] [--lucene on|off]}.
 */
final class FilteredBench {
    private static final String COLLECTION = "filtered";
    private static final int RANK_RANGE = 1_000_000;

    private FilteredBench() {}

    static void run(Args a) throws Exception {
        Dataset data = Dataset.load(Path.of(a.required("data")));
        List<Double> selectivities = new ArrayList<>();
        for (String s : a.string("selectivity", "0.001,0.01,0.1,0.5").split(",")) {
            selectivities.add(Double.parseDouble(s));
        }
        boolean hnsw = a.choice("index", "hnsw", List.of("hnsw", "flat")).equals("hnsw");
        boolean fieldIndex = a.choice("field-index", "on", List.of("on", "off")).equals("on");
        boolean lucene = a.choice("lucene", "on", List.of("on", "off")).equals("on");
        int ef = Integer.parseInt(a.string("ef", "64"));
        int m = Integer.parseInt(a.string("m", "16"));
        int efc = Integer.parseInt(a.string("ef-construction", "100"));
        int nq = Math.min(data.nq(), Integer.parseInt(a.string("queries", "300")));
        int k = Integer.parseInt(a.string("k", "10"));
        Random random = new Random(0xF11E7L);
        double[] u = new double[data.n()];
        int[] rank = new int[data.n()];
        for (int i = 0; i < data.n(); i++) {
            u[i] = random.nextDouble();
            rank[i] = random.nextInt(RANK_RANGE);
        }
        Path work = Files.createTempDirectory("filtered-bench");
        try {
            long t0 = System.nanoTime();
            StorageEngine engine = StorageEngine.open(options(work));
            engine.createCollection(
                    new CollectionSpec(
                            COLLECTION,
                            data.dim(),
                            Metric.EUCLIDEAN,
                            hnsw
                                    ? new IndexSpec.Hnsw(m, efc, IndexSpec.Hnsw.DEFAULT_EF_SEARCH)
                                    : new IndexSpec.Flat(),
                            Quantization.none(),
                            false));
            for (int from = 0; from < data.n(); from += 1000) {
                int to = Math.min(data.n(), from + 1000);
                List<VectorRecord> batch = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    List<String> tags = new ArrayList<>();
                    for (double s : selectivities) {
                        if (u[i] < s) {
                            tags.add(tag(s));
                        }
                    }
                    batch.add(
                            new VectorRecord(
                                    Integer.toString(i),
                                    row(data, i),
                                    Map.of(
                                            "tags",
                                            MetadataValue.of(tags),
                                            "rank",
                                            MetadataValue.of((long) rank[i]))));
                }
                engine.upsert(COLLECTION, batch);
            }
            if (fieldIndex) {
                engine.createFieldIndex(
                        COLLECTION, new FieldIndexSpec("tags", FieldIndexSpec.Type.KEYWORD));
                engine.createFieldIndex(
                        COLLECTION, new FieldIndexSpec("rank", FieldIndexSpec.Type.INTEGER));
            }
            engine.awaitGraphs();
            System.err.printf(
                    Locale.ROOT,
                    "vectaraft: built %s in %.1f s%n",
                    data.name(),
                    (System.nanoTime() - t0) / 1e9);
            VectorCollection c = engine.database().get(COLLECTION);
            LuceneSide luceneSide =
                    lucene ? LuceneSide.build(work, data, selectivities, u, rank, m, efc) : null;
            for (double s : selectivities) {
                for (String kind : List.of("keyword", "integer")) {
                    double load = SearchLoop.loadAverage(); // per row: the machine's load moves
                    Filter filter =
                            kind.equals("keyword")
                                    ? Filter.eq("tags", MetadataValue.of(tag(s)))
                                    : new Filter.Condition(
                                            "rank",
                                            Filter.Op.LT,
                                            MetadataValue.of((long) (s * RANK_RANGE)),
                                            null);
                    long matching = c.count(filter);
                    List<Set<Integer>> truth = new ArrayList<>();
                    long exactStart = System.nanoTime();
                    for (int q = 0; q < nq; q++) {
                        truth.add(
                                set(
                                        ids(
                                                c.search(
                                                                new SearchRequest(
                                                                        List.of(data.query(q)),
                                                                        k,
                                                                        filter,
                                                                        0,
                                                                        true,
                                                                        false))
                                                        .matches()
                                                        .getFirst())));
                    }
                    double exactQps = nq / ((System.nanoTime() - exactStart) / 1e9);
                    // The filter OR a condition no record passes, different per query: every
                    // search evaluates its filter afresh (the collection caches the bitset of a
                    // repeated filter until the next write), as under a steady stream of writes.
                    int[] fresh = {0};
                    Searcher cold =
                            q -> {
                                int n = fresh[0]++;
                                Filter never =
                                        kind.equals("keyword")
                                                ? Filter.eq("tags", MetadataValue.of("miss-" + n))
                                                : Filter.eq("rank", MetadataValue.of(-1L - n));
                                return ids(
                                        c.search(
                                                        new SearchRequest(
                                                                List.of(q),
                                                                k,
                                                                Filter.or(filter, never),
                                                                ef,
                                                                false,
                                                                false))
                                                .matches()
                                                .getFirst());
                            };
                    Searcher ours =
                            q ->
                                    ids(
                                            c.search(
                                                            new SearchRequest(
                                                                    List.of(q),
                                                                    k,
                                                                    filter,
                                                                    ef,
                                                                    false,
                                                                    false))
                                                    .matches()
                                                    .getFirst());
                    Query luceneFilter =
                            kind.equals("keyword")
                                    ? new TermQuery(new Term("tags", tag(s)))
                                    : IntPoint.newRangeQuery("rank", 0, (int) (s * RANK_RANGE) - 1);
                    Searcher theirs =
                            luceneSide == null ? null : luceneSide.searcher(luceneFilter, k, ef);
                    // Alternate: warm both, then time ours, theirs, ours, theirs.
                    Measured o = measure(ours, data, nq, truth, k);
                    Measured l = theirs == null ? null : measure(theirs, data, nq, truth, k);
                    Measured o2 = measure(ours, data, nq, truth, k);
                    Measured oc = measure(cold, data, nq, truth, k);
                    Measured l2 = theirs == null ? null : measure(theirs, data, nq, truth, k);
                    System.out.printf(
                            Locale.ROOT,
                            "{\"bench\":\"filtered\",\"data\":\"%s\",\"index\":\"%s\","
                                    + "\"field_index\":%b,\"filter\":\"%s\",\"selectivity\":%s,"
                                    + "\"matching\":%d,\"k\":%d,\"ef\":%d,\"m\":%d,"
                                    + "\"ef_construction\":%d,\"queries\":%d,"
                                    + "\"qps\":%.1f,\"recall\":%.4f,\"min_results\":%d,"
                                    + "\"qps_uncached_filter\":%.1f,\"recall_uncached\":%.4f,"
                                    + "\"exact_scan_qps\":%.1f,"
                                    + "\"lucene_qps\":%s,\"lucene_recall\":%s,"
                                    + "\"lucene_min_results\":%s,\"cpu_qps\":%.1f,"
                                    + "\"cpu_qps_uncached_filter\":%.1f,\"lucene_cpu_qps\":%s,"
                                    + "\"load\":%.2f}%n",
                            data.name(),
                            hnsw ? "hnsw" : "flat",
                            fieldIndex,
                            kind,
                            s,
                            matching,
                            k,
                            ef,
                            m,
                            efc,
                            nq,
                            Math.max(o.qps, o2.qps),
                            o2.recall,
                            Math.min(o.minResults, o2.minResults),
                            oc.qps,
                            oc.recall,
                            exactQps,
                            l == null
                                    ? "null"
                                    : String.format(Locale.ROOT, "%.1f", Math.max(l.qps, l2.qps)),
                            l == null ? "null" : String.format(Locale.ROOT, "%.4f", l2.recall),
                            l == null
                                    ? "null"
                                    : Integer.toString(Math.min(l.minResults, l2.minResults)),
                            Math.max(o.cpuQps, o2.cpuQps),
                            oc.cpuQps,
                            l == null
                                    ? "null"
                                    : String.format(
                                            Locale.ROOT, "%.1f", Math.max(l.cpuQps, l2.cpuQps)),
                            load);
                }
            }
            if (luceneSide != null) {
                luceneSide.close();
            }
            engine.close();
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @FunctionalInterface
    interface Searcher {
        int[] search(float[] q) throws Exception;
    }

    /**
     * A timed pass: {@code qps} by wall time, {@code cpuQps} by the process's CPU time (every
     * thread: a parallel exact scan counts all its workers), which a loaded machine disturbs less.
     */
    private record Measured(double qps, double cpuQps, double recall, int minResults) {}

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private static Measured measure(
            Searcher s, Dataset data, int nq, List<Set<Integer>> truth, int k) throws Exception {
        double recall = 0;
        int minResults = Integer.MAX_VALUE;
        long t0 = System.nanoTime();
        long cpu0 = OS.getProcessCpuTime();
        for (int q = 0; q < nq; q++) {
            int[] found = s.search(data.query(q));
            Set<Integer> expected = truth.get(q);
            int hits = 0;
            for (int id : found) {
                hits += expected.contains(id) ? 1 : 0;
            }
            recall += expected.isEmpty() ? 1 : (double) hits / expected.size();
            minResults = Math.min(minResults, found.length);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (OS.getProcessCpuTime() - cpu0) / 1e9;
        return new Measured(nq / seconds, nq / cpuSeconds, recall / nq, minResults);
    }

    private static String tag(double s) {
        return "p" + s;
    }

    private static Set<Integer> set(int[] ids) {
        Set<Integer> out = new HashSet<>();
        for (int id : ids) {
            out.add(id);
        }
        return out;
    }

    private static int[] ids(List<Match> matches) {
        int[] out = new int[matches.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Integer.parseInt(matches.get(i).record().id());
        }
        return out;
    }

    private static float[] row(Dataset d, int i) {
        float[] v = new float[d.dim()];
        System.arraycopy(d.base(), i * d.dim(), v, 0, d.dim());
        return v;
    }

    private static StorageOptions options(Path dir) {
        return new StorageOptions(
                dir.resolve("wal.jsonl"),
                dir.resolve("snapshots"),
                FsyncPolicy.NONE,
                Duration.ofMillis(10),
                Long.MAX_VALUE,
                StorageOptions.RecoveryMode.STRICT);
    }

    /** Lucene 10.6 with the same vectors and metadata, one segment. */
    private static final class LuceneSide implements AutoCloseable {
        private final Directory dir;
        private final DirectoryReader reader;
        private final IndexSearcher searcher;

        private LuceneSide(Directory dir) throws java.io.IOException {
            this.dir = dir;
            this.reader = DirectoryReader.open(dir);
            this.searcher = new IndexSearcher(reader);
            searcher.setQueryCache(null);
        }

        static LuceneSide build(
                Path work,
                Dataset data,
                List<Double> selectivities,
                double[] u,
                int[] rank,
                int m,
                int efc)
                throws Exception {
            long t0 = System.nanoTime();
            Directory dir = FSDirectory.open(work.resolve("lucene"));
            var format = new org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat(m, efc);
            IndexWriterConfig config =
                    new IndexWriterConfig()
                            .setRAMBufferSizeMB(256)
                            .setCodec(
                                    new org.apache.lucene.codecs.lucene104.Lucene104Codec() {
                                        @Override
                                        public org.apache.lucene.codecs.KnnVectorsFormat
                                                getKnnVectorsFormatForField(String field) {
                                            return format;
                                        }
                                    });
            try (IndexWriter writer = new IndexWriter(dir, config)) {
                for (int i = 0; i < data.n(); i++) {
                    Document doc = new Document();
                    doc.add(
                            new KnnFloatVectorField(
                                    "v", row(data, i), VectorSimilarityFunction.EUCLIDEAN));
                    doc.add(new StoredField("id", i));
                    for (double s : selectivities) {
                        if (u[i] < s) {
                            doc.add(new StringField("tags", tag(s), Field.Store.NO));
                        }
                    }
                    doc.add(new IntPoint("rank", rank[i]));
                    writer.addDocument(doc);
                }
                writer.forceMerge(1);
                writer.commit();
            }
            System.err.printf(
                    Locale.ROOT, "lucene: built in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            return new LuceneSide(dir);
        }

        Searcher searcher(Query filter, int k, int ef) {
            int beam = Math.max(k, ef);
            // Doc ids equal row numbers: one segment, added in order, never deleted.
            return q -> {
                TopDocs top = searcher.search(new KnnFloatVectorQuery("v", q, beam, filter), beam);
                int n = Math.min(k, top.scoreDocs.length);
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = top.scoreDocs[i].doc;
                }
                return out;
            };
        }

        @Override
        public void close() throws java.io.IOException {
            reader.close();
            dir.close();
        }
    }
}
