package io.vectaraft.server;

import static io.vectaraft.server.Protos.cond;
import static io.vectaraft.server.Protos.num;
import static io.vectaraft.server.Protos.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.api.v1.CollectionInfo;
import io.vectaraft.api.v1.Condition;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.Filter;
import io.vectaraft.api.v1.HnswIndex;
import io.vectaraft.api.v1.IndexSpec;
import io.vectaraft.api.v1.ListCollectionsRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryBatchRequest;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryResponse;
import io.vectaraft.api.v1.QueryVector;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.ScoredRecord;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * HNSW collections end to end over a real socket: create (defaults, parameters), upsert, query
 * (approximate, exact, filtered, batched), delete and replace, and the index state Describe shows.
 * Each test uses its own collections.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HnswServiceTest {
    static final int DIM = 16;
    static final int N = 3000;
    static final long SEED = 20261125L;

    private TestServer server;
    private VectorServiceBlockingStub stub;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir, "--recall-sample-rate", "0");
        stub = server.stub();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static CreateCollectionRequest hnsw(
            String name, int dim, Metric metric, int m, int efConstruction, int efSearch) {
        return Protos.create(name, dim, metric).toBuilder()
                .setIndex(
                        IndexSpec.newBuilder()
                                .setHnsw(
                                        HnswIndex.newBuilder()
                                                .setM(m)
                                                .setEfConstruction(efConstruction)
                                                .setEfSearch(efSearch)))
                .build();
    }

    /** Seeded vectors; metadata {@code bucket} = i % 100 (1% each), {@code half} = i % 2. */
    static List<Record> data(int n, int dim, long seed) {
        Random random = new Random(seed);
        List<Record> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(
                    record(
                            "v" + i,
                            vector(random, dim),
                            Map.of("bucket", num(i % 100), "half", num(i % 2))));
        }
        return out;
    }

    static float[] vector(Random random, int dim) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    static void upsertAll(VectorServiceBlockingStub stub, String collection, List<Record> records) {
        for (int from = 0; from < records.size(); from += 500) {
            stub.upsert(
                    UpsertRequest.newBuilder()
                            .setCollection(collection)
                            .addAllRecords(
                                    records.subList(from, Math.min(records.size(), from + 500)))
                            .build());
        }
    }

    static QueryRequest.Builder query(String collection, float[] v, int k) {
        QueryRequest.Builder b = QueryRequest.newBuilder().setCollection(collection).setTopK(k);
        for (float x : v) {
            b.addVector(x);
        }
        return b;
    }

    static QueryVector queryVector(float[] v) {
        QueryVector.Builder b = QueryVector.newBuilder();
        for (float x : v) {
            b.addValues(x);
        }
        return b.build();
    }

    static List<String> ids(QueryResponse r) {
        return r.getMatchesList().stream().map(ScoredRecord::getId).toList();
    }

    CollectionInfo describe(String name) {
        return stub.describeCollection(
                DescribeCollectionRequest.newBuilder().setName(name).build());
    }

    @Test
    void zeroParametersTakeTheDefaultsAndDescribeShowsThem() {
        CollectionInfo created = stub.createCollection(hnsw("defaults", 4, Metric.DOT, 0, 0, 0));
        HnswIndex h = created.getIndex().getHnsw();
        assertEquals(16, h.getM(), "m");
        assertEquals(200, h.getEfConstruction(), "ef_construction");
        assertEquals(64, h.getEfSearch(), "ef_search");
        assertEquals(created, describe("defaults"), "Describe equals what Create returned");
        assertTrue(
                stub.listCollections(ListCollectionsRequest.getDefaultInstance())
                        .getCollectionsList()
                        .contains(created),
                "List shows the HNSW collection with its parameters");
    }

    @Test
    void approximateResultsAreCloseToExactAndExactEqualsAFlatCollection() {
        List<Record> records = data(N, DIM, SEED);
        stub.createCollection(hnsw("approx", DIM, Metric.EUCLIDEAN, 8, 64, 32));
        stub.createCollection(Protos.create("approxflat", DIM, Metric.EUCLIDEAN));
        upsertAll(stub, "approx", records);
        server.awaitGraphs();
        upsertAll(stub, "approxflat", records);
        server.awaitGraphs();

        Random random = new Random(SEED + 1);
        int hits = 0;
        int total = 0;
        QueryBatchRequest.Builder exactBatch =
                QueryBatchRequest.newBuilder().setCollection("approx").setTopK(10).setExact(true);
        List<float[]> queries = new ArrayList<>();
        for (int q = 0; q < 20; q++) {
            float[] v = vector(random, DIM);
            queries.add(v);
            exactBatch.addQueries(queryVector(v));
            QueryResponse flat = stub.query(query("approxflat", v, 10).build());
            QueryResponse exact = stub.query(query("approx", v, 10).setExact(true).build());
            assertEquals(flat.getMatchesList(), exact.getMatchesList(), "exact=true equals flat");
            List<String> approx = ids(stub.query(query("approx", v, 10).build()));
            assertEquals(10, approx.size(), "k results");
            hits += (int) ids(flat).stream().filter(approx::contains).count();
            total += 10;
        }
        double recall = (double) hits / total;
        assertTrue(recall >= 0.9, "recall@10 at ef 32 on 3000 x 16: " + recall);

        // The batch kernel sums in another order than the single-query one: same ids, scores
        // equal up to rounding.
        List<QueryResponse> batch = stub.queryBatch(exactBatch.build()).getResultsList();
        for (int q = 0; q < queries.size(); q++) {
            QueryResponse flat = stub.query(query("approxflat", queries.get(q), 10).build());
            assertEquals(
                    ids(flat), ids(batch.get(q)), "QueryBatch exact=true equals flat, query " + q);
            for (int i = 0; i < 10; i++) {
                assertEquals(
                        flat.getMatches(i).getScore(),
                        batch.get(q).getMatches(i).getScore(),
                        1e-5f,
                        "score, query " + q + " rank " + i);
            }
        }
    }

    @Test
    void efReachesTheSearchInQueryAndQueryBatch() {
        // A sparse graph (m=2, small beams) so that ef visibly changes the results.
        List<Record> records = data(2000, 32, SEED + 2);
        stub.createCollection(hnsw("sparse", 32, Metric.EUCLIDEAN, 2, 8, 10));
        upsertAll(stub, "sparse", records);
        server.awaitGraphs();
        Random random = new Random(SEED + 3);
        int[] efs = {10, 1000};
        int[] hits = new int[efs.length];
        for (int q = 0; q < 20; q++) {
            float[] v = vector(random, 32);
            List<String> exact = ids(stub.query(query("sparse", v, 10).setExact(true).build()));
            for (int e = 0; e < efs.length; e++) {
                QueryResponse single = stub.query(query("sparse", v, 10).setEf(efs[e]).build());
                QueryResponse batched =
                        stub.queryBatch(
                                        QueryBatchRequest.newBuilder()
                                                .setCollection("sparse")
                                                .setTopK(10)
                                                .setEf(efs[e])
                                                .addQueries(queryVector(v))
                                                .build())
                                .getResults(0);
                assertEquals(ids(single), ids(batched), "Query and QueryBatch at ef " + efs[e]);
                hits[e] += (int) exact.stream().filter(ids(single)::contains).count();
            }
        }
        assertTrue(hits[0] < 200, "ef 10 on a sparse graph misses some: " + hits[0] + "/200");
        assertTrue(
                hits[1] > hits[0],
                "ef 1000 finds more than ef 10: " + hits[1] + " vs " + hits[0] + " of 200");
    }

    @Test
    void filteredQueriesReturnKWheneverKMatch() {
        List<Record> records = data(N, DIM, SEED + 4);
        stub.createCollection(hnsw("filtered", DIM, Metric.COSINE, 8, 64, 16));
        upsertAll(stub, "filtered", records);
        server.awaitGraphs();
        Random random = new Random(SEED + 5);
        Filter onePercent = cond("bucket", Condition.Op.EQ, num(7)); // 30 records
        Filter half = cond("half", Condition.Op.EQ, num(0)); // 1500 records
        for (int q = 0; q < 10; q++) {
            float[] v = vector(random, DIM);
            QueryResponse few = stub.query(query("filtered", v, 10).setFilter(onePercent).build());
            assertEquals(10, few.getMatchesCount(), "k=10 of 30 matching (1%)");
            few.getMatchesList()
                    .forEach(m -> assertEquals(7, bucket(m.getId()), "filter holds: " + m.getId()));
            QueryResponse all = stub.query(query("filtered", v, 50).setFilter(onePercent).build());
            assertEquals(30, all.getMatchesCount(), "k=50 with 30 matching returns all 30");
            QueryResponse many = stub.query(query("filtered", v, 20).setFilter(half).build());
            assertEquals(20, many.getMatchesCount(), "k=20 of 1500 matching (50%)");
            many.getMatchesList()
                    .forEach(m -> assertEquals(0, bucket(m.getId()) % 2, "even ids: " + m.getId()));
        }
    }

    private static int bucket(String id) {
        return Integer.parseInt(id.substring(1)) % 100;
    }

    @Test
    void deletesAndReplacesAreSeenByQueriesAndDescribeCountsTombstones() {
        List<Record> records = data(N, DIM, SEED + 6);
        stub.createCollection(hnsw("mutable", DIM, Metric.EUCLIDEAN, 8, 64, 32));
        upsertAll(stub, "mutable", records);
        server.awaitGraphs();
        CollectionInfo before = describe("mutable");
        assertEquals(N, before.getCount(), "count");
        assertEquals(0, before.getState().getTombstones(), "no tombstones yet");
        assertEquals(0, before.getState().getPending(), "all linked once the graph caught up");
        assertEquals(N, before.getState().getGraphNodes(), "graph nodes");
        assertTrue(before.getState().getGraphLevels() >= 2, "levels: " + before.getState());
        assertTrue(before.getState().getGraphBytes() > 0, "graph bytes: " + before.getState());
        assertTrue(
                before.getState().getVectorBytes() >= (long) N * DIM * Float.BYTES,
                "vector bytes: " + before.getState());
        assertEquals(0, before.getState().getRecallSamples(), "monitor off in this server");

        float[] v0 = values(records.get(0));
        assertEquals("v0", ids(stub.query(query("mutable", v0, 1).build())).getFirst());
        stub.delete(DeleteRequest.newBuilder().setCollection("mutable").addIds("v0").build());
        assertFalse(
                ids(stub.query(query("mutable", v0, 10).build())).contains("v0"),
                "a deleted record is never returned");

        // The new place is beside another record (v2), inside the data: a vector far outside it
        // (every value 100) was left without an in-link by its neighbours' pruning in 3 of 30
        // graphs built from these records, so graph search could not reach it once linked.
        float[] moved = values(records.get(2)).clone();
        for (int d = 0; d < DIM; d++) {
            moved[d] += 0.001f;
        }
        stub.upsert(Protos.upsert("mutable", record("v1", moved)));
        assertEquals(
                List.of("v1"),
                ids(stub.query(query("mutable", moved, 1).build())),
                "the replacement is found at its new place");
        assertFalse(
                ids(stub.query(query("mutable", values(records.get(1)), 10).build()))
                        .contains("v1"),
                "not at its old one");

        CollectionInfo after = describe("mutable");
        assertEquals(N - 1, after.getCount(), "count after one delete and one replace");
        assertEquals(2, after.getState().getTombstones(), "deleted and replaced slots");
    }

    static float[] values(Record r) {
        float[] v = new float[r.getValuesCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.getValues(i);
        }
        return v;
    }

    @Test
    void flatCollectionsReportAnEmptyGraph() {
        CollectionInfo info = stub.createCollection(Protos.create("plain", 3, Metric.DOT));
        stub.upsert(Protos.upsert("plain", record("a", 1, 2, 3)));
        CollectionInfo d = describe("plain");
        assertTrue(d.getIndex().hasFlat(), "flat: " + info);
        assertEquals(0, d.getState().getGraphNodes(), "no graph");
        assertEquals(0, d.getState().getTombstones(), "no tombstones");
        assertTrue(d.getState().getVectorBytes() >= 12, "vector bytes: " + d.getState());
    }
}
