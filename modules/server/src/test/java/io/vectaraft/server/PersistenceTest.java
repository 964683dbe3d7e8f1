package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.api.v1.CreateSnapshotRequest;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.ListSnapshotsRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryResponse;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.SnapshotInfo;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prototype's persistence check: stop the server, restart it on the same WAL, re-query, and get
 * the same matches, scores and metadata. Once through the log alone (snapshot on demand first,
 * writes after it), once through the snapshot a graceful stop writes.
 */
class PersistenceTest {
    @TempDir Path dir;

    private static final int DIM = 16;

    private List<QueryResponse> queries(TestServer s) {
        Random rnd = new Random(99);
        List<QueryResponse> out = new ArrayList<>();
        for (String coll : List.of("cos", "euc")) {
            for (int q = 0; q < 5; q++) {
                QueryRequest.Builder b =
                        QueryRequest.newBuilder()
                                .setCollection(coll)
                                .setTopK(10)
                                .setIncludeValues(true)
                                .setIncludeMetadata(true);
                for (int i = 0; i < DIM; i++) {
                    b.addVector((float) rnd.nextGaussian());
                }
                out.add(s.stub().query(b.build()));
            }
        }
        return out;
    }

    private static void load(TestServer s, String prefix, Random rnd) {
        for (String coll : List.of("cos", "euc")) {
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                float[] v = new float[DIM];
                for (int d = 0; d < DIM; d++) {
                    v[d] = (float) rnd.nextGaussian();
                }
                Map<String, Value> meta =
                        Map.of(
                                "n", Protos.num(i),
                                "x", Protos.real(rnd.nextDouble()),
                                "tags", Protos.strings("a" + i % 3, "b"));
                records.add(Protos.record(prefix + i, v, meta));
            }
            s.stub()
                    .upsert(
                            UpsertRequest.newBuilder()
                                    .setCollection(coll)
                                    .addAllRecords(records)
                                    .build());
        }
    }

    @Test
    void restartGivesTheSameResultsScoresAndMetadata() {
        String wal = dir.resolve("data/wal.jsonl").toString();
        List<QueryResponse> before;
        try (TestServer s = TestServer.start(dir, "--wal-path", wal)) {
            s.stub().createCollection(Protos.create("cos", DIM, Metric.COSINE));
            s.stub().createCollection(Protos.create("euc", DIM, Metric.EUCLIDEAN));
            Random rnd = new Random(1);
            load(s, "a", rnd);
            SnapshotInfo snap = s.stub().createSnapshot(CreateSnapshotRequest.getDefaultInstance());
            assertEquals(2, snap.getCollections());
            load(s, "b", rnd); // after the snapshot: only in the log
            s.stub()
                    .delete(
                            DeleteRequest.newBuilder()
                                    .setCollection("euc")
                                    .addAllIds(List.of("a1", "b2"))
                                    .build());
            before = queries(s);
            assertEquals(
                    List.of(snap),
                    s.stub()
                            .listSnapshots(ListSnapshotsRequest.getDefaultInstance())
                            .getSnapshotsList());
        }
        try (TestServer s = TestServer.start(dir, "--wal-path", wal)) {
            assertEquals(before, queries(s), "after a restart: snapshot + log replay");
            assertTrue(
                    s.stub()
                                    .listSnapshots(ListSnapshotsRequest.getDefaultInstance())
                                    .getSnapshotsCount()
                            >= 2,
                    "the graceful stop took a snapshot");
        }
        try (TestServer s = TestServer.start(dir, "--wal-path", wal)) {
            assertEquals(before, queries(s), "after a second restart: from that snapshot");
        }
    }
}
