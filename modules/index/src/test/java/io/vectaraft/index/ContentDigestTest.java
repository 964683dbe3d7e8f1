package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vectaraft.index.write.WritableDatabase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContentDigestTest {
    private static final CollectionSpec FLAT =
            new CollectionSpec("docs", 4, Metric.EUCLIDEAN, IndexSpec.flat());
    private static final CollectionSpec HNSW =
            new CollectionSpec("docs", 4, Metric.EUCLIDEAN, IndexSpec.Hnsw.defaults());

    @Test
    void sameRecordsInAnyOrderAndIndexGiveTheSameDigest() {
        long seed = TestSeeds.seed();
        List<VectorRecord> records = records(2_500, new Random(seed));
        List<VectorRecord> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new Random(seed + 1));

        VectorCollection a = collection(FLAT, records, 100);
        VectorCollection b = collection(HNSW, shuffled, 7);
        assertEquals(ContentDigest.of(a), ContentDigest.of(b), "seed " + seed);
    }

    @Test
    void anyDifferenceInIdVectorOrMetadataChangesIt() {
        List<VectorRecord> base = records(50, new Random(3));
        String digest = ContentDigest.of(collection(FLAT, base, 50));
        VectorRecord r = base.get(17);

        assertNotEquals(
                digest,
                digestWith(base, 17, new VectorRecord("other", r.vector(), r.metadata())),
                "id");
        float[] v = r.vector().clone();
        v[2] = Math.nextUp(v[2]);
        assertNotEquals(
                digest, digestWith(base, 17, new VectorRecord(r.id(), v, r.metadata())), "vector");
        assertNotEquals(
                digest,
                digestWith(
                        base,
                        17,
                        new VectorRecord(r.id(), r.vector(), Map.of("n", MetadataValue.of("17")))),
                "metadata value of another type");
        assertNotEquals(
                digest,
                ContentDigest.of(collection(FLAT, base.subList(0, 49), 50)),
                "a record less");
    }

    @Test
    void emptyCollectionIsAllZeros() {
        assertEquals("0".repeat(32), ContentDigest.of(collection(FLAT, List.of(), 1)));
    }

    private static String digestWith(List<VectorRecord> base, int i, VectorRecord replacement) {
        List<VectorRecord> changed = new ArrayList<>(base);
        changed.set(i, replacement);
        return ContentDigest.of(collection(FLAT, changed, 50));
    }

    private static VectorCollection collection(
            CollectionSpec spec, List<VectorRecord> records, int batch) {
        WritableDatabase db = new WritableDatabase();
        VectorCollection c = db.create(spec);
        for (int i = 0; i < records.size(); i += batch) {
            db.writer(spec.name()).upsert(records.subList(i, Math.min(records.size(), i + batch)));
        }
        return c;
    }

    private static List<VectorRecord> records(int n, Random rnd) {
        List<VectorRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[4];
            for (int d = 0; d < 4; d++) {
                v[d] = (float) rnd.nextGaussian();
            }
            out.add(
                    new VectorRecord(
                            "r" + i,
                            v,
                            Map.of(
                                    "n", MetadataValue.of((long) i),
                                    "tags", MetadataValue.of(List.of("a", "b" + (i % 3))))));
        }
        return out;
    }
}
