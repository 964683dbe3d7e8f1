package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.write.TestCollection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class VectorCollectionTest {

    private static TestCollection collection(int dim, Metric metric) {
        return TestCollection.of(new CollectionSpec("c", dim, metric, IndexSpec.flat()));
    }

    private static VectorRecord rec(String id, float... values) {
        return new VectorRecord(id, values, Map.of());
    }

    private static VectorRecord rec(String id, Map<String, MetadataValue> meta, float... values) {
        return new VectorRecord(id, values, meta);
    }

    private static List<String> ids(List<Match> matches) {
        return matches.stream().map(m -> m.record().id()).toList();
    }

    @Test
    void upsertReplacesVectorAndMetadataOfAnExistingId() {
        TestCollection c = collection(2, Metric.DOT);
        c.upsert(List.of(rec("a", Map.of("v", MetadataValue.of(1L)), 1, 0), rec("b", 0, 1)));
        c.upsert(List.of(rec("a", Map.of("w", MetadataValue.of("x")), 0, 5)));
        assertEquals(2, c.size(), "replacing keeps the count");
        VectorRecord a = c.get(List.of("a")).getFirst();
        assertArrayEquals(new float[] {0, 5}, a.vector(), "vector replaced");
        assertEquals(Map.of("w", MetadataValue.of("x")), a.metadata(), "metadata replaced");
        assertEquals(0, c.count(Filter.eq("v", MetadataValue.of(1L))), "old metadata gone");
        List<Match> top = c.search(SearchRequest.of(new float[] {0, 1}, 2));
        assertEquals(List.of("a", "b"), ids(top));
        assertEquals(5f, top.getFirst().score());
    }

    @Test
    void getReturnsRequestedOrderSkipsUnknownAndCopiesVectors() {
        TestCollection c = collection(2, Metric.EUCLIDEAN);
        c.upsert(List.of(rec("a", 1, 2), rec("b", 3, 4)));
        List<VectorRecord> got = c.get(List.of("b", "missing", "a"));
        assertEquals(List.of("b", "a"), got.stream().map(VectorRecord::id).toList());
        got.getFirst().vector()[0] = 99;
        assertArrayEquals(
                new float[] {3, 4},
                c.get(List.of("b")).getFirst().vector(),
                "mutating a returned vector must not change the stored one");
        Match m = c.search(SearchRequest.of(new float[] {3, 4}, 1)).getFirst();
        m.record().vector()[1] = 42;
        assertArrayEquals(new float[] {3, 4}, c.get(List.of("b")).getFirst().vector());
    }

    @Test
    void deleteRemovesRecordsAndCountsOnlyExistingOnes() {
        TestCollection c = collection(1, Metric.DOT);
        c.upsert(List.of(rec("a", 1), rec("b", 2), rec("c", 3)));
        assertEquals(2, c.delete(List.of("a", "c", "zz", "a")));
        assertEquals(1, c.size());
        assertEquals(List.of(), c.get(List.of("a", "c")));
        assertEquals(List.of("b"), ids(c.search(SearchRequest.of(new float[] {1}, 10))));
        // Freed slots are reused by new records without resurrecting old ones.
        c.upsert(List.of(rec("d", 4), rec("e", 5)));
        assertEquals(List.of("e", "d", "b"), ids(c.search(SearchRequest.of(new float[] {1}, 10))));
        assertEquals(List.of("b", "d", "e"), c.idsMatching(null));
    }

    @Test
    void deleteByFilterThroughIdsMatching() {
        TestCollection c = collection(1, Metric.DOT);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            records.add(rec("r" + i, Map.of("even", MetadataValue.of(i % 2 == 0)), i + 1));
        }
        c.upsert(records);
        Filter even = Filter.eq("even", MetadataValue.of(true));
        List<String> matching = c.idsMatching(even);
        assertEquals(25, matching.size());
        assertEquals(25, c.delete(matching));
        assertEquals(0, c.count(even));
        assertEquals(25, c.count(null));
        assertEquals(25, c.count(Filter.not(even)));
    }

    @Test
    void cosineStoresUnitVectorsAndScoresSimilarityDeterministically() {
        TestCollection c = collection(2, Metric.COSINE);
        c.upsert(List.of(rec("a", 3, 4), rec("b", -1, 0)));
        assertArrayEquals(new float[] {0.6f, 0.8f}, c.get(List.of("a")).getFirst().vector());
        List<Match> top = c.search(SearchRequest.of(new float[] {30, 40}, 2));
        assertEquals(List.of("a", "b"), ids(top));
        assertEquals(1f, top.get(0).score(), 1e-6f);
        assertEquals(-0.6f, top.get(1).score(), 1e-6f);
        TestCollection replay = collection(2, Metric.COSINE);
        replay.upsert(List.of(rec("a", 3, 4), rec("b", -1, 0)));
        assertEquals(c.get(List.of("a", "b")), replay.get(List.of("a", "b")), "bit-identical");
    }

    @Test
    void euclideanReportsDistanceNotSquareAndRanksAscending() {
        TestCollection c = collection(2, Metric.EUCLIDEAN);
        c.upsert(
                List.of(
                        rec("far", 6, 8),
                        rec("near", 0, 1),
                        rec("tie-b", 1, 0),
                        rec("tie-a", 0, -1)));
        List<Match> top = c.search(SearchRequest.of(new float[] {0, 0}, 4));
        assertEquals(List.of("near", "tie-a", "tie-b", "far"), ids(top), "ties by id ascending");
        assertEquals(10f, top.get(3).score());
    }

    @Test
    void filteredSearchReturnsOnlyMatchesAndFewerThanKWhenFewMatch() {
        TestCollection c = collection(1, Metric.DOT);
        c.upsert(
                List.of(
                        rec("a", Map.of("g", MetadataValue.of("x")), 1),
                        rec("b", Map.of("g", MetadataValue.of("y")), 2),
                        rec("c", Map.of("g", MetadataValue.of("x")), 3)));
        assertEquals(
                List.of("c", "a"),
                ids(
                        c.search(
                                SearchRequest.of(
                                        new float[] {1},
                                        10,
                                        Filter.eq("g", MetadataValue.of("x"))))));
    }

    @Test
    void scrollPagesCoverEveryRecordOnceInUtf8Order() {
        TestCollection c = collection(1, Metric.DOT);
        List<VectorRecord> records = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 57; i++) {
            String id = (i % 3 == 0 ? "\uD83D\uDE00" : i % 3 == 1 ? "\uFFFD" : "k") + i;
            records.add(rec(id, Map.of("i", MetadataValue.of((long) i)), i));
            expected.add(id);
        }
        c.upsert(records);
        expected.sort(Ids.UTF8_ORDER);
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Page page = c.scroll(null, after, 10);
            page.records().forEach(r -> seen.add(r.id()));
            after = page.lastId();
            pages++;
        } while (after != null);
        assertEquals(expected, seen);
        assertEquals(6, pages);
        Page exact = c.scroll(null, null, 57);
        assertEquals(57, exact.records().size());
        assertNull(exact.lastId(), "no record follows a page that took the rest");
        Filter small = new Filter.Condition("i", Filter.Op.LT, MetadataValue.of(10L), null);
        assertEquals(10, c.scroll(small, null, 100).records().size());
        assertNull(c.scroll(small, null, 10).lastId(), "no further match");
    }

    @Test
    void scrollStaysStableWhileRecordsAreAddedAndRemovedBetweenPages() {
        TestCollection c = collection(1, Metric.DOT);
        List<String> original = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            original.add(String.format("id%03d", i));
        }
        c.upsert(original.stream().map(id -> rec(id, 1)).toList());
        java.util.Set<String> deleted = new java.util.HashSet<>();
        List<String> seen = new ArrayList<>();
        String after = null;
        int round = 0;
        do {
            Page page = c.scroll(null, after, 7);
            page.records().forEach(r -> seen.add(r.id()));
            after = page.lastId();
            round++;
            // Between pages: delete one id behind the cursor and one ahead of it, and add ids
            // behind the cursor ("id000-...") and ahead of it ("id999-...").
            List<String> gone = List.of(original.get(round), original.get(99 - round));
            deleted.addAll(gone);
            c.delete(gone);
            c.upsert(List.of(rec("id000-new" + round, 0), rec("id999-new" + round, 0)));
        } while (after != null);
        for (String id : original) {
            if (!deleted.contains(id)) {
                assertEquals(
                        1,
                        seen.stream().filter(id::equals).count(),
                        id + " was present throughout, so it is seen exactly once");
            }
        }
        for (int r = 1; r <= round; r++) {
            assertEquals(
                    false, seen.contains("id000-new" + r), "added behind the cursor: not seen");
        }
        assertEquals(true, seen.contains("id999-new1"), "added ahead of the cursor: seen");
        assertEquals(seen.size(), seen.stream().distinct().count(), "no duplicates: " + seen);
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort(Ids.UTF8_ORDER);
        assertEquals(sorted, seen, "pages come in id order");
    }

    @Test
    void invalidRecordsRejectTheWholeBatchWithALocatedMessage() {
        TestCollection c = collection(3, Metric.COSINE);
        c.upsert(List.of(rec("keep", 1, 1, 1)));
        assertRejected(c, "records: expected at least one record, got none", List.of());
        assertRejected(
                c,
                "record[1] id \"a7\": expected dimension 3, got 2",
                List.of(rec("new", 1, 2, 3), rec("a7", 1, 2)));
        assertRejected(
                c,
                "record[1]: id: expected 1..256 UTF-8 bytes, got 0",
                List.of(rec("new", 1, 2, 3), rec("", 1, 2, 3)));
        assertRejected(
                c,
                "record[0]: id: expected 1..256 UTF-8 bytes, got 257",
                List.of(rec("x".repeat(257), 1, 2, 3)));
        assertRejected(
                c,
                "record[1] id \"n\": values[2]: expected a finite number, got NaN",
                List.of(rec("new", 1, 2, 3), rec("n", 1, 2, Float.NaN)));
        assertRejected(
                c,
                "record[0] id \"i\": values[0]: expected a finite number, got -Infinity",
                List.of(rec("i", Float.NEGATIVE_INFINITY, 2, 3)));
        assertRejected(
                c,
                "record[2] id \"d\": expected ids unique within a batch, got a duplicate of record[0]",
                List.of(rec("d", 1, 2, 3), rec("new", 1, 2, 3), rec("d", 3, 2, 1)));
        assertRejected(
                c,
                "record[1] id \"z\": expected a non-zero vector under COSINE, got all zeros",
                List.of(rec("new", 1, 2, 3), rec("z", 0, 0, 0)));
        assertRejected(
                c,
                "record[0] id \"m\": metadata key: expected a non-empty string, got \"\"",
                List.of(rec("m", Map.of("", MetadataValue.of(1L)), 1, 2, 3)));
        assertRejected(
                c,
                "record[0]: expected a record, got none",
                java.util.Arrays.asList((VectorRecord) null));
        // Zero vectors are fine under the other metrics.
        collection(2, Metric.DOT).upsert(List.of(rec("z", 0, 0)));
        collection(2, Metric.EUCLIDEAN).upsert(List.of(rec("z", 0, 0)));
    }

    private static void assertRejected(TestCollection c, String message, List<VectorRecord> batch) {
        List<VectorRecord> before = c.get(c.idsMatching(null));
        InvalidArgumentException e =
                assertThrows(InvalidArgumentException.class, () -> c.upsert(batch));
        assertEquals(message, e.getMessage());
        assertEquals(before, c.get(c.idsMatching(null)), "collection unchanged after: " + message);
    }

    @Test
    void queriesAreValidated() {
        TestCollection c = collection(3, Metric.COSINE);
        c.upsert(List.of(rec("a", 1, 2, 3)));
        assertQueryRejected(
                "query vector: expected dimension 3, got 2",
                () -> c.search(SearchRequest.of(new float[] {1, 2}, 1)));
        assertQueryRejected(
                "query vector: values[1]: expected a finite number, got Infinity",
                () -> c.search(SearchRequest.of(new float[] {1, Float.POSITIVE_INFINITY, 3}, 1)));
        assertQueryRejected(
                "query vector: expected a non-zero vector under COSINE, got all zeros",
                () -> c.search(SearchRequest.of(new float[] {0, 0, 0}, 1)));
        assertQueryRejected(
                "queries[1]: expected dimension 3, got 4",
                () ->
                        c.searchBatch(
                                List.of(new float[] {1, 2, 3}, new float[] {1, 2, 3, 4}), 1, null));
        assertQueryRejected(
                "queries: expected at least one query, got none",
                () -> c.searchBatch(List.of(), 1, null));
        assertQueryRejected(
                "top_k: expected 1..10000, got 0",
                () -> c.searchBatch(List.of(new float[] {1, 2, 3}), 0, null));
        assertQueryRejected(
                "top_k: expected 1..10000, got 10001",
                () -> SearchRequest.of(new float[] {1, 2, 3}, 10_001));
        assertQueryRejected(
                "limit: expected 0..10000, got 10001", () -> c.scroll(null, null, 10_001));
        assertQueryRejected("limit: expected 0..10000, got -1", () -> c.scroll(null, null, -1));
        assertEquals(
                ScrollRequest.DEFAULT_LIMIT,
                new ScrollRequest(null, null, 0, false).limit(),
                "limit 0 means the default page size");
    }

    private static void assertQueryRejected(String message, Runnable call) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call::run);
        assertEquals(message, e.getMessage());
    }

    @Test
    void searchOnEmptyCollectionReturnsNothing() {
        TestCollection c = collection(2, Metric.EUCLIDEAN);
        assertEquals(List.of(), c.search(SearchRequest.of(new float[] {1, 1}, 5)));
        c.upsert(List.of(rec("a", 1, 1)));
        c.delete(List.of("a"));
        assertEquals(List.of(), c.search(SearchRequest.of(new float[] {1, 1}, 5)));
        assertEquals(0, c.count(null));
        assertEquals(new Page(List.of(), null), c.scroll(null, null, 10));
    }

    @Test
    void forEachVisitsLiveRecordsInIdOrder() {
        TestCollection c = collection(1, Metric.DOT);
        c.upsert(List.of(rec("b", 2), rec("\uD83D\uDE00", 3), rec("\uFFFD", 4), rec("a", 1)));
        c.delete(List.of("a"));
        List<String> seen = new ArrayList<>();
        Consumer<VectorRecord> visitor = r -> seen.add(r.id());
        c.forEach(visitor);
        assertEquals(List.of("b", "\uFFFD", "\uD83D\uDE00"), seen);
    }

    @Test
    void vectorsSpanningManyChunksKeepTheirRows() {
        // Dimension 65536 gives 16 rows per chunk: 40 records span three chunks.
        int dim = CollectionSpec.MAX_DIMENSION;
        TestCollection c = collection(dim, Metric.DOT);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            float[] v = new float[dim];
            java.util.Arrays.fill(v, i);
            records.add(rec("r" + i, v));
        }
        c.upsert(records);
        for (int i = 0; i < 40; i++) {
            float[] v = c.get(List.of("r" + i)).getFirst().vector();
            assertEquals(i, v[0], "first component of r" + i);
            assertEquals(i, v[dim - 1], "last component of r" + i);
        }
        float[] q = new float[dim];
        q[dim - 1] = 1;
        assertEquals("r39", c.search(SearchRequest.of(q, 1)).getFirst().record().id());
    }

    @Test
    void repeatedFilterSeesEveryWriteInBetween() {
        TestCollection c = collection(1, Metric.DOT);
        Filter red = Filter.eq("color", MetadataValue.of("red"));
        c.upsert(List.of(rec("a", Map.of("color", MetadataValue.of("red")), 1)));
        assertEquals(List.of("a"), ids(c.search(SearchRequest.of(new float[] {1}, 5, red))));
        c.upsert(List.of(rec("b", Map.of("color", MetadataValue.of("red")), 2)));
        assertEquals(List.of("b", "a"), ids(c.search(SearchRequest.of(new float[] {1}, 5, red))));
        c.upsert(List.of(rec("b", Map.of("color", MetadataValue.of("blue")), 2)));
        assertEquals(1, c.count(red), "a replaced record's new metadata counts");
        c.delete(List.of("a"));
        assertEquals(List.of(), c.search(SearchRequest.of(new float[] {1}, 5, red)));
    }

    @Test
    void statsReportCountsAndSizes() {
        TestCollection c = collection(4, Metric.DOT);
        c.upsert(List.of(rec("a", 1, 2, 3, 4), rec("b", 1, 2, 3, 4), rec("c", 1, 2, 3, 4)));
        c.delete(List.of("b"));
        IndexStats stats = c.stats();
        assertEquals(2, stats.count());
        assertEquals(0, stats.tombstones(), "a flat index reuses freed slots: no tombstones");
        assertEquals(true, stats.vectorBytes() >= 3 * 4 * 4, "at least the rows written");
        assertEquals(0, stats.graphNodes());
        c.upsert(List.of(rec("d", 1, 1, 1, 1)));
        assertEquals(stats.vectorBytes(), c.stats().vectorBytes(), "the freed slot was reused");
    }

    @Test
    void valuesLeftOutAreNotCopied() {
        TestCollection c = collection(2, Metric.EUCLIDEAN);
        c.upsert(List.of(rec("a", Map.of("k", MetadataValue.of(1L)), 1, 2), rec("b", 3, 4)));
        VectorCollection view = c.view();
        SearchResults found =
                view.search(
                        new SearchRequest(
                                List.of(new float[] {1, 2}, new float[] {3, 4}),
                                2,
                                null,
                                0,
                                false,
                                false));
        for (List<Match> matches : found.matches()) {
            assertEquals(2, matches.size(), "both records found");
            for (Match m : matches) {
                assertEquals(0, m.record().vector().length, "no vector for " + m.record().id());
            }
        }
        assertEquals(
                Map.of("k", MetadataValue.of(1L)),
                found.matches().getFirst().getFirst().record().metadata(),
                "metadata still carried");
        assertEquals(0, view.get(List.of("a"), false).getFirst().vector().length, "get");
        assertEquals(
                0,
                view.scroll(new ScrollRequest(null, null, 1, false))
                        .records()
                        .getFirst()
                        .vector()
                        .length,
                "scroll");
        assertArrayEquals(
                new float[] {1, 2},
                view.get(List.of("a"), true).getFirst().vector(),
                "values included when asked");
    }
}
