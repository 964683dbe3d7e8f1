package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.write.WritableDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseTest {
    private static final CollectionSpec SPEC =
            new CollectionSpec("docs", 4, Metric.COSINE, IndexSpec.flat());

    @Test
    void createIsIdempotentForTheSameParameters() {
        WritableDatabase db = new WritableDatabase();
        VectorCollection first = db.create(SPEC);
        db.writer("docs")
                .upsert(List.of(new VectorRecord("a", new float[] {1, 0, 0, 0}, Map.of())));
        VectorCollection again =
                db.create(new CollectionSpec("docs", 4, Metric.COSINE, IndexSpec.flat()));
        assertSame(first, again, "same parameters return the existing collection");
        assertEquals(1, again.size(), "records are kept");
    }

    @Test
    void createWithOtherParametersConflicts() {
        WritableDatabase db = new WritableDatabase();
        db.create(SPEC);
        CollectionConflictException e =
                assertThrows(
                        CollectionConflictException.class,
                        () ->
                                db.create(
                                        new CollectionSpec(
                                                "docs", 8, Metric.COSINE, IndexSpec.flat())));
        assertEquals(
                "collection \"docs\" already exists with dimension 4, metric COSINE, index Flat[],"
                        + " requested dimension 8, metric COSINE, index Flat[]",
                e.getMessage());
        assertThrows(
                CollectionConflictException.class,
                () -> db.create(new CollectionSpec("docs", 4, Metric.DOT, IndexSpec.flat())));
    }

    @Test
    void dropRemovesAndUnknownNamesAreNotFound() {
        WritableDatabase db = new WritableDatabase();
        db.create(SPEC);
        db.create(new CollectionSpec("alpha", 2, Metric.DOT, IndexSpec.flat()));
        assertEquals(
                List.of("alpha", "docs"),
                db.list().stream().map(c -> c.spec().name()).toList(),
                "listed by name");
        db.drop("docs");
        assertTrue(db.find("docs").isEmpty());
        CollectionNotFoundException get =
                assertThrows(CollectionNotFoundException.class, () -> db.get("docs"));
        assertEquals("collection \"docs\" does not exist", get.getMessage());
        assertThrows(CollectionNotFoundException.class, () -> db.drop("docs"));
        assertEquals(0, db.create(SPEC).size(), "re-created empty after a drop");
    }

    @Test
    void concurrentCreatesOfOneNameYieldOneCollection() throws Exception {
        WritableDatabase db = new WritableDatabase();
        int threads = 8;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<VectorCollection>> created = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                created.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    return db.create(
                                            new CollectionSpec(
                                                    "docs", 4, Metric.COSINE, IndexSpec.flat()));
                                }));
            }
            start.countDown();
            VectorCollection first = created.getFirst().get();
            for (var f : created) {
                assertSame(first, f.get(), "every create returns the one collection");
            }
        }
        assertEquals(1, db.list().size());
    }
}
