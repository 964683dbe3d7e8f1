package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.DeleteCollectionRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.UpsertRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server process with a 128 MiB heap and the default limit, filled with vectors: it refuses
 * further upserts with RESOURCE_EXHAUSTED naming the heap limit instead of collecting itself to a
 * standstill or running out of memory, keeps answering reads, and after a DeleteCollection accepts
 * about as much data again.
 */
class WriteHeapLimitProcessTest {
    private static final int DIMENSION = 256;
    private static final int BATCH = 500;

    /** Twice what the whole heap holds: the limit must refuse long before. */
    private static final int MAX_BATCHES = 2 * (128 << 20) / (BATCH * DIMENSION * Float.BYTES);

    /** Retries of a refused write after the delete, each of them a request the server parses. */
    private static final int MAX_RETRIES = 2_000;

    private static final Pattern REFUSAL =
            Pattern.compile(
                    "heap \\d+% full after the last garbage collection \\(limit 90%, setting"
                            + " limits\\.write-heap-percent\\): writes that add data are refused"
                            + " until memory is freed; delete records or collections, use"
                            + " quantization or on_disk vectors, or give the server a larger heap"
                            + " \\(-Xmx\\)");

    private final Random random = new Random(7);

    @Test
    void aFullHeapRefusesWritesServesReadsAndAcceptsAsMuchAgainAfterADelete(@TempDir Path dir)
            throws Exception {
        try (ChildServer server =
                ChildServer.start(
                        dir,
                        List.of(
                                "-Xmx128m",
                                "-XX:+UseG1GC",
                                "-XX:+ExitOnOutOfMemoryError",
                                "-Xlog:gc:stdout"),
                        "--no-wal")) {
            server.stub().createCollection(Protos.create("fill", DIMENSION, Metric.EUCLIDEAN));
            int filled = fillUntilRefused(server, "fill");
            assertTrue(filled > 0, "some batches fit before the limit:\n" + server.tail());

            assertTrue(server.stub().ping(PingRequest.getDefaultInstance()).getUptimeMs() > 0);
            assertEquals(
                    5,
                    server.stub()
                            .query(
                                    QueryRequest.newBuilder()
                                            .setCollection("fill")
                                            .setPackedVector(Protos.packed(vector()))
                                            .setTopK(5)
                                            .build())
                            .getMatchesCount(),
                    "queries are answered while writes are refused");
            // A collection between two reads may have found garbage and let a write or two in:
            // fill again, so that writes are refused right before the delete.
            filled += fillUntilRefused(server, "fill");
            assertEquals(
                    (long) filled * BATCH,
                    count(server, "fill"),
                    "every accepted batch is stored, nothing of the refused ones");

            server.stub()
                    .deleteCollection(DeleteCollectionRequest.newBuilder().setName("fill").build());
            // The deleted vectors are garbage until a collection finds them. Every retry is a
            // request the server parses; the young collections that allocation brings start the
            // concurrent cycle (the old generation is far above G1's initiating occupancy) whose
            // Remark frees them. A client retrying a RESOURCE_EXHAUSTED does the same.
            int retries = 0;
            Status created;
            while (!(created = createCollection(server, "again")).isOk()) {
                assertRefused(created, server);
                assertTrue(++retries < MAX_RETRIES, "still refused:\n" + server.tail());
            }
            // One write accepted does not mean the memory was found: the heap in use can dip
            // below the limit after a young collection while the reading after the last one is
            // still above it. Retry refusals, as a client would, until about as much is stored.
            int refilled = 0;
            while (refilled < filled * 3 / 4) {
                Status s = upsert(server, "again");
                if (s.isOk()) {
                    refilled++;
                } else {
                    assertRefused(s, server);
                    assertTrue(
                            ++retries < MAX_RETRIES,
                            "after the delete the heap took "
                                    + refilled
                                    + " batches, before "
                                    + filled
                                    + "\n"
                                    + server.tail());
                }
            }
            assertEquals((long) refilled * BATCH, count(server, "again"));
            assertTrue(server.alive(), "alive at the end:\n" + server.tail());
            assertFalse(server.tail().contains("OutOfMemoryError"), server.tail());
        }
    }

    /**
     * Upserts new batches until the first refusal, which must be the heap's; any other failure
     * (DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE of a dead server) fails the test.
     *
     * @return the batches accepted
     */
    private int fillUntilRefused(ChildServer server, String collection) {
        int accepted = 0;
        Status s;
        while ((s = upsert(server, collection)).isOk()) {
            assertTrue(++accepted < MAX_BATCHES, "never refused:\n" + server.tail());
        }
        assertRefused(s, server);
        assertTrue(server.alive(), "alive while refusing:\n" + server.tail());
        return accepted;
    }

    private static void assertRefused(Status s, ChildServer server) {
        if (s.getCode() != Status.Code.RESOURCE_EXHAUSTED
                || !REFUSAL.matcher(String.valueOf(s.getDescription())).matches()) {
            fail("expected RESOURCE_EXHAUSTED for the full heap, got " + s + "\n" + server.tail());
        }
    }

    private int batches;

    private Status upsert(ChildServer server, String collection) {
        UpsertRequest.Builder b = UpsertRequest.newBuilder().setCollection(collection);
        int batch = batches++;
        for (int i = 0; i < BATCH; i++) {
            b.addRecords(
                    Record.newBuilder()
                            .setId("b" + batch + "-" + i)
                            .setPackedValues(Protos.packed(vector())));
        }
        return status(() -> server.stub().upsert(b.build()));
    }

    private static Status createCollection(ChildServer server, String name) {
        return status(
                () ->
                        server.stub()
                                .createCollection(
                                        Protos.create(name, DIMENSION, Metric.EUCLIDEAN)));
    }

    private static long count(ChildServer server, String collection) {
        return server.stub()
                .count(CountRequest.newBuilder().setCollection(collection).build())
                .getCount();
    }

    private static Status status(Runnable call) {
        try {
            call.run();
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    private float[] vector() {
        float[] v = new float[DIMENSION];
        for (int d = 0; d < DIMENSION; d++) {
            v[d] = random.nextFloat();
        }
        return v;
    }
}
