package io.vectaraft.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.PingResponse;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several addresses over real sockets: a node that is down or answers {@code UNAVAILABLE} is passed
 * over for the next, an answer of another kind is final, and the node that answered is the first
 * one tried next time.
 */
class EndpointsTest {
    private final List<Server> servers = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() throws InterruptedException {
        for (Server s : servers) {
            s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void pingPassesOverDownAndUnavailableNodes() throws Exception {
        AtomicInteger refused = new AtomicInteger();
        String down = "127.0.0.1:" + closedPort();
        String noLeader = serve(Status.UNAVAILABLE.withDescription("no leader"), refused);
        String up = serve(null, new AtomicInteger());
        int status = run(down + "," + noLeader + "," + up);
        assertEquals(0, status, "stderr: " + text(err));
        assertTrue(text(out).startsWith("vectaraft test at " + up + ", up 7 ms"), text(out));
        assertEquals(1, refused.get(), "the node without a leader was asked once");
    }

    @Test
    void otherFailuresAreFinalAndAllUnavailableFails() throws Exception {
        AtomicInteger denied = new AtomicInteger();
        AtomicInteger behind = new AtomicInteger();
        String deny = serve(Status.PERMISSION_DENIED, denied);
        String up = serve(null, behind);
        try (Endpoints e =
                Endpoints.open(
                        deny + "," + up,
                        t -> io.grpc.ManagedChannelBuilder.forTarget(t).usePlaintext().build(),
                        c -> c)) {
            var failure =
                    assertThrows(
                            io.grpc.StatusRuntimeException.class,
                            () -> e.call(c -> PingClient.ping(c, java.time.Duration.ofSeconds(5))));
            assertEquals(Status.Code.PERMISSION_DENIED, failure.getStatus().getCode());
            assertEquals(0, behind.get(), "not retried elsewhere");
        }
        int status = run("127.0.0.1:" + closedPort() + ",127.0.0.1:" + closedPort());
        assertEquals(1, status);
        assertTrue(text(err).contains("failed: UNAVAILABLE"), text(err));
    }

    @Test
    void theNodeThatAnsweredIsTriedFirstNextTime() throws Exception {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        String a = serve(Status.UNAVAILABLE, first);
        String b = serve(null, second);
        try (Endpoints e =
                Endpoints.open(
                        a + "," + b,
                        t -> io.grpc.ManagedChannelBuilder.forTarget(t).usePlaintext().build(),
                        c -> c)) {
            for (int i = 0; i < 3; i++) {
                e.call(c -> PingClient.ping(c, java.time.Duration.ofSeconds(5)));
            }
            assertEquals(b, e.current());
            assertEquals(1, first.get(), "passed over once, then not asked again");
            assertEquals(3, second.get());
        }
    }

    @Test
    void badAddressListsAreUsageErrors() {
        assertEquals(2, run("127.0.0.1:1,"), "an empty item");
        assertTrue(text(err).contains("expected HOST:PORT[,HOST:PORT...]"), text(err));
        assertEquals(2, run("127.0.0.1"), "no port");
    }

    /** A Ping service on a loopback port: fails with {@code failure}, or answers. */
    private String serve(Status failure, AtomicInteger calls) throws IOException {
        Server s =
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                        .addService(
                                new VectorServiceGrpc.VectorServiceImplBase() {
                                    @Override
                                    public void ping(
                                            PingRequest request,
                                            StreamObserver<PingResponse> reply) {
                                        calls.incrementAndGet();
                                        if (failure != null) {
                                            reply.onError(failure.asRuntimeException());
                                            return;
                                        }
                                        reply.onNext(
                                                PingResponse.newBuilder()
                                                        .setVersion("test")
                                                        .setUptimeMs(7)
                                                        .build());
                                        reply.onCompleted();
                                    }
                                })
                        .build()
                        .start();
        servers.add(s);
        return "127.0.0.1:" + s.getPort();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private int run(String... args) {
        return PingClient.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
