package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.CollectionInfo;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.CreateSnapshotRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.Quantization;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryResponse;
import io.vectaraft.api.v1.Record;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantized collections over a real socket: create with quantization and oversampling, queries
 * rescored to exact scores (or not, per query), DescribeCollection's byte counts, bad parameters
 * refused with INVALID_ARGUMENT, and a restart from a snapshot answering the same.
 */
class QuantizedServiceTest {
    private static final int DIM = 32;
    private static final int N = 2500;

    private static CreateCollectionRequest quantized(
            String name, Quantization q, double oversample) {
        return HnswServiceTest.hnsw(name, DIM, Metric.EUCLIDEAN, 16, 100, 64).toBuilder()
                .setQuantization(q)
                .setOversample(oversample)
                .build();
    }

    private static QueryRequest query(String collection, Record r, boolean skipRescore) {
        return QueryRequest.newBuilder()
                .setCollection(collection)
                .addAllVector(r.getValuesList())
                .setTopK(10)
                .setSkipRescore(skipRescore)
                .build();
    }

    @Test
    void onDiskInt8CollectionAnswersWithExactScoresAndSurvivesARestart(@TempDir Path dir)
            throws java.io.IOException {
        List<Record> data = HnswServiceTest.data(N, DIM, 17);
        Path wal = dir.resolve("wal.jsonl");
        QueryResponse before;
        try (TestServer server = TestServer.start(dir, "--wal-path", wal.toString())) {
            var stub = server.stub();
            CollectionInfo created =
                    stub.createCollection(
                            quantized("q8", Quantization.QUANTIZATION_INT8, 0).toBuilder()
                                    .setOnDisk(true)
                                    .build());
            assertTrue(created.getOnDisk(), "on_disk");
            assertEquals(Quantization.QUANTIZATION_INT8, created.getQuantization());
            assertEquals(2.0, created.getOversample(), "the default oversampling");
            HnswServiceTest.upsertAll(stub, "q8", data);
            CollectionInfo info =
                    stub.describeCollection(
                            DescribeCollectionRequest.newBuilder().setName("q8").build());
            assertTrue(
                    info.getState().getCodeBytes() >= (long) N * DIM,
                    "one byte per dimension: " + info.getState());
            assertEquals(0, info.getState().getVectorBytes(), "no vectors on the heap");
            assertTrue(
                    info.getState().getVectorMappedBytes() >= (long) N * DIM * 4,
                    "vectors in the mapped file: " + info.getState());
            before = stub.query(query("q8", data.get(7), false));
            assertEquals(10, before.getMatchesCount());
            assertEquals("v7", before.getMatches(0).getId(), "a stored vector finds itself");
            assertEquals(
                    0f, before.getMatches(0).getScore(), 1e-6f, "rescored: the exact distance");
            QueryResponse approximate = stub.query(query("q8", data.get(7), true));
            assertEquals(10, approximate.getMatchesCount(), "without rescoring: still k");
            stub.createSnapshot(CreateSnapshotRequest.getDefaultInstance());
        }
        try (TestServer server = TestServer.start(dir, "--wal-path", wal.toString())) {
            QueryResponse after = server.stub().query(query("q8", data.get(7), false));
            assertEquals(before, after, "the same answer after a restart from the snapshot");
            try (var files = java.nio.file.Files.list(dir.resolve("vectors"))) {
                assertEquals(1, files.count(), "one vector file: the old one was replaced");
            }
        }
    }

    @Test
    void badQuantizationParametersAreRefused(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir)) {
            var stub = server.stub();
            StatusRuntimeException binary =
                    assertThrows(
                            StatusRuntimeException.class,
                            () ->
                                    stub.createCollection(
                                            quantized("b", Quantization.QUANTIZATION_BINARY, 0)));
            assertEquals(Status.Code.INVALID_ARGUMENT, binary.getStatus().getCode());
            assertTrue(
                    binary.getStatus().getDescription().contains("expected dimension >= 384"),
                    binary.getStatus().getDescription());
            StatusRuntimeException oversample =
                    assertThrows(
                            StatusRuntimeException.class,
                            () ->
                                    stub.createCollection(
                                            quantized("o", Quantization.QUANTIZATION_INT8, 0.5)));
            assertEquals(Status.Code.INVALID_ARGUMENT, oversample.getStatus().getCode());
            assertTrue(
                    oversample.getStatus().getDescription().contains("oversample"),
                    oversample.getStatus().getDescription());
            stub.createCollection(quantized("ok", Quantization.QUANTIZATION_INT8, 3));
            StatusRuntimeException perQuery =
                    assertThrows(
                            StatusRuntimeException.class,
                            () ->
                                    stub.query(
                                            query(
                                                            "ok",
                                                            HnswServiceTest.data(1, DIM, 1)
                                                                    .getFirst(),
                                                            false)
                                                    .toBuilder()
                                                    .setOversample(1000)
                                                    .build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, perQuery.getStatus().getCode());
        }
    }
}
