package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.AddNodeRequest;
import io.vectaraft.api.v1.ClusterStatusRequest;
import io.vectaraft.api.v1.ClusterStatusResponse;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.RemoveNodeRequest;
import io.vectaraft.api.v1.TransferLeadershipRequest;
import io.vectaraft.server.admin.ClusterCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster RPCs on a standalone server: ClusterStatus says standalone, changes are refused with
 * FAILED_PRECONDITION; the content digest of DescribeCollection follows the records, not their
 * order.
 */
class ClusterRpcsStandaloneTest {
    @Test
    void standaloneSaysSoAndRefusesChanges(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir)) {
            ClusterStatusResponse s =
                    server.stub().clusterStatus(ClusterStatusRequest.getDefaultInstance());
            assertEquals(ClusterStatusResponse.newBuilder().setStandalone(true).build(), s);
            refused(
                    () ->
                            server.stub()
                                    .addNode(
                                            AddNodeRequest.newBuilder()
                                                    .setNodeId("n2")
                                                    .setRaftAddress("127.0.0.1:4000")
                                                    .build()));
            refused(
                    () ->
                            server.stub()
                                    .removeNode(
                                            RemoveNodeRequest.newBuilder()
                                                    .setNodeId("n2")
                                                    .build()));
            refused(
                    () ->
                            server.stub()
                                    .transferLeadership(
                                            TransferLeadershipRequest.newBuilder()
                                                    .setNodeId("n2")
                                                    .build()));

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit =
                    ClusterCommand.run(
                            List.of("status", "--addr", server.server.grpcAddress().toString()),
                            Map.of(),
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            System.err);
            assertEquals(0, exit);
            assertEquals(
                    "standalone server at "
                            + server.server.grpcAddress().toString()
                            + " (not a cluster node)\n",
                    out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void digestOnRequestFollowsTheRecordsNotTheirOrder(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir)) {
            server.stub().createCollection(Protos.create("a", 2, Metric.EUCLIDEAN));
            server.stub().createCollection(Protos.create("b", 2, Metric.EUCLIDEAN));
            server.stub()
                    .upsert(Protos.upsert("a", Protos.record("x", 1, 2), Protos.record("y", 3, 4)));
            server.stub().upsert(Protos.upsert("b", Protos.record("y", 3, 4)));
            server.stub().upsert(Protos.upsert("b", Protos.record("x", 1, 2)));
            assertEquals("", describe(server, "a", false), "no digest unless asked");
            String a = describe(server, "a", true);
            assertEquals(32, a.length(), a);
            assertEquals(a, describe(server, "b", true));
            server.stub().upsert(Protos.upsert("b", Protos.record("x", 1, 2.5f)));
            assertTrue(!a.equals(describe(server, "b", true)), "a changed vector changes it");
        }
    }

    private static String describe(TestServer server, String name, boolean digest) {
        return server.stub()
                .describeCollection(
                        DescribeCollectionRequest.newBuilder()
                                .setName(name)
                                .setIncludeDigest(digest)
                                .build())
                .getContentDigest();
    }

    private static void refused(Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.toString());
        assertTrue(e.getStatus().getDescription().contains("standalone"), e.toString());
    }
}
