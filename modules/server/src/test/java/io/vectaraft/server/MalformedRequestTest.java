package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes that are not the method's request, sent over a real socket through a raw {@link
 * ClientCall}: every method answers INVALID_ARGUMENT with a short message, logs one line per call
 * (no stack trace), and the server goes on serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestTest {
    /** Not a protobuf message: field 0 is invalid, and then a length runs past the end. */
    private static final byte[] GARBAGE = {0x00, 0x07, (byte) 0xff, (byte) 0xff, 0x0a, 0x7f, 0x01};

    private TestServer server;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir);
        server.stub().createCollection(Protos.create("docs", 3, Metric.EUCLIDEAN));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static final MethodDescriptor.Marshaller<byte[]> BYTES =
            new MethodDescriptor.Marshaller<>() {
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
            };

    /** Every unary method of the service, speaking bytes. */
    static List<MethodDescriptor<byte[], byte[]>> rawMethods(ServiceDescriptor service) {
        List<MethodDescriptor<byte[], byte[]>> methods = new ArrayList<>();
        for (MethodDescriptor<?, ?> m : service.getMethods()) {
            if (m.getType() == MethodDescriptor.MethodType.UNARY) {
                methods.add(m.toBuilder(BYTES, BYTES).build());
            }
        }
        return methods;
    }

    /** The status of one raw call sending {@code messages} (possibly none) then half-closing. */
    static Status call(
            io.grpc.Channel channel, MethodDescriptor<byte[], byte[]> method, byte[]... messages)
            throws InterruptedException {
        ClientCall<byte[], byte[]> call =
                channel.newCall(
                        method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
        CountDownLatch done = new CountDownLatch(1);
        Status[] status = new Status[1];
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onClose(Status s, Metadata trailers) {
                        status[0] = s;
                        done.countDown();
                    }
                },
                new Metadata());
        call.request(2);
        for (byte[] m : messages) {
            call.sendMessage(m);
        }
        call.halfClose();
        assertTrue(done.await(60, TimeUnit.SECONDS), method.getFullMethodName() + " closed");
        return status[0];
    }

    @Test
    void garbageToEveryMethodIsInvalidArgumentWithoutStackTraces() throws Exception {
        List<MethodDescriptor<byte[], byte[]>> methods =
                new ArrayList<>(rawMethods(VectorServiceGrpc.getServiceDescriptor()));
        methods.addAll(rawMethods(HealthGrpc.getServiceDescriptor()));
        try (LogCapture log = LogCapture.start()) {
            for (MethodDescriptor<byte[], byte[]> m : methods) {
                Status s = call(server.channel, m, GARBAGE);
                assertEquals(
                        Status.Code.INVALID_ARGUMENT,
                        s.getCode(),
                        m.getFullMethodName() + ": " + s);
                String type =
                        m.getFullMethodName().startsWith("grpc") ? "grpc.health" : "vectaraft";
                assertTrue(
                        s.getDescription().startsWith("request: expected a " + type)
                                && s.getDescription().contains("do not parse")
                                && s.getDescription().length() < 200,
                        m.getFullMethodName() + ": " + s.getDescription());
            }
            String warnings = log.text(Level.WARNING);
            assertFalse(warnings.contains("\tat "), "no stack trace in the log:\n" + warnings);
            assertFalse(warnings.contains("Half-closed"), "no half-close complaint:\n" + warnings);
            assertTrue(log.lines(Level.SEVERE).isEmpty(), "no SEVERE line:\n" + warnings);
        }
        assertTrue(server.stub().ping(PingRequest.getDefaultInstance()).getUptimeMs() >= 0);
    }

    @Test
    void randomBytesNeverAnswerUnknownOrInternal() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        List<MethodDescriptor<byte[], byte[]>> methods =
                rawMethods(VectorServiceGrpc.getServiceDescriptor());
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            MethodDescriptor<byte[], byte[]> m = methods.get(random.nextInt(methods.size()));
            Status s = call(server.channel, m, bytes);
            assertFalse(
                    s.getCode() == Status.Code.UNKNOWN || s.getCode() == Status.Code.INTERNAL,
                    "seed " + seed + ", " + m.getFullMethodName() + ": " + s);
        }
    }

    @Test
    void noRequestOrTwoRequestsAreInvalidArgument() throws Exception {
        MethodDescriptor<byte[], byte[]> ping =
                VectorServiceGrpc.getPingMethod().toBuilder(BYTES, BYTES).build();
        Status none = call(server.channel, ping);
        assertEquals(Status.Code.INVALID_ARGUMENT, none.getCode(), none.toString());
        assertEquals("expected one request message, got none", none.getDescription());
        byte[] empty = new byte[0];
        Status two = call(server.channel, ping, empty, empty);
        assertEquals(Status.Code.INVALID_ARGUMENT, two.getCode(), two.toString());
        assertEquals("expected one request message, got more", two.getDescription());
        assertEquals(Status.Code.OK, call(server.channel, ping, empty).getCode());
    }

    @Test
    void aValidRawRequestIsServed() throws Exception {
        byte[] reply =
                ClientCalls.blockingUnaryCall(
                        server.channel,
                        VectorServiceGrpc.getPingMethod().toBuilder(BYTES, BYTES).build(),
                        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                        PingRequest.getDefaultInstance().toByteArray());
        assertTrue(reply.length > 0, "a PingResponse");
    }
}
