package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vectaraft.index.write.TestCollection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link io.vectaraft.index.write.CollectionImageIO#restore}: the bulk restore path gives what the
 * general path gives, and reports a bad record as an upsert does.
 */
class RestoreInIdOrderTest {
    private static final CollectionSpec SPEC =
            new CollectionSpec("c", 3, Metric.EUCLIDEAN, IndexSpec.flat());

    private static VectorRecord rec(String id, float x) {
        return new VectorRecord(id, new float[] {x, 1, 2}, Map.of("x", MetadataValue.of(1)));
    }

    private static List<String> ids(TestCollection c) {
        List<String> out = new ArrayList<>();
        c.forEach(r -> out.add(r.id()));
        return out;
    }

    @Test
    void batchesInIdOrderThenOthersKeepOneIdOrder() {
        TestCollection c = TestCollection.of(SPEC);
        c.restore(List.of(rec("a", 1), rec("b", 2), rec("c", 3)));
        c.restore(List.of(rec("d", 4), rec("é", 5))); // UTF-8 order: "é" after "d"
        // Not in order, overlapping, replacing: the general path.
        c.restore(List.of(rec("ca", 6), rec("b", 7)));
        c.finishRestore();
        assertEquals(List.of("a", "b", "c", "ca", "d", "é"), ids(c));
        assertArrayEquals(new float[] {7, 1, 2}, c.get(List.of("b")).getFirst().vector());
        c.upsert(List.of(rec("bb", 8)));
        c.delete(List.of("c"));
        assertEquals(List.of("a", "b", "bb", "ca", "d", "é"), ids(c));
        assertEquals("bb", c.scroll(null, "b", 1).records().getFirst().id());
        assertEquals(6, c.size());
    }

    @Test
    void idOrderIsBuiltOnFirstReadWithoutFinishRestore() {
        TestCollection c = TestCollection.of(SPEC);
        List<VectorRecord> batch = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            batch.add(rec(String.format("id%05d", i), i));
        }
        c.restore(batch);
        assertEquals("id00000", ids(c).getFirst());
        assertEquals(3000, ids(c).size());
        assertEquals("id02999", ids(c).getLast());
    }

    @Test
    void badRecordIsReportedAsAnUpsertReportsIt() {
        TestCollection c = TestCollection.of(SPEC);
        List<VectorRecord> bad =
                List.of(rec("a", 1), new VectorRecord("b", new float[] {1, 2}, Map.of()));
        String expected =
                assertThrows(InvalidArgumentException.class, () -> c.prepareUpsert(bad))
                        .getMessage();
        assertEquals("record[1] id \"b\": expected dimension 3, got 2", expected);
        InvalidArgumentException e =
                assertThrows(InvalidArgumentException.class, () -> c.restore(bad));
        assertEquals(expected, e.getMessage());
        assertEquals(0, c.size(), "nothing half-applied");
    }
}
