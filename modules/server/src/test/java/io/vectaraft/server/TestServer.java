package io.vectaraft.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.server.config.CommandLine;
import io.vectaraft.server.config.ConfigLoader;
import io.vectaraft.server.config.HostPort;
import io.vectaraft.server.config.ServerConfig;
import io.vectaraft.server.trace.Tracing;
import io.vectaraft.wal.StorageEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link VectaraftServer} started in this JVM on an ephemeral port, memory-only and without the
 * HTTP side unless flags say otherwise, plus a plaintext channel to it. Close it in teardown.
 */
final class TestServer implements AutoCloseable {
    final VectaraftServer server;
    final ManagedChannel channel;

    private TestServer(VectaraftServer server) {
        this.server = server;
        HostPort a = server.grpcAddress();
        this.channel = ManagedChannelBuilder.forAddress(a.host(), a.port()).usePlaintext().build();
    }

    /** Starts with {@code --port 0 --no-wal --no-metrics} followed by {@code flags}. */
    static TestServer start(Path workingDir, String... flags) {
        return new TestServer(VectaraftServer.start(config(workingDir, flags)));
    }

    /** As {@link #start}, with spans going to {@code tracing}. */
    static TestServer traced(Tracing tracing, Path workingDir, String... flags) {
        return new TestServer(VectaraftServer.start(config(workingDir, flags), tracing));
    }

    private static ServerConfig config(Path workingDir, String... flags) {
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        List<String> extra = List.of(flags);
        if (!extra.contains("--wal-path")) {
            args.add("--no-wal");
        }
        if (!extra.contains("--metrics-addr")) {
            args.add("--no-metrics");
        }
        args.addAll(extra);
        return ConfigLoader.load(CommandLine.parse(args), Map.of(), workingDir).config();
    }

    VectorServiceGrpc.VectorServiceBlockingStub stub() {
        return VectorServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** Waits until HNSW collections have linked every record written so far into their graphs. */
    void awaitGraphs() {
        try {
            // Standalone test servers: the store is the engine.
            ((StorageEngine) server.store().orElseThrow()).awaitGraphs();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for the graphs", e);
        }
    }

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
        }
    }
}
