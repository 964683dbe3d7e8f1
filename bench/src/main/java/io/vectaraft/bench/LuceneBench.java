package io.vectaraft.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * {@code ./bench.sh lucene}: Apache Lucene 10.6 HNSW beside ours, same data, M, efConstruction and
 * k. Two steps in two JVMs: {@code lucene-build} writes the index once into a directory (one
 * segment, force-merged), {@code lucene-search} opens it in a fresh JVM ({@code MMapDirectory}) and
 * runs {@link SearchLoop} with one {@code IndexSearcher.search(KnnFloatVectorQuery)} per query on
 * one thread (no executor).
 *
 * <p>Formats: {@code none} = float32 {@code Lucene99HnswVectorsFormat}; {@code int7} and {@code
 * binary} = {@code Lucene104HnswScalarQuantizedVectorsFormat} with {@code SEVEN_BIT} and {@code
 * SINGLE_BIT_QUERY_NIBBLE} (1-bit docs, 4-bit queries: BBQ). In 10.6 the older {@code
 * Lucene99HnswScalarQuantizedVectorsFormat} (int7) and {@code
 * Lucene102HnswBinaryQuantizedVectorsFormat} (BBQ) live in lucene-backward-codecs and refuse to
 * write ("Old codecs may only be used for reading"); the 104 format is their successor.
 *
 * <p>Quantized search as ours: the beam is {@code max(ef, ceil(oversample * k))}, the best {@code
 * ceil(oversample * k)} hits are rescored with the full-precision vectors the index keeps (Lucene's
 * own {@code FloatVectorValues} and similarity, read through the mapping), the best k returned.
 */
final class LuceneBench {
    static final List<String> QUANTIZATIONS = List.of("none", "int7", "binary");
    private static final String FIELD = "v";
    private static final String ID = "id";

    private LuceneBench() {}

    static void build(Args a) throws Exception {
        AnnOptions o = AnnOptions.parse(a, "lucene", QUANTIZATIONS, false);
        Dataset data = Dataset.load(o.data());
        if (o.reusable(data)) {
            System.err.println("lucene: reusing the index in " + o.indexDir());
            return;
        }
        o.clearIndexDir();
        ExecutorService merges = Executors.newFixedThreadPool(2);
        KnnVectorsFormat format = format(o, merges);
        long t0 = System.nanoTime();
        try (Directory dir = FSDirectory.open(o.indexDir())) {
            IndexWriterConfig config =
                    new IndexWriterConfig()
                            .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                            .setUseCompoundFile(false)
                            .setRAMBufferSizeMB(256)
                            .setCodec(
                                    new Lucene104Codec() {
                                        @Override
                                        public KnnVectorsFormat getKnnVectorsFormatForField(
                                                String field) {
                                            return format;
                                        }
                                    });
            VectorSimilarityFunction similarity = similarity(o.metric());
            try (IndexWriter writer = new IndexWriter(dir, config)) {
                for (int i = 0; i < data.n(); i++) {
                    Document doc = new Document();
                    doc.add(new KnnFloatVectorField(FIELD, row(data, i), similarity));
                    doc.add(new NumericDocValuesField(ID, i));
                    writer.addDocument(doc);
                }
                writer.forceMerge(1);
                writer.commit();
            }
        } finally {
            merges.shutdown();
        }
        double build = (System.nanoTime() - t0) / 1e9;
        o.writeMarker(data, build);
        System.err.printf(
                Locale.ROOT, "lucene: built %s (%s) in %.1f s%n", data.name(), format, build);
    }

    static void search(Args a) throws Exception {
        AnnOptions o = AnnOptions.parse(a, "lucene", QUANTIZATIONS, false);
        Dataset data = Dataset.load(o.data());
        if (!o.built(data)) {
            throw new IllegalArgumentException(
                    "--index-dir: expected a finished lucene build in " + o.indexDir());
        }
        double load = SearchLoop.loadAverage();
        Recall recall = new Recall(data, o.metric(), o.timing().k());
        long heapBefore = SearchLoop.usedHeap();
        long t0 = System.nanoTime();
        try (Directory dir = FSDirectory.open(o.indexDir());
                DirectoryReader reader = DirectoryReader.open(dir)) {
            if (reader.leaves().size() != 1) {
                throw new IllegalStateException(
                        "lucene index: expected one segment, got " + reader.leaves().size());
            }
            LeafReader leaf = reader.leaves().getFirst().reader();
            int[] rowOfDoc = rows(leaf);
            FloatVectorValues vectors = leaf.getFloatVectorValues(FIELD);
            for (int ord = 0; ord < vectors.size(); ord++) {
                if (vectors.ordToDoc(ord) != ord) {
                    throw new IllegalStateException("lucene index: expected dense vectors");
                }
            }
            VectorSimilarityFunction similarity = similarity(o.metric());
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setQueryCache(null);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            double heapPerVector = (SearchLoop.usedHeap() - heapBefore) / (double) data.n();
            double mappedPerVector = directoryBytes(o.indexDir()) / (double) data.n();
            boolean quantized = !o.quantization().equals("none");
            SearchLoop loop =
                    new SearchLoop(
                            (query, k, ef) -> {
                                int beam = o.beam(ef, k);
                                TopDocs top =
                                        searcher.search(
                                                new KnnFloatVectorQuery(FIELD, query, beam), beam);
                                return quantized && o.rescore()
                                        ? rescore(
                                                top,
                                                query,
                                                k,
                                                o.candidates(k),
                                                vectors,
                                                similarity,
                                                rowOfDoc)
                                        : firstK(top, k, rowOfDoc);
                            },
                            (query, k, ef) ->
                                    leaf.searchNearestVectors(
                                                    FIELD,
                                                    query,
                                                    o.beam(ef, k),
                                                    AcceptDocs.fromLiveDocs(null, leaf.maxDoc()),
                                                    Integer.MAX_VALUE)
                                            .totalHits
                                            .value(),
                            data,
                            o.timing(),
                            recall);
            for (int ef : o.efs()) {
                SearchLoop.Result r = loop.run(ef);
                System.out.println(
                        o.resultLine(
                                data,
                                "lucene-10.6/" + formatName(o),
                                r,
                                o.buildSeconds(),
                                loadSeconds,
                                heapPerVector,
                                mappedPerVector,
                                load));
            }
        }
    }

    private static KnnVectorsFormat format(AnnOptions o, ExecutorService merges) {
        int workers = merges == null ? 1 : 2;
        return switch (o.quantization()) {
            case "int7" ->
                    new Lucene104HnswScalarQuantizedVectorsFormat(
                            ScalarEncoding.SEVEN_BIT, o.m(), o.efConstruction(), workers, merges);
            case "binary" ->
                    new Lucene104HnswScalarQuantizedVectorsFormat(
                            ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE,
                            o.m(),
                            o.efConstruction(),
                            workers,
                            merges);
            default -> new Lucene99HnswVectorsFormat(o.m(), o.efConstruction(), workers, merges);
        };
    }

    /** A short name of the format for the JSON line. */
    private static String formatName(AnnOptions o) {
        return switch (o.quantization()) {
            case "int7" -> "Lucene104HnswScalarQuantized-SEVEN_BIT";
            case "binary" -> "Lucene104HnswScalarQuantized-SINGLE_BIT_QUERY_NIBBLE";
            default -> "Lucene99HnswVectors";
        };
    }

    private static VectorSimilarityFunction similarity(String metric) {
        return switch (metric) {
            case "euclidean" -> VectorSimilarityFunction.EUCLIDEAN;
            case "cosine" -> VectorSimilarityFunction.COSINE;
            default -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
        };
    }

    private static float[] row(Dataset d, int i) {
        float[] v = new float[d.dim()];
        System.arraycopy(d.base(), i * d.dim(), v, 0, d.dim());
        return v;
    }

    /** The data set row of every document (the {@code id} doc values). */
    private static int[] rows(LeafReader leaf) throws java.io.IOException {
        int[] rows = new int[leaf.maxDoc()];
        NumericDocValues ids = leaf.getNumericDocValues(ID);
        for (int doc = ids.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = ids.nextDoc()) {
            rows[doc] = (int) ids.longValue();
        }
        return rows;
    }

    private static int[] firstK(TopDocs top, int k, int[] rowOfDoc) {
        int n = Math.min(k, top.scoreDocs.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = rowOfDoc[top.scoreDocs[i].doc];
        }
        return out;
    }

    /** The best k of the first {@code candidates} hits by full-precision similarity. */
    private static int[] rescore(
            TopDocs top,
            float[] query,
            int k,
            int candidates,
            FloatVectorValues vectors,
            VectorSimilarityFunction similarity,
            int[] rowOfDoc)
            throws java.io.IOException {
        int n = Math.min(candidates, top.scoreDocs.length);
        ScoreDoc[] docs = new ScoreDoc[n];
        for (int i = 0; i < n; i++) {
            int doc = top.scoreDocs[i].doc;
            docs[i] = new ScoreDoc(doc, similarity.compare(query, vectors.vectorValue(doc)));
        }
        java.util.Arrays.sort(docs, (x, y) -> Float.compare(y.score, x.score));
        int[] out = new int[Math.min(k, n)];
        for (int i = 0; i < out.length; i++) {
            out[i] = rowOfDoc[docs[i].doc];
        }
        return out;
    }

    private static long directoryBytes(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
