package io.vectaraft.server;

import static io.vectaraft.server.HnswServiceTest.hnsw;
import static io.vectaraft.server.HnswServiceTest.query;
import static io.vectaraft.server.HnswServiceTest.upsertAll;
import static io.vectaraft.server.HnswServiceTest.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vectaraft.api.v1.CollectionInfo;
import io.vectaraft.api.v1.CreateSnapshotRequest;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.IndexState;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryResponse;
import io.vectaraft.api.v1.Record;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HNSW collection across a graceful restart over a real write-ahead log (snapshot on demand,
 * writes and deletes after it, then the snapshot the stop writes): every record is linked again,
 * and approximate queries return what they returned before.
 */
class HnswPersistenceTest {
    private static final int DIM = 16;

    @Test
    void restartKeepsTheGraphAndItsResults(@TempDir Path dir) {
        String wal = dir.resolve("data/wal.jsonl").toString();
        List<Record> records = HnswServiceTest.data(3000, DIM, 42);
        List<float[]> queries = new ArrayList<>();
        Random random = new Random(43);
        for (int q = 0; q < 20; q++) {
            queries.add(vector(random, DIM));
        }
        List<QueryResponse> before = new ArrayList<>();
        IndexState stateBefore;
        try (TestServer s = TestServer.start(dir, "--wal-path", wal)) {
            s.stub().createCollection(hnsw("g", DIM, Metric.COSINE, 8, 64, 24));
            upsertAll(s.stub(), "g", records.subList(0, 2500));
            s.stub().createSnapshot(CreateSnapshotRequest.getDefaultInstance());
            upsertAll(s.stub(), "g", records.subList(2500, 3000)); // only in the log
            s.stub()
                    .delete(
                            DeleteRequest.newBuilder()
                                    .setCollection("g")
                                    .addAllIds(List.of("v1", "v2600"))
                                    .build());
            s.awaitGraphs();
            for (float[] v : queries) {
                before.add(s.stub().query(query("g", v, 10).build()));
            }
            stateBefore = describe(s).getState();
        }
        try (TestServer s = TestServer.start(dir, "--wal-path", wal)) {
            s.awaitGraphs();
            CollectionInfo after = describe(s);
            assertEquals(2998, after.getCount(), "count after restart");
            assertEquals(0, after.getState().getPending(), "every record linked");
            assertEquals(
                    after.getCount() + after.getState().getTombstones(),
                    after.getState().getGraphNodes(),
                    "graph nodes: live records plus tombstones; state " + after.getState());
            assertEquals(stateBefore.getGraphLevels(), after.getState().getGraphLevels(), "levels");
            for (int q = 0; q < queries.size(); q++) {
                assertEquals(
                        HnswServiceTest.ids(before.get(q)),
                        HnswServiceTest.ids(s.stub().query(query("g", queries.get(q), 10).build())),
                        "query " + q + " after restart");
            }
        }
    }

    private static CollectionInfo describe(TestServer s) {
        return s.stub()
                .describeCollection(DescribeCollectionRequest.newBuilder().setName("g").build());
    }
}
