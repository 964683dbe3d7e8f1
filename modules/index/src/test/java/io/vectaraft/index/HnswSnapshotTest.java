package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.write.TestCollection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A graph written with the records (as a snapshot does) and loaded after restoring them gives the
 * same search results without a rebuild.
 */
class HnswSnapshotTest {
    private static final int DIM = 16;
    private static final CollectionSpec SPEC =
            new CollectionSpec("h", DIM, Metric.COSINE, IndexSpec.Hnsw.defaults());

    private static TestCollection original(long seed, boolean withTombstones) {
        TestCollection c = TestCollection.of(SPEC);
        List<float[]> data = SyntheticData.mixture(seed, new Random(seed), 3000, DIM, 10);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            records.add(new VectorRecord("r" + i, data.get(i), Map.of()));
        }
        c.upsert(records);
        if (!withTombstones) {
            return c;
        }
        // Replace and delete some, so the graph holds tombstones the image must leave out.
        c.upsert(
                records.subList(0, 300).stream()
                        .map(
                                r ->
                                        new VectorRecord(
                                                r.id(),
                                                data.get(2999 - records.indexOf(r)),
                                                Map.of()))
                        .toList());
        c.delete(records.subList(300, 700).stream().map(VectorRecord::id).toList());
        return c;
    }

    private static byte[] image(TestCollection c) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        c.writeIndexImage(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    /** Restores the records in id order in batches, as recovery does. */
    private static TestCollection restored(TestCollection from) {
        TestCollection c = TestCollection.of(SPEC);
        List<VectorRecord> batch = new ArrayList<>();
        from.forEach(
                r -> {
                    batch.add(r);
                    if (batch.size() == 1000) {
                        c.restore(batch);
                        batch.clear();
                    }
                });
        if (!batch.isEmpty()) {
            c.restore(batch);
        }
        return c;
    }

    @Test
    void graphRoundTripGivesIdenticalResultsWithoutRebuilding() throws IOException {
        long seed = TestSeeds.seed();
        TestCollection before = original(seed, false);
        TestCollection after = restored(before);
        assertEquals(before.size(), after.stats().graphPending(), "restored, not yet linked");
        assertTrue(
                after.readIndexImage(new DataInputStream(new ByteArrayInputStream(image(before)))),
                "the image fits");
        IndexStats loaded = after.stats();
        assertEquals(before.size(), loaded.graphNodes(), "every live record is a node");
        assertEquals(before.stats().graphLevels(), loaded.graphLevels());
        after.finishRestore();
        assertEquals(0, after.stats().graphPending());
        assertEquals(before.size(), after.stats().graphNodes(), "nothing was re-linked");
        for (float[] q : SyntheticData.mixture(seed, new Random(seed + 1), 50, DIM, 10)) {
            MatchAssert.assertSameMatches(
                    before.search(SearchRequest.of(q, 10)),
                    after.search(SearchRequest.of(q, 10)),
                    "same results after the round trip " + TestSeeds.describe(seed));
        }
        assertEquals(
                Arrays.toString(image(before)).hashCode(),
                Arrays.toString(image(after)).hashCode(),
                "the loaded graph writes the same image");
    }

    @Test
    void tombstonesAreLeftOutAndRecallHolds() throws IOException {
        long seed = TestSeeds.seed();
        TestCollection before = original(seed, true);
        assertTrue(before.stats().tombstones() > 0, "the image must skip tombstones");
        TestCollection after = restored(before);
        assertTrue(
                after.readIndexImage(new DataInputStream(new ByteArrayInputStream(image(before)))));
        after.finishRestore();
        assertEquals(
                before.size(), after.stats().graphNodes(), "live records only, none re-linked");
        assertEquals(0, after.stats().tombstones());
        double hits = 0;
        List<float[]> queries = SyntheticData.mixture(seed, new Random(seed + 2), 50, DIM, 10);
        for (float[] q : queries) {
            List<String> exact =
                    after.search(new SearchRequest(List.of(q), 10, null, 0, true, true)).stream()
                            .map(m -> m.record().id())
                            .toList();
            hits +=
                    after.search(SearchRequest.of(q, 10)).stream()
                            .filter(m -> exact.contains(m.record().id()))
                            .count();
        }
        double recall = hits / (10.0 * queries.size());
        assertTrue(
                recall >= 0.95,
                "recall after a round trip " + recall + " " + TestSeeds.describe(seed));
    }

    @Test
    void anImageOfOtherRecordsIsRefusedAndTheGraphIsBuiltInstead() throws IOException {
        long seed = TestSeeds.seed();
        TestCollection before = original(seed, false);
        byte[] image = image(before);
        before.delete(List.of("r900"));
        TestCollection after = restored(before);
        assertFalse(
                after.readIndexImage(new DataInputStream(new ByteArrayInputStream(image))),
                "one record fewer: the image does not fit");
        after.finishRestore();
        assertEquals(before.size(), after.stats().graphNodes(), "linked anew");
    }

    @Test
    void aTruncatedImageLoadsNothing() throws IOException {
        long seed = TestSeeds.seed();
        TestCollection before = original(seed, false);
        byte[] image = image(before);
        TestCollection after = restored(before);
        byte[] cut = Arrays.copyOf(image, image.length / 2);
        assertThrows(
                IOException.class,
                () -> after.readIndexImage(new DataInputStream(new ByteArrayInputStream(cut))));
        assertEquals(0, after.stats().graphNodes(), "nothing loaded");
        after.finishRestore();
        assertEquals(before.size(), after.stats().graphNodes());
    }
}
