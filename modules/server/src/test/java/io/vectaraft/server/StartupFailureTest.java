package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.server.config.CommandLine;
import io.vectaraft.server.config.ConfigLoader;
import io.vectaraft.server.config.ServerConfig;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A port that is taken stops start-up with a message naming the listener and the address. */
class StartupFailureTest {

    private static ServerConfig config(Path dir, String... flags) {
        return ConfigLoader.load(CommandLine.parse(List.of(flags)), Map.of(), dir).config();
    }

    @Test
    void grpcPortInUse(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());
            UncheckedIOException e =
                    assertThrows(
                            UncheckedIOException.class,
                            () ->
                                    VectaraftServer.start(
                                            config(
                                                    dir,
                                                    "--port",
                                                    port,
                                                    "--no-wal",
                                                    "--no-metrics")));
            assertTrue(
                    e.getMessage().startsWith("cannot listen for gRPC on 127.0.0.1:" + port),
                    e.getMessage());
        }
    }

    @Test
    void metricsPortInUse(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String addr = "127.0.0.1:" + taken.getLocalPort();
            UncheckedIOException e =
                    assertThrows(
                            UncheckedIOException.class,
                            () ->
                                    VectaraftServer.start(
                                            config(
                                                    dir,
                                                    "--port",
                                                    "0",
                                                    "--no-wal",
                                                    "--metrics-addr",
                                                    addr)));
            assertTrue(
                    e.getMessage()
                            .startsWith("cannot listen for HTTP (metrics and health) on " + addr),
                    e.getMessage());
        }
    }
}
