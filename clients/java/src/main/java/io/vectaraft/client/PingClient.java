package io.vectaraft.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.PingResponse;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Pings a vectaraft server and prints its version and uptime.
 *
 * <p>Usage: {@code clients/java/ping.sh [HOST:PORT]} (default {@value #DEFAULT_TARGET}). Exit
 * status 0 when the server answered, 1 when the call failed, 2 on a usage error.
 */
public final class PingClient {
    /** Where the server listens by default. */
    public static final String DEFAULT_TARGET = "127.0.0.1:50051";

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private PingClient() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * The command: pings {@code args[0]} (or the default), prints the answer, returns the status.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(usage());
            return 0;
        }
        if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
            err.println(usage());
            return 2;
        }
        String target = args.length == 1 ? args[0] : DEFAULT_TARGET;
        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            PingResponse pong = ping(channel, TIMEOUT);
            out.printf(
                    "vectaraft %s at %s, up %d ms%n",
                    pong.getVersion(), target, pong.getUptimeMs());
            return 0;
        } catch (StatusRuntimeException e) {
            String description = e.getStatus().getDescription();
            err.printf(
                    "ping %s failed: %s%s%n",
                    target,
                    e.getStatus().getCode(),
                    description == null ? "" : ": " + description.lines().findFirst().orElse(""));
            return 1;
        } finally {
            shutdown(channel);
        }
    }

    /**
     * Calls {@code Ping} on {@code channel}. Fails fast (UNAVAILABLE) when nothing listens there.
     *
     * @throws StatusRuntimeException when the call fails or times out
     */
    public static PingResponse ping(Channel channel, Duration timeout) {
        return VectorServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .ping(PingRequest.getDefaultInstance());
    }

    private static String usage() {
        return "usage: ping.sh [HOST:PORT]   (default " + DEFAULT_TARGET + ")";
    }

    private static void shutdown(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
