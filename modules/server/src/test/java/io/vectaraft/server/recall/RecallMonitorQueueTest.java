package io.vectaraft.server.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Match;
import io.vectaraft.index.Metric;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.StorageEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The monitor's queue and staleness rules, on a collection in this JVM: the request side never
 * waits (a full queue drops), and a sample whose collection changed is discarded.
 */
class RecallMonitorQueueTest {
    private final StorageEngine engine = StorageEngine.inMemory();

    private VectorCollection collection() {
        VectorCollection c =
                engine.createCollection(
                                new CollectionSpec(
                                        "c", 2, Metric.EUCLIDEAN, IndexSpec.Hnsw.defaults()))
                        .collection();
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(new VectorRecord("r" + i, new float[] {i, 0}, Map.of()));
        }
        engine.upsert("c", records);
        return c;
    }

    private static List<Match> search(VectorCollection c, SearchRequest request) {
        return c.search(request).matches().getFirst();
    }

    @Test
    void aFullQueueDropsInsteadOfBlockingAndEverythingQueuedIsMeasured() throws Exception {
        VectorCollection c = collection();
        CountDownLatch workerBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (RecallMonitor monitor =
                new RecallMonitor(
                        1.0,
                        name -> Optional.of(c),
                        name -> {
                            workerBusy.countDown(); // the first sample parks the worker here
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        })) {
            SearchRequest request = SearchRequest.of(new float[] {0, 0}, 3);
            List<Match> results = search(c, request);
            assertTrue(monitor.sampled(c, false), "rate 1 samples every approximate search");
            assertFalse(monitor.sampled(c, true), "exact searches are never sampled");
            monitor.submit(c, request, c.writeCount(), results);
            workerBusy.await();
            int extra = 5;
            for (int i = 0; i < RecallMonitor.QUEUE_CAPACITY + extra; i++) {
                monitor.submit(c, request, c.writeCount(), results);
            }
            assertEquals(extra, monitor.droppedSamples(), "beyond the queue's capacity");
            assertFalse(monitor.awaitIdle(Duration.ZERO), "still busy");
            release.countDown();
            assertTrue(monitor.awaitIdle(Duration.ofSeconds(60)), "drained");
            RecallEstimate e = monitor.estimate("c");
            assertEquals(RecallMonitor.QUEUE_CAPACITY + 1, e.samples(), "all queued measured");
            assertEquals(1.0, e.recallAtK(), 0, "exact results of a small graph");
        }
    }

    @Test
    void aSampleWhoseCollectionChangedIsDiscarded() throws Exception {
        VectorCollection c = collection();
        try (RecallMonitor monitor = new RecallMonitor(1.0, name -> Optional.of(c), name -> {})) {
            SearchRequest request = SearchRequest.of(new float[] {0, 0}, 3);
            long writes = c.writeCount();
            List<Match> results = search(c, request);
            engine.delete("c", List.of("r0"));
            monitor.submit(c, request, writes, results);
            assertTrue(monitor.awaitIdle(Duration.ofSeconds(60)), "drained");
            assertEquals(1, monitor.staleSamples(), "stale");
            assertEquals(0, monitor.estimate("c").samples(), "not counted");
        }
    }

    @Test
    void flatCollectionsAndRateZeroAreNeverSampled() {
        VectorCollection flat =
                engine.createCollection(new CollectionSpec("f", 2, Metric.DOT, IndexSpec.flat()))
                        .collection();
        try (RecallMonitor monitor = new RecallMonitor(1.0, name -> Optional.of(flat), n -> {})) {
            assertFalse(monitor.sampled(flat, false), "flat");
        }
        VectorCollection c = collection();
        try (RecallMonitor off = RecallMonitor.disabled()) {
            assertFalse(off.sampled(c, false), "rate 0");
        }
    }
}
