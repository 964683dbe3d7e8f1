package io.vectaraft.server;

import io.helidon.logging.common.LogConfig;
import io.vectaraft.server.config.CommandLine;
import io.vectaraft.server.config.ConfigException;
import io.vectaraft.server.config.ConfigLoader;
import io.vectaraft.server.config.ServerConfig;
import io.vectaraft.wal.Store;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts the vectaraft server in the foreground: parses flags, loads the configuration, recovers
 * the store and serves until SIGTERM or Ctrl-C, which stop it gracefully. Exit code 2 means bad
 * flags or configuration, 1 a failure to start.
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        LogConfig.configureRuntime();
        long t0 = System.nanoTime();
        ConfigLoader.Loaded loaded;
        try {
            CommandLine flags = CommandLine.parse(List.of(args));
            if (flags.help()) {
                System.out.print(CommandLine.usage());
                return;
            }
            if (flags.version()) {
                System.out.println("vectaraft " + Version.get());
                return;
            }
            loaded = ConfigLoader.load(flags, System.getenv(), Path.of("").toAbsolutePath());
        } catch (ConfigException e) {
            System.err.println("vectaraft: " + e.getMessage());
            System.exit(2);
            return;
        }
        VectaraftServer server = start(loaded.config());
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(server::close));
        logSummary(server, loaded, (System.nanoTime() - t0) / 1_000_000);
        server.awaitTermination();
    }

    private static VectaraftServer start(ServerConfig config) {
        try {
            return VectaraftServer.start(config);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "vectaraft failed to start: " + e.getMessage(), e);
            System.exit(1);
            throw e;
        }
    }

    private static void logSummary(VectaraftServer server, ConfigLoader.Loaded loaded, long ms) {
        ServerConfig c = loaded.config();
        Store store = server.store().orElseThrow();
        long vectors = store.database().list().stream().mapToLong(x -> x.size()).sum();
        LOG.log(
                Level.INFO,
                "vectaraft {0} ready in {1} ms: grpc={2} metrics={3} wal={4} collections={5}"
                        + " vectors={6}; config: {7}",
                Version.get(),
                ms,
                server.grpcAddress(),
                server.metricsAddress().map(Object::toString).orElse("off"),
                c.walEnabled() ? c.walPath() + " fsync=" + c.fsync().name().toLowerCase() : "off",
                store.database().list().size(),
                vectors,
                ServerConfig.describeOverrides(loaded.origins()));
    }
}
