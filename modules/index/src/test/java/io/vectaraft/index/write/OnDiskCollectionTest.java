package io.vectaraft.index.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.CollectionNotFoundException;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Match;
import io.vectaraft.index.Metric;
import io.vectaraft.index.Quantization;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.SyntheticData;
import io.vectaraft.index.TestSeeds;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code on_disk} collections: full-precision vectors in a memory-mapped file answer exactly as
 * heap ones do (flat, HNSW, quantized), report mapped bytes instead of heap bytes, release the file
 * when dropped, and serve queries when the mapping is larger than the JVM's whole heap.
 */
class OnDiskCollectionTest {
    private static final long SEED = TestSeeds.seed();

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"flat, NONE", "hnsw, NONE", "hnsw, INT8", "flat, INT8"})
    void answersAsTheHeapCollectionDoes(String index, Quantization.Kind kind, @TempDir Path dir)
            throws IOException, InterruptedException {
        int dim = 40;
        IndexSpec spec = index.equals("hnsw") ? new IndexSpec.Hnsw(16, 64, 64) : IndexSpec.flat();
        WritableDatabase db = new WritableDatabase(dir);
        VectorCollection heap =
                db.create(
                        new CollectionSpec(
                                "heap", dim, Metric.EUCLIDEAN, spec, Quantization.of(kind), false));
        VectorCollection mapped =
                db.create(
                        new CollectionSpec(
                                "mapped",
                                dim,
                                Metric.EUCLIDEAN,
                                spec,
                                Quantization.of(kind),
                                true));
        Random random = new Random(SEED);
        List<float[]> vectors = SyntheticData.mixture(SEED, random, 3000, dim, 10);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            records.add(new VectorRecord("r" + i, vectors.get(i), Map.of()));
        }
        for (int from = 0; from < records.size(); from += 1000) {
            db.writer("heap").upsert(records.subList(from, from + 1000));
            db.writer("mapped").upsert(records.subList(from, from + 1000));
            // Graphs link in the background, in rounds of whatever is pending when a round starts:
            // linking each batch before the next arrives gives both collections the same rounds,
            // hence the same graph (else a later batch can join a round in one and not the other).
            db.awaitGraphs();
        }
        assertEquals(0, mapped.stats().vectorBytes(), "no vectors on the heap");
        assertTrue(mapped.stats().vectorMappedBytes() >= 3000L * dim * 4, "mapped bytes");
        assertTrue(heap.stats().vectorBytes() >= 3000L * dim * 4, "heap bytes");
        for (float[] q : SyntheticData.mixture(SEED, new Random(SEED + 1), 20, dim, 10)) {
            for (boolean exact : new boolean[] {false, true}) {
                SearchRequest r = new SearchRequest(List.of(q), 10, null, 0, exact, true);
                assertEquals(
                        heap.search(r).matches(),
                        mapped.search(r).matches(),
                        "same matches, scores and vectors " + TestSeeds.describe(SEED));
            }
        }
        assertEquals(heap.get(List.of("r7"), true), mapped.get(List.of("r7"), true), "get");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "one vector file");
        }
        db.drop("mapped");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "the file goes with the collection");
        }
        assertThrows(
                CollectionNotFoundException.class,
                () -> mapped.search(SearchRequest.of(vectors.get(0), 1)),
                "a dropped on_disk collection reads as missing");
    }

    @Test
    void aMappedCollectionLargerThanTheHeapServesQueries() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p =
                new ProcessBuilder(
                                java.toString(),
                                "-Xmx48m",
                                "--add-modules",
                                "jdk.incubator.vector",
                                "-cp",
                                System.getProperty("java.class.path"),
                                LargerThanHeap.class.getName())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finishes");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("served 5 queries and a snapshot"), out);
        assertFalse(out.contains("OutOfMemoryError"), out);
    }

    /** Run in a JVM with a 48 MiB heap by the test above. */
    static final class LargerThanHeap {
        private static final int DIM = 1024;
        private static final int N = 24_000; // 98 MB of vectors

        static float[] vector(int i) {
            Random r = new Random(i);
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) r.nextGaussian();
            }
            return v;
        }

        public static void main(String[] args) {
            WritableDatabase db = new WritableDatabase();
            VectorCollection c =
                    db.create(
                            new CollectionSpec(
                                    "big",
                                    DIM,
                                    Metric.DOT,
                                    IndexSpec.flat(),
                                    Quantization.none(),
                                    true));
            for (int from = 0; from < N; from += 500) {
                List<VectorRecord> batch = new ArrayList<>(500);
                for (int i = from; i < from + 500; i++) {
                    batch.add(new VectorRecord("v" + i, vector(i), Map.of()));
                }
                db.writer("big").upsert(batch);
            }
            long mapped = c.stats().vectorMappedBytes();
            long heap = Runtime.getRuntime().maxMemory();
            if (mapped <= heap) {
                throw new AssertionError("mapped " + mapped + " <= heap " + heap);
            }
            for (int q = 0; q < 5; q++) {
                int target = 977 * (q + 1);
                List<Match> found =
                        c.search(
                                        new SearchRequest(
                                                List.of(vector(target)), 3, null, 0, false, false))
                                .matches()
                                .getFirst();
                // A vector's dot product with itself (~1024) beats any other's (~N(0, 32)).
                if (!found.getFirst().record().id().equals("v" + target)) {
                    throw new AssertionError("query " + target + " found " + found);
                }
            }
            // A snapshot visits every record with its vector: copied first, a copy of the mapped
            // vectors would not fit this heap.
            long[] visited = new long[1];
            try {
                db.imageIO("big")
                        .forEachThenImage(
                                r -> visited[0] += r.vector().length,
                                new DataOutputStream(OutputStream.nullOutputStream()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (visited[0] != (long) N * DIM) {
                throw new AssertionError("snapshot visited " + visited[0] + " values");
            }
            System.out.println(
                    "served 5 queries and a snapshot: mapped "
                            + mapped
                            + " bytes, heap max "
                            + heap);
        }
    }
}
