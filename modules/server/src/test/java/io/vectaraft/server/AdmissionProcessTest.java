package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.QueryBatchRequest;
import io.vectaraft.api.v1.QueryVector;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request that used to take the server down (issue 12): one 40 KB QueryBatch of 2,000 queries x
 * top_k 10,000 on a 10,000-record collection ran a 512 MB heap out of memory. Against a real server
 * process with a 256 MB heap and the default limits, it now gets a clear status, a burst of the
 * largest requests the limits allow is served or turned away, and the server stays up.
 */
class AdmissionProcessTest {
    private static final int DIMENSION = 4;
    private static final int RECORDS = 10_000;

    @Test
    void theQueryBatchAmplificationIsRefusedOnASmallHeapAndTheServerStaysUp(@TempDir Path dir)
            throws Exception {
        try (ChildServer server =
                ChildServer.start(
                        dir,
                        List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:stdout"),
                        "--no-wal")) {
            server.stub().createCollection(Protos.create("amp", DIMENSION, Metric.EUCLIDEAN));
            load(server);

            StatusRuntimeException e =
                    assertThrows(
                            StatusRuntimeException.class,
                            () -> server.stub().queryBatch(batch(2_000, 10_000)));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
            assertEquals(
                    "QueryBatch: 2000 queries x top_k 10000 = 20000000 results: expected at most"
                            + " 100000 per request (setting limits.max-results)",
                    e.getStatus().getDescription());

            int served = burstAtTheLimit(server, 8);
            assertTrue(served > 0, "some of the burst was served");
            assertTrue(server.alive(), "alive after the burst:\n" + server.tail());
            assertTrue(server.stub().ping(PingRequest.getDefaultInstance()).getUptimeMs() > 0);
        }
    }

    /** {@code n} concurrent batches of 10 x top_k 10,000 with metadata: 100,000 results each. */
    private static int burstAtTheLimit(ChildServer server, int n) throws Exception {
        QueryBatchRequest request = batch(10, 10_000).toBuilder().setIncludeMetadata(true).build();
        List<Future<Status>> calls = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                calls.add(
                        clients.submit(
                                () -> {
                                    try {
                                        int results =
                                                server.stub()
                                                        .withDeadlineAfter(120, TimeUnit.SECONDS)
                                                        .queryBatch(request)
                                                        .getResultsCount();
                                        assertEquals(10, results);
                                        return Status.OK;
                                    } catch (StatusRuntimeException e) {
                                        return e.getStatus();
                                    }
                                }));
            }
        }
        int served = 0;
        for (Future<Status> call : calls) {
            Status s = call.get();
            assertTrue(
                    s.isOk() || s.getCode() == Status.Code.RESOURCE_EXHAUSTED,
                    "served or turned away as busy, got " + s + "\n" + server.tail());
            served += s.isOk() ? 1 : 0;
        }
        return served;
    }

    private static void load(ChildServer server) {
        Random random = new Random(12);
        for (int start = 0; start < RECORDS; start += 1_000) {
            UpsertRequest.Builder b = UpsertRequest.newBuilder().setCollection("amp");
            for (int i = start; i < start + 1_000; i++) {
                Record.Builder r =
                        Record.newBuilder()
                                .setId("r" + i)
                                .putMetadata("n", Value.newBuilder().setIntValue(i).build());
                for (int d = 0; d < DIMENSION; d++) {
                    r.addValues(random.nextFloat());
                }
                b.addRecords(r);
            }
            server.stub().upsert(b.build());
        }
    }

    private static QueryBatchRequest batch(int queries, int topK) {
        Random random = new Random(queries);
        QueryBatchRequest.Builder b =
                QueryBatchRequest.newBuilder().setCollection("amp").setTopK(topK);
        for (int q = 0; q < queries; q++) {
            QueryVector.Builder v = QueryVector.newBuilder();
            for (int d = 0; d < DIMENSION; d++) {
                v.addValues(random.nextFloat());
            }
            b.addQueries(v);
        }
        return b.build();
    }
}
