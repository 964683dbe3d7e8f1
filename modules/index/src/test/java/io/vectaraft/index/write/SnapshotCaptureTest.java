package io.vectaraft.index.write;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Metric;
import io.vectaraft.index.VectorRecord;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A snapshot copies a collection under its read lock and writes it after: a writer is not held up
 * while the snapshot's visitor (which writes the file) runs, and the snapshot still holds exactly
 * the records of the moment it was copied (ADR 0012).
 */
class SnapshotCaptureTest {
    private static final CollectionSpec SPEC =
            new CollectionSpec("s", 4, Metric.EUCLIDEAN, new IndexSpec.Hnsw(8, 32, 32));

    private static VectorRecord record(String id, float x) {
        return new VectorRecord(id, new float[] {x, 1, 2, 3}, Map.of());
    }

    @Test
    void aWriterCompletesWhileTheSnapshotWritesItsRecords() throws Exception {
        TestCollection c = TestCollection.of(SPEC);
        c.upsert(List.of(record("a", 0), record("b", 1), record("c", 2)));
        List<String> visited = new ArrayList<>();
        List<Boolean> writerDone = new ArrayList<>();
        c.imageIO()
                .forEachThenImage(
                        r -> {
                            if (visited.isEmpty()) {
                                // The snapshot is writing its file: a writer must get through now
                                // (it waited for the whole file while the read lock was held).
                                CompletableFuture<Void> write =
                                        CompletableFuture.runAsync(
                                                () -> c.writer().upsert(List.of(record("d", 3))));
                                try {
                                    write.get(30, TimeUnit.SECONDS);
                                    writerDone.add(true);
                                } catch (Exception e) {
                                    writerDone.add(false);
                                }
                            }
                            visited.add(r.id());
                        },
                        new DataOutputStream(new ByteArrayOutputStream()));
        assertEquals(List.of(true), writerDone, "the upsert completed during the snapshot's write");
        assertEquals(List.of("a", "b", "c"), visited, "the snapshot holds the copied records only");
        assertEquals(1, c.view().get(List.of("d"), false).size(), "the upsert was applied");
    }
}
