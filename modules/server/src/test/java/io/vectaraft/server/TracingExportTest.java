package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.helidon.webserver.WebServer;
import io.vectaraft.api.v1.PingRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configured exporter delivers spans to a real collector endpoint on loopback, over OTLP/HTTP
 * and OTLP/gRPC. Spans are batched; closing the server flushes them, so after close every span of
 * the calls made is at the collector.
 */
class TracingExportTest {
    private static final byte[] PING_SPAN =
            "vectaraft.v1.VectorService/Ping".getBytes(StandardCharsets.UTF_8);

    @TempDir Path dir;
    private final List<byte[]> received = new CopyOnWriteArrayList<>();

    @Test
    void spansReachAnOtlpHttpCollector() {
        WebServer collector =
                WebServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .shutdownHook(false)
                        // Discovered features would include Helidon's metrics observer, whose
                        // global registry puts its system meters into every registry of this JVM.
                        .featuresDiscoverServices(false)
                        .routing(
                                r ->
                                        r.post(
                                                "/v1/traces",
                                                (req, res) -> {
                                                    received.add(req.content().as(byte[].class));
                                                    res.header(
                                                                    "Content-Type",
                                                                    "application/x-protobuf")
                                                            .send();
                                                }))
                        .build()
                        .start();
        try {
            String endpoint = "http://127.0.0.1:" + collector.port();
            try (TestServer server = TestServer.start(dir, "--otlp-endpoint", endpoint)) {
                server.stub().ping(PingRequest.getDefaultInstance());
            }
        } finally {
            collector.stop();
        }
        assertDelivered();
    }

    @Test
    void spansReachAnOtlpGrpcCollector() throws Exception {
        Server collector =
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                        .addService(traceService())
                        .build()
                        .start();
        try {
            String endpoint = "http://127.0.0.1:" + collector.getPort();
            try (TestServer server =
                    TestServer.start(dir, "--otlp-endpoint", endpoint, "--otlp-protocol", "grpc")) {
                server.stub().ping(PingRequest.getDefaultInstance());
            }
        } finally {
            collector.shutdownNow();
        }
        assertDelivered();
    }

    private void assertDelivered() {
        assertTrue(
                received.stream().anyMatch(body -> contains(body, PING_SPAN)),
                "the collector received " + received.size() + " export(s) without the Ping span");
    }

    /** OTLP's TraceService/Export, taking the request as raw bytes, answering an empty reply. */
    private ServerServiceDefinition traceService() {
        MethodDescriptor<byte[], byte[]> export =
                MethodDescriptor.<byte[], byte[]>newBuilder()
                        .setType(MethodDescriptor.MethodType.UNARY)
                        .setFullMethodName(
                                "opentelemetry.proto.collector.trace.v1.TraceService/Export")
                        .setRequestMarshaller(new Bytes())
                        .setResponseMarshaller(new Bytes())
                        .build();
        return ServerServiceDefinition.builder(
                        "opentelemetry.proto.collector.trace.v1.TraceService")
                .addMethod(
                        export,
                        ServerCalls.asyncUnaryCall(
                                (request, reply) -> {
                                    received.add(request);
                                    reply.onNext(new byte[0]);
                                    reply.onCompleted();
                                }))
                .build();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
