package io.vectaraft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Metric;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.log.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HNSW graph linking is off the log's path: with graph maintenance held back, writes are logged,
 * applied and acknowledged, found by searches, and survive a snapshot and a restart; released, the
 * maintenance links them all.
 */
class GraphOffAppendPathTest {
    private static final int DIM = 8;

    @org.junit.jupiter.api.io.TempDir Path dir;

    private StorageOptions options(FsyncPolicy policy) {
        return new StorageOptions(
                dir.resolve("wal.jsonl"),
                dir.resolve("snapshots"),
                policy,
                Duration.ofMillis(5),
                256L << 20,
                StorageOptions.RecoveryMode.STRICT);
    }

    private static boolean found(VectorCollection c, VectorRecord r) {
        return c.search(SearchRequest.of(r.vector(), 10)).matches().getFirst().stream()
                .anyMatch(m -> m.record().id().equals(r.id()));
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void writesAreAcknowledgedAndFoundWhileGraphMaintenanceIsHeld(FsyncPolicy policy)
            throws Exception {
        ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
        Executor holding = held::add;
        CollectionSpec spec =
                new CollectionSpec("h", DIM, Metric.COSINE, new IndexSpec.Hnsw(8, 32, 16));
        Random rnd = new Random(11);
        List<VectorRecord> written = new ArrayList<>();
        try (StorageEngine s = StorageEngine.openWithMaintenance(options(policy), holding)) {
            s.createCollection(spec);
            for (int b = 0; b < 30; b++) {
                List<VectorRecord> batch = Fixtures.records(rnd, "b" + b + "-", 50, DIM);
                assertEquals(50, s.upsert("h", batch).count());
                written.addAll(batch);
            }
            VectorCollection c = s.database().get("h");
            assertEquals(1500, c.stats().graphPending(), "acknowledged, none linked yet");
            assertEquals(0, c.stats().graphNodes());
            for (VectorRecord r : written.subList(0, 100)) {
                assertTrue(found(c, r), r.id() + " found before it is linked");
            }
            s.snapshot(); // the graph image is empty; the records are all there

            for (Runnable task = held.poll(); task != null; task = held.poll()) {
                task.run();
            }
            s.awaitGraphs();
            assertEquals(0, c.stats().graphPending(), "linked once released");
            assertEquals(1500, c.stats().graphNodes());
        }
        try (StorageEngine again = StorageEngine.open(options(policy))) {
            again.awaitGraphs();
            VectorCollection c = again.database().get("h");
            assertEquals(1500, c.size(), "every acknowledged record after a restart");
            assertEquals(0, c.stats().graphPending());
            for (VectorRecord r : written.subList(1400, 1500)) {
                assertTrue(found(c, r), r.id() + " found after the restart");
            }
        }
    }
}
