package io.vectaraft.server;

import static io.vectaraft.server.Protos.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request over the configured maximum message size is RESOURCE_EXHAUSTED and changes nothing. */
class MessageSizeTest {

    @Test
    void oversizedRequestIsResourceExhausted(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir, "--max-message-bytes", "4096")) {
            VectorServiceBlockingStub stub = server.stub();
            stub.createCollection(Protos.create("big", 2048, Metric.DOT));
            float[] vector = new float[2048]; // 8 KiB of floats: over 4096 bytes
            vector[0] = 1;
            StatusRuntimeException e =
                    assertThrows(
                            StatusRuntimeException.class,
                            () -> stub.upsert(Protos.upsert("big", record("a", vector))));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.getMessage());
            assertTrue(
                    e.getStatus().getDescription().contains("4096"),
                    "names the limit: " + e.getStatus().getDescription());
            assertEquals(
                    0,
                    stub.count(CountRequest.newBuilder().setCollection("big").build()).getCount(),
                    "nothing applied, and the server still answers");
        }
    }
}
