package io.vectaraft.server;

import static io.vectaraft.server.Protos.create;
import static io.vectaraft.server.Protos.record;
import static io.vectaraft.server.Protos.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.CreateAliasRequest;
import io.vectaraft.api.v1.CreateSnapshotRequest;
import io.vectaraft.api.v1.ListAliasesRequest;
import io.vectaraft.api.v1.ListCollectionsRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.RestoreSnapshotRequest;
import io.vectaraft.api.v1.SnapshotInfo;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vectaraft restore}: a stopped server's data directory takes a snapshot's state (the next
 * start recovers exactly it, and writes go on after it); a damaged, foreign or missing file is
 * refused with the reason and nothing changes.
 */
class RestoreCommandTest {

    private static String[] flags(Path dir) {
        return new String[] {"--wal-path", dir.resolve("data/wal.jsonl").toString()};
    }

    private record Run(int code, String out, String err) {}

    private static Run restore(Path dir, String file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of(file));
        args.addAll(List.of(flags(dir)));
        int code =
                RestoreCommand.run(
                        args,
                        Map.of(),
                        dir,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static long count(VectorServiceBlockingStub stub, String c) {
        return stub.count(CountRequest.newBuilder().setCollection(c).build()).getCount();
    }

    @Test
    void aSnapshotBecomesTheStateAndBadFilesAreRefused(@TempDir Path dir) throws Exception {
        SnapshotInfo snap;
        try (TestServer server = TestServer.start(dir, flags(dir))) {
            VectorServiceBlockingStub stub = server.stub();
            stub.createCollection(create("docs", 2, Metric.DOT));
            stub.upsert(upsert("docs", record("a", 1, 0), record("b", 0, 1)));
            stub.createAlias(
                    CreateAliasRequest.newBuilder().setAlias("live").setCollection("docs").build());
            snap = stub.createSnapshot(CreateSnapshotRequest.getDefaultInstance());
            stub.upsert(upsert("docs", record("c", 1, 1)));
            stub.createCollection(create("later", 2, Metric.DOT));
        }
        // Kept outside the snapshot directory: a copy, as an operator would restore from.
        Path copy = dir.resolve("backup.snap");
        Files.copy(Path.of(snap.getPath()), copy);

        Path damaged = dir.resolve("damaged.snap");
        byte[] bytes = Files.readAllBytes(copy);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(damaged, bytes);
        Path foreign = dir.resolve("foreign.snap");
        Files.writeString(foreign, "this is not a vectaraft snapshot, but long enough to be read");
        for (Path bad : List.of(damaged, foreign, dir.resolve("missing.snap"))) {
            Run r = restore(dir, bad.toString());
            assertEquals(1, r.code(), bad + ": " + r.err());
            assertTrue(r.err().contains("refused, nothing changed"), r.err());
        }
        try (TestServer server = TestServer.start(dir, flags(dir))) {
            VectorServiceBlockingStub stub = server.stub();
            assertEquals(3, count(stub, "docs"), "untouched by the refused restores");
            assertEquals(
                    2,
                    stub.listCollections(ListCollectionsRequest.getDefaultInstance())
                            .getCollectionsCount());
        }

        Run ok = restore(dir, copy.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("replaced-"), ok.out());
        try (TestServer server = TestServer.start(dir, flags(dir))) {
            VectorServiceBlockingStub stub = server.stub();
            assertEquals(2, count(stub, "docs"), "the snapshot's records, not the later write");
            assertEquals(
                    List.of("docs"),
                    stub
                            .listCollections(ListCollectionsRequest.getDefaultInstance())
                            .getCollectionsList()
                            .stream()
                            .map(c -> c.getName())
                            .toList());
            assertEquals(
                    "docs",
                    stub.listAliases(ListAliasesRequest.getDefaultInstance())
                            .getAliases(0)
                            .getCollection());
            stub.upsert(upsert("live", record("d", 1, 1)));
        }
        try (TestServer server = TestServer.start(dir, flags(dir))) {
            assertEquals(3, count(server.stub(), "docs"), "writes after a restore are logged");
        }

        Run usage = restore(dir, "--wal-path");
        assertEquals(2, usage.code());
    }

    /**
     * RestoreSnapshot in a running server: bad sources are refused with the reason and nothing
     * changes; a good one replaces the state at once, and durably (a restart recovers it, and the
     * writes after it).
     */
    @Test
    void aRunningServerRestoresBySnapshotNameOrPath(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir, flags(dir))) {
            VectorServiceBlockingStub stub = server.stub();
            stub.createCollection(create("docs", 2, Metric.DOT));
            stub.upsert(upsert("docs", record("a", 1, 0), record("b", 0, 1)));
            stub.createAlias(
                    CreateAliasRequest.newBuilder().setAlias("live").setCollection("docs").build());
            SnapshotInfo snap = stub.createSnapshot(CreateSnapshotRequest.getDefaultInstance());
            stub.upsert(upsert("docs", record("c", 1, 1)));
            stub.createCollection(create("later", 2, Metric.DOT));

            Path damaged = dir.resolve("damaged.snap");
            byte[] bytes = Files.readAllBytes(Path.of(snap.getPath()));
            bytes[bytes.length / 2] ^= 0x40;
            Files.write(damaged, bytes);
            Path foreign = dir.resolve("foreign.snap");
            Files.writeString(foreign, "not a vectaraft snapshot, but long enough to be read");
            for (RestoreSnapshotRequest bad :
                    List.of(
                            RestoreSnapshotRequest.newBuilder().setPath(damaged.toString()).build(),
                            RestoreSnapshotRequest.newBuilder().setPath(foreign.toString()).build(),
                            RestoreSnapshotRequest.newBuilder()
                                    .setPath(dir.resolve("missing").toString())
                                    .build(),
                            // No file system can name it (FuzzTest found it answering INTERNAL).
                            RestoreSnapshotRequest.newBuilder().setPath("a\u0000b").build(),
                            // Longer than any path; its error must still fit a trailer.
                            RestoreSnapshotRequest.newBuilder().setPath("x".repeat(14_000)).build(),
                            RestoreSnapshotRequest.newBuilder()
                                    .setPath(dir.resolve("y".repeat(3000)).toString())
                                    .build(),
                            RestoreSnapshotRequest.getDefaultInstance())) {
                StatusRuntimeException e =
                        assertThrows(StatusRuntimeException.class, () -> stub.restoreSnapshot(bad));
                assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad.toString());
            }
            assertEquals(
                    Status.Code.NOT_FOUND,
                    assertThrows(
                                    StatusRuntimeException.class,
                                    () ->
                                            stub.restoreSnapshot(
                                                    RestoreSnapshotRequest.newBuilder()
                                                            .setSnapshotName("snapshot-9.snap")
                                                            .build()))
                            .getStatus()
                            .getCode());
            assertEquals(3, count(stub, "docs"), "nothing changed");
            assertEquals(
                    2,
                    stub.listCollections(ListCollectionsRequest.getDefaultInstance())
                            .getCollectionsCount());

            String name = Path.of(snap.getPath()).getFileName().toString();
            SnapshotInfo restored =
                    stub.restoreSnapshot(
                            RestoreSnapshotRequest.newBuilder().setSnapshotName(name).build());
            assertTrue(restored.getSequence() > snap.getSequence(), "a new log position");
            assertEquals(2, count(stub, "docs"), "the snapshot's records");
            assertEquals(
                    1,
                    stub.listCollections(ListCollectionsRequest.getDefaultInstance())
                            .getCollectionsCount());
            stub.upsert(upsert("live", record("d", 1, 1)));
        }
        try (TestServer server = TestServer.start(dir, flags(dir))) {
            VectorServiceBlockingStub stub = server.stub();
            assertEquals(3, count(stub, "docs"), "the restored state and the write after it");
            assertEquals(
                    1,
                    stub.listCollections(ListCollectionsRequest.getDefaultInstance())
                            .getCollectionsCount());
        }
        try (TestServer server = TestServer.start(dir)) {
            assertEquals(
                    Status.Code.FAILED_PRECONDITION,
                    assertThrows(
                                    StatusRuntimeException.class,
                                    () ->
                                            server.stub()
                                                    .restoreSnapshot(
                                                            RestoreSnapshotRequest.newBuilder()
                                                                    .setPath(dir.toString())
                                                                    .build()))
                            .getStatus()
                            .getCode(),
                    "a server without a log");
        }
    }
}
