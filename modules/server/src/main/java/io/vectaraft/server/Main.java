package io.vectaraft.server;

import io.helidon.logging.common.LogConfig;
import io.vectaraft.cluster.ClusterConfigException;
import io.vectaraft.cluster.ReplicatedStore;
import io.vectaraft.index.VectaraftException;
import io.vectaraft.index.vector.VectorOps;
import io.vectaraft.server.admin.ClusterCommand;
import io.vectaraft.server.auth.KeysCommand;
import io.vectaraft.server.config.CommandLine;
import io.vectaraft.server.config.ConfigException;
import io.vectaraft.server.config.ConfigLoader;
import io.vectaraft.server.config.ServerConfig;
import io.vectaraft.server.config.TlsSettings;
import io.vectaraft.server.reload.HangupSignal;
import io.vectaraft.wal.Store;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Starts the vectaraft server in the foreground: parses flags, loads the configuration, recovers
 * the store and serves until SIGTERM or Ctrl-C, which stop it gracefully; SIGHUP re-reads the key
 * file and the certificates. Exit code 2 means bad flags or configuration (an unusable key file or
 * certificate included), 1 a failure to start.
 */
public final class Main {
    static {
        // Before the first logger: keep log handlers alive until the graceful stop is logged.
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ServerLogManager.class.getName());
        }
    }

    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    /** Set once the shutdown hook runs: a start that fails after that failed because of it. */
    private static final AtomicBoolean STOPPING = new AtomicBoolean();

    // Set before a failed start exits: its reason is then the last line, not the shutdown hook's.
    private static final AtomicBoolean START_FAILED = new AtomicBoolean();

    /**
     * System property: once up, exercise the server ({@link TrainingRun}) and exit (set by {@code
     * bin/vectaraft --create-cds-archive} only, on a scratch log; see jlink/README.md).
     */
    static final String CDS_TRAINING = "vectaraft.cdsTraining";

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("keys")) {
            System.exit(
                    KeysCommand.run(
                            List.of(args).subList(1, args.length),
                            System.getenv(),
                            System.out,
                            System.err));
            return;
        }
        if (args.length > 0 && args[0].equals("cluster")) {
            System.exit(
                    ClusterCommand.run(
                            List.of(args).subList(1, args.length),
                            System.getenv(),
                            System.out,
                            System.err));
            return;
        }
        if (args.length > 0 && args[0].equals("restore")) {
            System.exit(
                    RestoreCommand.run(
                            List.of(args).subList(1, args.length),
                            System.getenv(),
                            Path.of("").toAbsolutePath(),
                            System.out,
                            System.err));
            return;
        }
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
        loaded.warnings().forEach(w -> LOG.log(Level.WARNING, w));
        // Registered before the start: gRPC serves before the HTTP side is up, and a SIGTERM in
        // between must stop it gracefully too.
        AtomicReference<VectaraftServer> serving = new AtomicReference<>();
        Runtime.getRuntime()
                .addShutdownHook(
                        Thread.ofPlatform().name("shutdown").unstarted(() -> stop(serving.get())));
        VectaraftServer server = start(loaded.config(), serving::set);
        if (server == null) {
            return; // stopped during start-up: the shutdown hook ends the process
        }
        onHangup(server, loaded.config());
        server.store()
                .filter(ReplicatedStore.class::isInstance)
                .map(ReplicatedStore.class::cast)
                .ifPresent(r -> r.watchPeers(Main::misconfiguredCluster));
        logSummary(server, loaded, (System.nanoTime() - t0) / 1_000_000);
        if (Boolean.getBoolean(CDS_TRAINING)) {
            trainAndExit(server);
        }
        server.awaitTermination();
    }

    /**
     * SIGHUP reloads the key file and certificates, unless whoever started the server ignored it
     * (nohup): then it stays ignored, and without a warning an operator who rotates keys and sends
     * SIGHUP would see nothing happen.
     */
    private static void onHangup(VectaraftServer server, ServerConfig config) {
        HangupSignal.Effect hangup = HangupSignal.onHangup(server::reload);
        List<Path> reloaded = reloadedFiles(config);
        if (hangup == HangupSignal.Effect.IGNORED && !reloaded.isEmpty()) {
            LOG.log(
                    Level.WARNING,
                    "SIGHUP is ignored by the process that started vectaraft (e.g. nohup): "
                            + reloaded
                            + " reload only when they change, not on SIGHUP");
        }
    }

    /** The files a SIGHUP re-reads: the key file and the certificates with their keys. */
    private static List<Path> reloadedFiles(ServerConfig config) {
        List<Path> files = new ArrayList<>();
        config.auth().keysFile().ifPresent(files::add);
        TlsSettings tls = config.tls();
        Stream.of(tls.grpc(), tls.http())
                .flatMap(Optional::stream)
                .forEach(identity -> files.addAll(List.of(identity.cert(), identity.key())));
        tls.clientCa().ifPresent(files::add);
        return files.stream().distinct().toList();
    }

    /**
     * The shutdown hook. Before gRPC serves (during recovery) there is nothing to stop: no client
     * has written, and recovery only ever cuts what was never acknowledged, so the process may end
     * anywhere in it.
     */
    private static void stop(VectaraftServer server) {
        STOPPING.set(true);
        if (server != null) {
            server.close();
        } else if (!START_FAILED.get()) {
            LOG.log(Level.INFO, "vectaraft stopped during start-up, before serving");
        }
        ServerLogManager.resetAfterStop();
    }

    /** The started server, or null when a shutdown stopped the start. */
    private static VectaraftServer start(ServerConfig config, Consumer<VectaraftServer> serving) {
        try {
            return VectaraftServer.start(config, serving);
        } catch (RuntimeException e) {
            if (STOPPING.get()) {
                return null; // System.exit now would block: the hook is running
            }
            return failedStart(e);
        }
    }

    /** Reports why the start failed and exits: 2 for configuration, 1 for anything else. */
    private static VectaraftServer failedStart(RuntimeException e) {
        START_FAILED.set(true);
        if (e instanceof ConfigException || e instanceof ClusterConfigException) {
            // An unusable key file or certificate, a Raft address taken, a peers list that differs
            // from the group's: a configuration error, as for flags.
            System.err.println("vectaraft: " + e.getMessage());
            System.exit(2);
        } else if (e instanceof VectaraftException || e instanceof UncheckedIOException) {
            // Expected failures (corrupt log, port in use) carry a complete message.
            LOG.log(Level.ERROR, "vectaraft failed to start: " + e.getMessage());
            System.exit(1);
        } else {
            LOG.log(Level.ERROR, "vectaraft failed to start: " + e.getMessage(), e);
            System.exit(1);
        }
        throw e;
    }

    /**
     * Another node serves a group formed from a different peers list: exit as for bad flags (the
     * shutdown hook stops the server).
     */
    private static void misconfiguredCluster(String message) {
        System.err.println("vectaraft: " + message);
        System.exit(2);
    }

    /** Exits 0 after a training run, as on SIGTERM (the shutdown hook stops the server). */
    private static void trainAndExit(VectaraftServer server) {
        try {
            TrainingRun.exercise(server);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "training run failed: " + e.getMessage(), e);
            System.exit(1);
        }
        System.exit(0);
    }

    private static void logSummary(VectaraftServer server, ConfigLoader.Loaded loaded, long ms) {
        ServerConfig c = loaded.config();
        Store store = server.store().orElseThrow();
        long vectors = store.database().list().stream().mapToLong(x -> x.size()).sum();
        String wal =
                c.walEnabled()
                        ? c.walPath() + " (fsync " + c.fsync().name().toLowerCase(Locale.ROOT) + ")"
                        : "off (--no-wal)";
        LOG.log(
                Level.INFO,
                "vectaraft "
                        + Version.get()
                        + " ready in "
                        + ms
                        + " ms: grpc="
                        + server.grpcAddress()
                        + " metrics="
                        + server.metricsAddress().map(Object::toString).orElse("off")
                        + " wal="
                        + wal
                        + " recovered collections="
                        + store.database().list().size()
                        + " vectors="
                        + vectors
                        + "; kernels: "
                        + VectorOps.kernelDescription()
                        + "; config: "
                        + ServerConfig.describeOverrides(loaded.origins()));
    }
}
