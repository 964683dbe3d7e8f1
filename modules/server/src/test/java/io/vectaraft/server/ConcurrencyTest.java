package io.vectaraft.server;

import static io.vectaraft.server.Protos.num;
import static io.vectaraft.server.Protos.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.ScoredRecord;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers upsert whole batches while readers query and get, all over real sockets. Every record is
 * written as a vector whose components all equal its metadata {@code v}, and every batch writes the
 * same {@code v} into all of its records, so a reader can tell a torn record (mixed components, or
 * vector and metadata from different writes) and a half-visible batch.
 */
class ConcurrencyTest {
    private static final int DIM = 32;
    private static final int BATCH = 10;
    private static final int WRITERS = 4;
    private static final int READERS = 4;
    private static final int ROUNDS = 150;

    @Test
    void concurrentUpsertsAndQueriesSeeWholeRecordsAndWholeBatches(@TempDir Path dir)
            throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            VectorServiceBlockingStub setup = server.stub();
            setup.createCollection(Protos.create("conc", DIM, Metric.DOT));
            Queue<String> problems = new ConcurrentLinkedQueue<>();
            List<Future<?>> tasks = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS)) {
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    tasks.add(pool.submit(() -> write(server.stub(), writer)));
                }
                for (int r = 0; r < READERS; r++) {
                    tasks.add(pool.submit(() -> read(server.stub(), problems)));
                }
                for (Future<?> f : tasks) {
                    f.get(); // rethrows any RPC failure
                }
            }
            assertTrue(problems.isEmpty(), "torn reads: " + problems.stream().limit(5).toList());
            assertEquals(
                    WRITERS * BATCH,
                    setup.count(CountRequest.newBuilder().setCollection("conc").build()).getCount(),
                    "each writer replaces its own batch of ids");
        }
    }

    private static void write(VectorServiceBlockingStub stub, int writer) {
        for (int round = 1; round <= ROUNDS; round++) {
            int v = writer * 100_000 + round;
            UpsertRequest.Builder b = UpsertRequest.newBuilder().setCollection("conc");
            for (int i = 0; i < BATCH; i++) {
                float[] vector = new float[DIM];
                Arrays.fill(vector, v);
                b.addRecords(record("w" + writer + "-" + i, vector, Map.of("v", num(v))));
            }
            stub.upsert(b.build());
        }
    }

    private static void read(VectorServiceBlockingStub stub, Queue<String> problems) {
        float[] probe = new float[DIM];
        Arrays.fill(probe, 1f);
        for (int round = 0; round < ROUNDS; round++) {
            QueryRequest.Builder q =
                    QueryRequest.newBuilder()
                            .setCollection("conc")
                            .setTopK(WRITERS * BATCH)
                            .setIncludeValues(true)
                            .setIncludeMetadata(true);
            for (float f : probe) {
                q.addVector(f);
            }
            for (ScoredRecord m : stub.query(q.build()).getMatchesList()) {
                checkWhole(
                        m.getId(),
                        m.getValuesList(),
                        m.getMetadataOrThrow("v").getIntValue(),
                        problems);
            }
            int writer = round % WRITERS;
            List<Record> batch =
                    stub.get(
                                    GetRequest.newBuilder()
                                            .setCollection("conc")
                                            .addAllIds(
                                                    IntStream.range(0, BATCH)
                                                            .mapToObj(i -> "w" + writer + "-" + i)
                                                            .toList())
                                            .setIncludeValues(true)
                                            .setIncludeMetadata(true)
                                            .build())
                            .getRecordsList();
            if (!batch.isEmpty() && batch.size() != BATCH) {
                problems.add("batch of writer " + writer + " partly visible: " + batch.size());
            }
            long first =
                    batch.isEmpty() ? 0 : batch.getFirst().getMetadataOrThrow("v").getIntValue();
            for (Record r : batch) {
                long v = r.getMetadataOrThrow("v").getIntValue();
                checkWhole(r.getId(), r.getValuesList(), v, problems);
                if (v != first) {
                    problems.add(
                            "batch of writer " + writer + " mixes writes " + first + " and " + v);
                }
            }
        }
    }

    private static void checkWhole(String id, List<Float> values, long v, Queue<String> problems) {
        if (values.size() != DIM || values.stream().anyMatch(x -> x != (float) v)) {
            problems.add(id + ": vector does not match its metadata v=" + v);
        }
    }
}
