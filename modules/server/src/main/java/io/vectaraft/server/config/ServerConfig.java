package io.vectaraft.server.config;

import io.vectaraft.cluster.Peers;
import io.vectaraft.server.config.TlsSettings.PemIdentity;
import io.vectaraft.wal.FsyncPolicy;
import io.vectaraft.wal.StorageOptions;
import io.vectaraft.wal.StorageOptions.RecoveryMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Optional;

/**
 * The server's settings, validated. Build it with {@link ConfigLoader}; see {@link Setting} for
 * names, sources and defaults.
 */
public record ServerConfig(
        HostPort grpcAddress,
        int maxMessageBytes,
        Limits limits,
        boolean walEnabled,
        Path walPath,
        FsyncPolicy fsync,
        Duration fsyncInterval,
        Path snapshotDir,
        long snapshotThresholdBytes,
        RecoveryMode walRecovery,
        boolean metricsEnabled,
        HostPort metricsAddress,
        double recallSampleRate,
        AuthSettings auth,
        TlsSettings tls,
        TracingSettings tracing,
        Optional<ClusterSettings> cluster) {

    /** The defaults alone (no file, no environment, no flags). */
    public static ServerConfig defaults(Path workingDir) {
        return ConfigLoader.load(CommandLine.parse(List.of()), Map.of(), workingDir).config();
    }

    /** Parsed per-setting values (see {@link Setting#parse}) into a config. */
    static ServerConfig from(Map<Setting, Object> v, Path workingDir) {
        Path wal = workingDir.resolve((String) v.get(Setting.WAL_PATH)).normalize();
        String snapshots = (String) v.get(Setting.SNAPSHOT_DIR);
        return new ServerConfig(
                new HostPort((String) v.get(Setting.GRPC_HOST), (Integer) v.get(Setting.GRPC_PORT)),
                (Integer) v.get(Setting.MAX_MESSAGE_BYTES),
                new Limits(
                        (Integer) v.get(Setting.MAX_RESULTS),
                        (Long) v.get(Setting.MAX_RESPONSE_BYTES),
                        (Integer) v.get(Setting.MAX_FILTER_TERMS),
                        (Integer) v.get(Setting.MAX_CONCURRENT_SEARCHES),
                        Duration.ofMillis((Integer) v.get(Setting.QUEUE_TIMEOUT_MS)),
                        (Integer) v.get(Setting.WRITE_HEAP_PERCENT)),
                (Boolean) v.get(Setting.WAL_ENABLED),
                wal,
                FsyncPolicy.valueOf(upper(v.get(Setting.FSYNC))),
                Duration.ofMillis((Integer) v.get(Setting.FSYNC_INTERVAL_MS)),
                snapshots.isEmpty()
                        ? wal.resolveSibling("snapshots")
                        : workingDir.resolve(snapshots).normalize(),
                (Long) v.get(Setting.SNAPSHOT_THRESHOLD_BYTES),
                RecoveryMode.valueOf(upper(v.get(Setting.WAL_RECOVERY))),
                (Boolean) v.get(Setting.METRICS_ENABLED),
                (HostPort) v.get(Setting.METRICS_ADDR),
                (Double) v.get(Setting.RECALL_SAMPLE_RATE),
                auth(v, workingDir),
                tls(v, workingDir),
                tracing(v),
                cluster(v, workingDir, wal));
    }

    private static TracingSettings tracing(Map<Setting, Object> v) {
        return new TracingSettings(
                text(v, Setting.TRACING_ENDPOINT).map(java.net.URI::create),
                TracingSettings.Protocol.parse((String) v.get(Setting.TRACING_PROTOCOL)),
                (Double) v.get(Setting.TRACING_SAMPLE_RATIO));
    }

    /** Both the node id and the peers, or neither (standalone). */
    private static Optional<ClusterSettings> cluster(
            Map<Setting, Object> v, Path workingDir, Path wal) {
        Optional<String> node = text(v, Setting.NODE_ID);
        Optional<String> peers = text(v, Setting.PEERS);
        if (node.isPresent() != peers.isPresent()) {
            Setting given = node.isPresent() ? Setting.NODE_ID : Setting.PEERS;
            Setting missing = node.isPresent() ? Setting.PEERS : Setting.NODE_ID;
            throw new ConfigException(
                    given.key()
                            + " is set but "
                            + missing.key()
                            + " is not: expected both for a cluster node, or neither");
        }
        if (node.isEmpty()) {
            return Optional.empty();
        }
        Peers group = Peers.parse(peers.get());
        if (group.find(node.get()).isEmpty()) {
            throw new ConfigException(
                    Setting.NODE_ID.key()
                            + ": expected one of the ids in "
                            + Setting.PEERS.key()
                            + " ("
                            + group
                            + "), got \""
                            + node.get()
                            + "\"");
        }
        String dir = (String) v.get(Setting.CLUSTER_DIR);
        return Optional.of(
                new ClusterSettings(
                        node.get(),
                        group,
                        dir.isEmpty()
                                ? wal.resolveSibling("raft")
                                : workingDir.resolve(dir).normalize(),
                        (Long) v.get(Setting.CLUSTER_SNAPSHOT_ENTRIES),
                        Duration.ofMillis((Integer) v.get(Setting.ELECTION_TIMEOUT_MS)),
                        (Boolean) v.get(Setting.LEADER_LEASE),
                        (Boolean) v.get(Setting.JOIN)));
    }

    private static AuthSettings auth(Map<Setting, Object> v, Path workingDir) {
        return new AuthSettings(
                file(v, Setting.API_KEYS_FILE, workingDir),
                text(v, Setting.API_KEY),
                (Boolean) v.get(Setting.OPEN_OBSERVABILITY),
                (Boolean) v.get(Setting.INSECURE));
    }

    private static TlsSettings tls(Map<Setting, Object> v, Path workingDir) {
        Optional<PemIdentity> grpc =
                identity(v, Setting.TLS_CERT, Setting.TLS_KEY, workingDir, Optional.empty());
        Optional<PemIdentity> http =
                (Boolean) v.get(Setting.METRICS_TLS)
                        ? identity(
                                v,
                                Setting.METRICS_TLS_CERT,
                                Setting.METRICS_TLS_KEY,
                                workingDir,
                                grpc)
                        : Optional.empty();
        return new TlsSettings(
                grpc,
                file(v, Setting.TLS_CLIENT_CA, workingDir),
                TlsSettings.ClientAuth.valueOf(upper(v.get(Setting.TLS_CLIENT_AUTH))),
                http);
    }

    /** Both files or neither; neither means {@code otherwise}. */
    private static Optional<PemIdentity> identity(
            Map<Setting, Object> v,
            Setting cert,
            Setting key,
            Path workingDir,
            Optional<PemIdentity> otherwise) {
        Optional<Path> c = file(v, cert, workingDir);
        Optional<Path> k = file(v, key, workingDir);
        if (c.isPresent() != k.isPresent()) {
            Setting given = c.isPresent() ? cert : key;
            Setting missing = c.isPresent() ? key : cert;
            throw new ConfigException(
                    given.key()
                            + " is set but "
                            + missing.key()
                            + " is not: expected both the certificate and its private key");
        }
        return c.isPresent() ? Optional.of(new PemIdentity(c.get(), k.get())) : otherwise;
    }

    private static Optional<String> text(Map<Setting, Object> v, Setting s) {
        String value = (String) v.get(s);
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static Optional<Path> file(Map<Setting, Object> v, Setting s, Path workingDir) {
        return text(v, s).map(f -> workingDir.resolve(f).normalize());
    }

    private static String upper(Object o) {
        return ((String) o).toUpperCase(Locale.ROOT);
    }

    public StorageOptions storageOptions() {
        return new StorageOptions(
                walPath, snapshotDir, fsync, fsyncInterval, snapshotThresholdBytes, walRecovery);
    }

    /** Describes the non-default values and their sources, for the startup log. */
    public static String describeOverrides(Map<Setting, ConfigLoader.Origin> origins) {
        StringBuilder b = new StringBuilder();
        for (Entry<Setting, ConfigLoader.Origin> e : new java.util.TreeMap<>(origins).entrySet()) {
            if (!e.getValue().isDefault()) {
                b.append(b.isEmpty() ? "" : ", ")
                        .append(e.getKey().key())
                        .append('=')
                        .append(e.getKey().secret() ? "(secret)" : e.getValue().value())
                        .append(" (")
                        .append(e.getValue().source())
                        .append(')');
            }
        }
        return b.isEmpty() ? "all defaults" : b.toString();
    }
}
