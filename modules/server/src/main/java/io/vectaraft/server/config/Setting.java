package io.vectaraft.server.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every configuration setting: its YAML key, environment variable, command-line flag, default and
 * accepted values. The single table behind the loader, {@code --help} and {@code
 * docs/configuration.md}.
 */
public enum Setting {
    GRPC_HOST("grpc.host", null, "--host", "127.0.0.1", Kind.HOST, "gRPC listen host"),
    GRPC_PORT(
            "grpc.port", null, "--port", "50051", Kind.PORT, "gRPC listen port (0: any free port)"),
    MAX_MESSAGE_BYTES(
            "grpc.max-message-bytes",
            "VECTARAFT_MAX_MESSAGE_BYTES",
            "--max-message-bytes",
            Integer.toString(64 << 20),
            Kind.POSITIVE_INT,
            "largest accepted request, in bytes"),
    MAX_RESULTS(
            "limits.max-results",
            "VECTARAFT_MAX_RESULTS",
            "--max-results",
            "100000",
            Kind.POSITIVE_INT,
            "most results one request may ask for: queries x max(top_k, ef) of a query or batch,"
                    + " the ids of a Get, the limit of a Scroll"),
    MAX_RESPONSE_BYTES(
            "limits.max-response-bytes",
            "VECTARAFT_MAX_RESPONSE_BYTES",
            "--max-response-bytes",
            Long.toString(64L << 20),
            Kind.POSITIVE_LONG,
            "largest estimated reply, in bytes: results x (128 + 4 x dimension when values are"
                    + " included)"),
    MAX_FILTER_TERMS(
            "limits.max-filter-terms",
            "VECTARAFT_MAX_FILTER_TERMS",
            "--max-filter-terms",
            "4096",
            Kind.POSITIVE_INT,
            "most conditions and operand values in one filter"),
    MAX_CONCURRENT_SEARCHES(
            "limits.max-concurrent-searches",
            "VECTARAFT_MAX_CONCURRENT_SEARCHES",
            "--max-concurrent-searches",
            "4",
            Kind.POSITIVE_INT,
            "searches and scans (Query, QueryBatch, Get, Count, Scroll, Delete) running at once;"
                    + " more wait in line"),
    QUEUE_TIMEOUT_MS(
            "limits.queue-timeout-ms",
            "VECTARAFT_QUEUE_TIMEOUT_MS",
            "--queue-timeout-ms",
            "1000",
            Kind.POSITIVE_INT,
            "how long a search waits in line before it gets RESOURCE_EXHAUSTED, in milliseconds"),
    WRITE_HEAP_PERCENT(
            "limits.write-heap-percent",
            "VECTARAFT_WRITE_HEAP_PERCENT",
            "--write-heap-percent",
            "90",
            Kind.PERCENT,
            "writes that add data (Upsert, UpdateMetadata, CreateCollection, CreateFieldIndex,"
                    + " CreateAlias, RestoreSnapshot) get RESOURCE_EXHAUSTED while the heap is at"
                    + " least this full after the last garbage collection; reads and deletes go"
                    + " on (100: off)"),
    WAL_ENABLED(
            "wal.enabled",
            "VECTARAFT_ENABLE_WAL",
            "--no-wal",
            "true",
            Kind.BOOLEAN,
            "memory only: no write-ahead log, nothing survives a restart (env: 0|1)"),
    WAL_PATH(
            "wal.path",
            "VECTARAFT_WAL_PATH",
            "--wal-path",
            "./data/wal.jsonl",
            Kind.PATH,
            "the write-ahead log file"),
    FSYNC(
            "wal.fsync",
            "VECTARAFT_FSYNC",
            "--fsync",
            "always",
            Kind.FSYNC,
            "when the log is forced to disk"),
    FSYNC_INTERVAL_MS(
            "wal.fsync-interval-ms",
            "VECTARAFT_FSYNC_INTERVAL_MS",
            "--fsync-interval-ms",
            "10",
            Kind.POSITIVE_INT,
            "period of --fsync interval, in milliseconds"),
    SNAPSHOT_DIR(
            "wal.snapshot-dir",
            "VECTARAFT_SNAPSHOT_DIR",
            "--snapshot-dir",
            "",
            Kind.OPTIONAL_PATH,
            "snapshot directory (empty: 'snapshots' beside the log)"),
    SNAPSHOT_THRESHOLD_BYTES(
            "wal.snapshot-threshold-bytes",
            "VECTARAFT_SNAPSHOT_THRESHOLD_BYTES",
            "--snapshot-threshold-bytes",
            Long.toString(256L << 20),
            Kind.POSITIVE_LONG,
            "log size that triggers a snapshot, in bytes"),
    WAL_RECOVERY(
            "wal.recovery",
            "VECTARAFT_WAL_RECOVERY",
            "--wal-recovery",
            "strict",
            Kind.RECOVERY,
            "on a corrupt log entry: refuse to start, or keep the valid prefix"),
    NODE_ID(
            "cluster.node-id",
            "VECTARAFT_NODE_ID",
            "--node-id",
            "",
            Kind.NODE_ID,
            "this node's id among cluster.peers: the server then runs as a member of a Raft group"
                    + " (empty: standalone)"),
    PEERS(
            "cluster.peers",
            "VECTARAFT_PEERS",
            "--peers",
            "",
            Kind.PEERS,
            "every node of the group as id=host:port (its Raft address), comma-separated, the same"
                    + " on every node"),
    CLUSTER_DIR(
            "cluster.dir",
            "VECTARAFT_CLUSTER_DIR",
            "--cluster-dir",
            "",
            Kind.OPTIONAL_PATH,
            "Raft log, metadata and snapshots of a cluster node (empty: 'raft' beside the log)"),
    CLUSTER_SNAPSHOT_ENTRIES(
            "cluster.snapshot-entries",
            "VECTARAFT_CLUSTER_SNAPSHOT_ENTRIES",
            "--cluster-snapshot-entries",
            "10000",
            Kind.POSITIVE_LONG,
            "Raft log entries between a cluster node's snapshots (the log is purged behind them)"),
    ELECTION_TIMEOUT_MS(
            "cluster.election-timeout-ms",
            "VECTARAFT_ELECTION_TIMEOUT_MS",
            "--election-timeout-ms",
            "500",
            Kind.POSITIVE_INT,
            "a follower campaigns after a random timeout between this and twice this without a"
                    + " message from the leader; a leader's loss is noticed within about 2-4x this"),
    JOIN(
            "cluster.join",
            "VECTARAFT_JOIN",
            "--join",
            "false",
            Kind.BOOLEAN,
            "start outside any group and wait for AddNode through a member to hand this node the"
                    + " group (--peers then only needs to name this node); a node that already"
                    + " stores a group rejoins it"),
    LEADER_LEASE(
            "cluster.leader-lease",
            "VECTARAFT_LEADER_LEASE",
            "--no-leader-lease",
            "true",
            Kind.BOOLEAN,
            "the leader answers linearizable reads within its lease (0.9x the election timeout"
                    + " since a majority last acknowledged it) without a heartbeat round; off:"
                    + " every read index waits for one (env: 0|1)"),
    METRICS_ENABLED(
            "metrics.enabled",
            "VECTARAFT_ENABLE_METRICS",
            "--no-metrics",
            "true",
            Kind.BOOLEAN,
            "no HTTP listener for /metrics and /health (env: 0|1)"),
    METRICS_ADDR(
            "metrics.address",
            "VECTARAFT_METRICS_ADDR",
            "--metrics-addr",
            "127.0.0.1:9100",
            Kind.ADDRESS,
            "HTTP listen address of /metrics and /health"),
    RECALL_SAMPLE_RATE(
            "recall.sample-rate",
            "VECTARAFT_RECALL_SAMPLE_RATE",
            "--recall-sample-rate",
            "0.01",
            Kind.FRACTION,
            "fraction of approximate (HNSW) queries re-run exactly in the background to estimate"
                    + " recall@k (0: off)"),
    API_KEYS_FILE(
            "auth.keys-file",
            "VECTARAFT_API_KEYS_FILE",
            "--api-keys-file",
            "",
            Kind.OPTIONAL_FILE,
            "YAML file of API keys (SHA-256 digests, roles, collections); turns keys on; re-read"
                    + " when it changes and on SIGHUP"),
    API_KEY(
            "auth.api-key",
            "VECTARAFT_API_KEY",
            "--api-key",
            "",
            Kind.SECRET,
            "one admin API key for every collection; turns keys on (prefer the environment:"
                    + " flags show in ps)"),
    OPEN_OBSERVABILITY(
            "auth.open-observability",
            "VECTARAFT_OPEN_OBSERVABILITY",
            "--open-observability",
            "false",
            Kind.BOOLEAN,
            "serve /metrics and /health/ready without a key when keys are on (/health/live is"
                    + " always open)"),
    INSECURE(
            "auth.insecure",
            "VECTARAFT_INSECURE",
            "--insecure",
            "false",
            Kind.BOOLEAN,
            "allow a non-loopback gRPC address without API keys or mutual TLS"),
    TLS_CERT(
            "tls.cert",
            "VECTARAFT_TLS_CERT",
            "--tls-cert",
            "",
            Kind.OPTIONAL_FILE,
            "PEM certificate chain of the gRPC listener (and the HTTP one); with tls.key turns TLS"
                    + " on; reloaded when it changes"),
    TLS_KEY(
            "tls.key",
            "VECTARAFT_TLS_KEY",
            "--tls-key",
            "",
            Kind.OPTIONAL_FILE,
            "PEM private key (PKCS#8, unencrypted) of tls.cert"),
    TLS_CLIENT_CA(
            "tls.client-ca",
            "VECTARAFT_TLS_CLIENT_CA",
            "--tls-client-ca",
            "",
            Kind.OPTIONAL_FILE,
            "PEM certificates that sign accepted client certificates (mutual TLS)"),
    TLS_CLIENT_AUTH(
            "tls.client-auth",
            "VECTARAFT_TLS_CLIENT_AUTH",
            "--tls-client-auth",
            "none",
            Kind.CLIENT_AUTH,
            "client certificates on gRPC: none, optional or require (needs tls.client-ca)"),
    METRICS_TLS(
            "metrics.tls.enabled",
            "VECTARAFT_METRICS_TLS",
            "--no-metrics-tls",
            "true",
            Kind.BOOLEAN,
            "plain HTTP for /metrics and /health even when a certificate is configured (env: 0|1)"),
    METRICS_TLS_CERT(
            "metrics.tls.cert",
            "VECTARAFT_METRICS_TLS_CERT",
            "--metrics-tls-cert",
            "",
            Kind.OPTIONAL_FILE,
            "PEM certificate chain of the HTTP listener (empty: tls.cert)"),
    METRICS_TLS_KEY(
            "metrics.tls.key",
            "VECTARAFT_METRICS_TLS_KEY",
            "--metrics-tls-key",
            "",
            Kind.OPTIONAL_FILE,
            "PEM private key of metrics.tls.cert (empty: tls.key)"),
    TRACING_ENDPOINT(
            "tracing.otlp-endpoint",
            "VECTARAFT_OTLP_ENDPOINT",
            "--otlp-endpoint",
            "",
            Kind.ENDPOINT,
            "OpenTelemetry collector that receives traces, e.g. http://127.0.0.1:4318 (empty:"
                    + " tracing off)"),
    TRACING_PROTOCOL(
            "tracing.otlp-protocol",
            "VECTARAFT_OTLP_PROTOCOL",
            "--otlp-protocol",
            "http/protobuf",
            Kind.OTLP_PROTOCOL,
            "OTLP transport to the collector: http/protobuf (port 4318) or grpc (port 4317)"),
    TRACING_SAMPLE_RATIO(
            "tracing.sample-ratio",
            "VECTARAFT_TRACE_SAMPLE_RATIO",
            "--trace-sample-ratio",
            "1.0",
            Kind.FRACTION,
            "fraction of new traces recorded (a caller's sampled traceparent is always followed)");

    /** The shortest {@link #API_KEY} accepted: a guessable key on a network is no key. */
    public static final int MIN_SECRET_LENGTH = 16;

    /** Sets both {@link #GRPC_HOST} and {@link #GRPC_PORT} from {@code host:port}. */
    public static final String GRPC_ADDR_ENV = "VECTARAFT_GRPC_ADDR";

    private final String key;
    private final String env;
    private final String flag;
    private final String defaultValue;
    private final Kind kind;
    private final String help;

    Setting(String key, String env, String flag, String defaultValue, Kind kind, String help) {
        this.key = key;
        this.env = env;
        this.flag = flag;
        this.defaultValue = defaultValue;
        this.kind = kind;
        this.help = help;
    }

    public String key() {
        return key;
    }

    public Optional<String> env() {
        return Optional.ofNullable(env);
    }

    public String flag() {
        return flag;
    }

    /** Whether the flag switches the setting off ({@code --no-wal}) instead of taking a value. */
    public boolean negatingFlag() {
        return flag.startsWith("--no-");
    }

    /**
     * Whether the flag takes no value: a boolean's flag switches it off ({@code --no-wal}) or on
     * ({@code --insecure}).
     */
    public boolean switchFlag() {
        return kind == Kind.BOOLEAN;
    }

    /** Whether the value is a secret: never logged or echoed in an error message. */
    public boolean secret() {
        return kind == Kind.SECRET;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String accepted() {
        return kind.accepted;
    }

    public String help() {
        return help;
    }

    /** The flag as {@code --help} shows it, e.g. {@code --port <port>} or {@code --no-wal}. */
    public String usage() {
        return switchFlag() ? flag : flag + " " + kind.placeholder();
    }

    /** The value parsed to its type, or an {@link IllegalArgumentException}. */
    Object parse(String raw) {
        return kind.parser.apply(raw.strip());
    }

    static Optional<Setting> byKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }

    static Optional<Setting> byFlag(String flag) {
        return Arrays.stream(values()).filter(s -> s.flag.equals(flag)).findFirst();
    }

    /** Value types, each with the accepted values as an error message states them. */
    private enum Kind {
        HOST("a host name or IP address", s -> new HostPort(s, 0).host()),
        PORT("an integer 0..65535", HostPort::parsePort),
        ADDRESS("host:port with port 0..65535", HostPort::parse),
        POSITIVE_INT("an integer 1..2147483647", s -> (int) positive(s, Integer.MAX_VALUE)),
        POSITIVE_LONG("a positive integer", s -> positive(s, Long.MAX_VALUE)),
        PERCENT("an integer 1..100", s -> (int) positive(s, 100)),
        BOOLEAN("1, 0, true or false", Kind::bool),
        PATH("a non-empty file path", Kind::path),
        OPTIONAL_PATH("a directory path, or empty", s -> s),
        FSYNC("always, interval or none", s -> oneOf(s, "always", "interval", "none")),
        RECOVERY("strict or truncate", s -> oneOf(s, "strict", "truncate")),
        FRACTION("a number 0..1", Kind::fraction),
        OPTIONAL_FILE("a file path, or empty", s -> s),
        SECRET(
                "at least " + MIN_SECRET_LENGTH + " characters (e.g. openssl rand -hex 32)",
                Kind::secret),
        CLIENT_AUTH("none, optional or require", s -> oneOf(s, "none", "optional", "require")),
        ENDPOINT("an http:// or https:// URL with a host, or empty", Kind::endpoint),
        OTLP_PROTOCOL("grpc or http/protobuf", s -> oneOf(s, "grpc", "http/protobuf")),
        NODE_ID(
                "1-64 letters, digits, '-' or '_', or empty",
                s -> s.isEmpty() || s.matches("[A-Za-z0-9_-]{1,64}") ? s : fail()),
        PEERS("id=host:port,... (ports 1..65535, ids and addresses unique), or empty", Kind::peers);

        final String accepted;
        final Function<String, Object> parser;

        Kind(String accepted, Function<String, Object> parser) {
            this.accepted = accepted;
            this.parser = parser;
        }

        /** How {@code --help} shows the value of a flag. */
        String placeholder() {
            return switch (this) {
                case HOST -> "<host>";
                case PORT -> "<port>";
                case ADDRESS -> "<host:port>";
                case POSITIVE_INT, POSITIVE_LONG -> "<n>";
                case PERCENT -> "<1..100>";
                case BOOLEAN -> "<0|1>";
                case PATH -> "<file>";
                case OPTIONAL_PATH -> "<dir>";
                case FSYNC -> "<always|interval|none>";
                case RECOVERY -> "<strict|truncate>";
                case FRACTION -> "<0..1>";
                case OPTIONAL_FILE -> "<file>";
                case SECRET -> "<key>";
                case CLIENT_AUTH -> "<none|optional|require>";
                case ENDPOINT -> "<url>";
                case OTLP_PROTOCOL -> "<grpc|http/protobuf>";
                case NODE_ID -> "<id>";
                case PEERS -> "<id=host:port,...>";
            };
        }

        private static long positive(String s, long max) {
            try {
                long v = Long.parseLong(s);
                if (v >= 1 && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // rejected below
            }
            throw new IllegalArgumentException();
        }

        private static Object fraction(String s) {
            try {
                double v = Double.parseDouble(s);
                if (v >= 0 && v <= 1) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // rejected below
            }
            throw new IllegalArgumentException();
        }

        private static Object secret(String s) {
            if (!s.isEmpty() && s.length() < MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException();
            }
            return s;
        }

        private static Object endpoint(String s) {
            if (s.isEmpty()) {
                return s;
            }
            try {
                java.net.URI uri = new java.net.URI(s);
                String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                    return s;
                }
            } catch (java.net.URISyntaxException e) {
                // rejected below
            }
            throw new IllegalArgumentException();
        }

        private static Object fail() {
            throw new IllegalArgumentException();
        }

        private static Object peers(String s) {
            return s.isEmpty() ? s : io.vectaraft.cluster.Peers.parse(s).toString();
        }

        private static Object bool(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "1", "true" -> true;
                case "0", "false" -> false;
                default -> throw new IllegalArgumentException();
            };
        }

        private static Object path(String s) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException();
            }
            return s;
        }

        private static Object oneOf(String s, String... allowed) {
            String lower = s.toLowerCase(Locale.ROOT);
            if (Arrays.asList(allowed).contains(lower)) {
                return lower;
            }
            throw new IllegalArgumentException();
        }
    }
}
