package io.vectaraft.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.wal.FsyncPolicy;
import io.vectaraft.wal.StorageOptions.RecoveryMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Layering (defaults < YAML < environment < flags) and every kind of invalid configuration. */
class ConfigLoaderTest {
    @TempDir Path dir;

    private ConfigLoader.Loaded load(Map<String, String> env, String... flags) {
        return ConfigLoader.load(CommandLine.parse(List.of(flags)), env, dir);
    }

    private Path yaml(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void defaults() {
        ServerConfig c = load(Map.of()).config();
        assertEquals(new HostPort("127.0.0.1", 50051), c.grpcAddress());
        assertEquals(64 << 20, c.maxMessageBytes());
        assertTrue(c.walEnabled(), "WAL on by default");
        assertEquals(
                dir.resolve("data/wal.jsonl"), c.walPath(), "relative to the working directory");
        assertEquals(dir.resolve("data/snapshots"), c.snapshotDir(), "beside the log");
        assertEquals(FsyncPolicy.ALWAYS, c.fsync());
        assertEquals(Duration.ofMillis(10), c.fsyncInterval());
        assertEquals(256L << 20, c.snapshotThresholdBytes());
        assertEquals(RecoveryMode.STRICT, c.walRecovery());
        assertTrue(c.metricsEnabled());
        assertEquals(new HostPort("127.0.0.1", 9100), c.metricsAddress());
    }

    @Test
    void eachLayerOverridesTheOneBelow() throws IOException {
        yaml(
                "vectaraft.yaml",
                """
                grpc:
                  port: 6000
                  host: 0.0.0.0
                wal:
                  fsync: interval
                  path: yaml/wal.jsonl
                  recovery: truncate
                metrics:
                  address: 127.0.0.1:9200
                auth:
                  insecure: true
                """);
        Map<String, String> env =
                Map.of("VECTARAFT_FSYNC", "none", "VECTARAFT_METRICS_ADDR", "127.0.0.1:9300");
        ConfigLoader.Loaded loaded = load(env, "--metrics-addr", "127.0.0.1:9400");
        ServerConfig c = loaded.config();
        assertEquals(new HostPort("0.0.0.0", 6000), c.grpcAddress(), "YAML over defaults");
        assertEquals(dir.resolve("yaml/wal.jsonl"), c.walPath(), "YAML over defaults");
        assertEquals(RecoveryMode.TRUNCATE, c.walRecovery(), "YAML over defaults");
        assertEquals(FsyncPolicy.NONE, c.fsync(), "environment over YAML");
        assertEquals(new HostPort("127.0.0.1", 9400), c.metricsAddress(), "flag over environment");

        Map<Setting, ConfigLoader.Origin> o = loaded.origins();
        assertEquals("environment variable VECTARAFT_FSYNC", o.get(Setting.FSYNC).source());
        assertEquals("flag --metrics-addr", o.get(Setting.METRICS_ADDR).source());
        assertTrue(
                o.get(Setting.GRPC_PORT).source().startsWith("config file "),
                o.get(Setting.GRPC_PORT).source());
        assertEquals("default", o.get(Setting.MAX_MESSAGE_BYTES).source());
        String summary = ServerConfig.describeOverrides(o);
        assertTrue(
                summary.contains("wal.fsync=none (environment variable VECTARAFT_FSYNC)"), summary);
        assertFalse(
                summary.contains("grpc.max-message-bytes"), "defaults are not listed: " + summary);
    }

    @Test
    void explicitConfigFileReplacesTheDefaultFile() throws IOException {
        yaml("vectaraft.yaml", "grpc:\n  port: 6000\n");
        Path other = yaml("other.yaml", "grpc:\n  port: 7000\nwal:\n  enabled: false\n");
        ServerConfig c = load(Map.of(), "--config", other.toString()).config();
        assertEquals(7000, c.grpcAddress().port());
        assertFalse(c.walEnabled());
    }

    @Test
    void booleanSwitchesFromEveryLayer() {
        assertFalse(load(Map.of("VECTARAFT_ENABLE_WAL", "0")).config().walEnabled());
        assertTrue(load(Map.of("VECTARAFT_ENABLE_WAL", "1")).config().walEnabled());
        assertFalse(load(Map.of("VECTARAFT_ENABLE_METRICS", "false")).config().metricsEnabled());
        assertFalse(
                load(Map.of("VECTARAFT_ENABLE_WAL", "1"), "--no-wal").config().walEnabled(),
                "flag over env");
        assertFalse(load(Map.of(), "--no-metrics").config().metricsEnabled());
    }

    @Test
    void grpcAddrEnvironmentSetsHostAndPortAndFlagsStillWin() {
        ServerConfig c = load(Map.of("VECTARAFT_GRPC_ADDR", "0.0.0.0:7000"), "--insecure").config();
        assertEquals(new HostPort("0.0.0.0", 7000), c.grpcAddress());
        c = load(Map.of("VECTARAFT_GRPC_ADDR", "0.0.0.0:7000"), "--port=0", "--insecure").config();
        assertEquals(new HostPort("0.0.0.0", 0), c.grpcAddress());
        c = load(Map.of("VECTARAFT_GRPC_ADDR", "[::1]:7001")).config();
        assertEquals(new HostPort("::1", 7001), c.grpcAddress());
    }

    @Test
    void clusterElectionTimeoutFromEnvironmentAndFlag() {
        Map<String, String> env =
                Map.of("VECTARAFT_NODE_ID", "n1", "VECTARAFT_PEERS", "n1=127.0.0.1:7001");
        assertEquals(
                Duration.ofMillis(500),
                load(env).config().cluster().orElseThrow().electionTimeout(),
                "default");
        Map<String, String> shorter = new HashMap<>(env);
        shorter.put("VECTARAFT_ELECTION_TIMEOUT_MS", "200");
        assertEquals(
                Duration.ofMillis(200),
                load(shorter).config().cluster().orElseThrow().electionTimeout());
        assertEquals(
                Duration.ofMillis(250),
                load(shorter, "--election-timeout-ms", "250")
                        .config()
                        .cluster()
                        .orElseThrow()
                        .electionTimeout(),
                "the flag wins");
    }

    @Test
    void leaderLeaseOnByDefaultOffByEnvironmentOrFlag() {
        Map<String, String> env =
                Map.of("VECTARAFT_NODE_ID", "n1", "VECTARAFT_PEERS", "n1=127.0.0.1:7001");
        assertTrue(load(env).config().cluster().orElseThrow().leaderLease(), "default");
        assertFalse(load(env, "--no-leader-lease").config().cluster().orElseThrow().leaderLease());
        Map<String, String> off = new HashMap<>(env);
        off.put("VECTARAFT_LEADER_LEASE", "0");
        assertFalse(load(off).config().cluster().orElseThrow().leaderLease());
    }

    @Test
    void joinOffByDefaultOnByEnvironmentOrFlag() {
        Map<String, String> env =
                Map.of("VECTARAFT_NODE_ID", "n4", "VECTARAFT_PEERS", "n4=127.0.0.1:7004");
        assertFalse(load(env).config().cluster().orElseThrow().join(), "default");
        assertTrue(load(env, "--join").config().cluster().orElseThrow().join());
        Map<String, String> on = new HashMap<>(env);
        on.put("VECTARAFT_JOIN", "1");
        assertTrue(load(on).config().cluster().orElseThrow().join());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--port 70000 | invalid grpc.port \"70000\" from flag --port: expected an integer 0..65535",
                "--port http | invalid grpc.port \"http\" from flag --port: expected an integer 0..65535",
                "--fsync sometimes | invalid wal.fsync \"sometimes\" from flag --fsync: expected always, interval or none",
                "--wal-recovery=lenient | invalid wal.recovery \"lenient\" from flag --wal-recovery: expected strict or truncate",
                "--metrics-addr localhost | invalid metrics.address \"localhost\" from flag --metrics-addr: expected host:port with port 0..65535",
                "--max-message-bytes 0 | invalid grpc.max-message-bytes \"0\" from flag --max-message-bytes: expected an integer 1..2147483647",
                "--election-timeout-ms 0 | invalid cluster.election-timeout-ms \"0\" from flag --election-timeout-ms: expected an integer 1..2147483647",
                "--write-heap-percent 0 | invalid limits.write-heap-percent \"0\" from flag --write-heap-percent: expected an integer 1..100",
                "--write-heap-percent 101 | invalid limits.write-heap-percent \"101\" from flag --write-heap-percent: expected an integer 1..100",
                "--bogus | unknown flag \"--bogus\" (run with --help for the list)",
                "--port | flag --port needs a value",
                "--port 1 --port 2 | flag --port given twice",
                "--no-wal=true | flag --no-wal takes no value",
                "--config missing.yaml | (flag --config): expected a readable YAML file, got no such file",
            })
    void invalidFlagsSayWhatWhereAndWhatIsAccepted(String flags, String message) {
        ConfigException e =
                assertThrows(ConfigException.class, () -> load(Map.of(), flags.strip().split(" ")));
        assertTrue(e.getMessage().contains(message), "got: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "VECTARAFT_ENABLE_WAL | yes | invalid wal.enabled \"yes\" from environment variable VECTARAFT_ENABLE_WAL: expected 1, 0, true or false",
                "VECTARAFT_METRICS_ADDR | 127.0.0.1:99999 | from environment variable VECTARAFT_METRICS_ADDR: expected host:port with port 0..65535",
                "VECTARAFT_GRPC_ADDR | nohost | invalid gRPC address \"nohost\" from environment variable VECTARAFT_GRPC_ADDR: expected host:port",
                "VECTARAFT_FSYNC | often | from environment variable VECTARAFT_FSYNC: expected always, interval or none",
                "VECTARAFT_WRITE_HEAP_PERCENT | 95% | invalid limits.write-heap-percent \"95%\" from environment variable VECTARAFT_WRITE_HEAP_PERCENT: expected an integer 1..100",
            })
    void invalidEnvironmentSaysWhichVariable(String name, String value, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(name, value)));
        assertTrue(e.getMessage().contains(message), "got: " + e.getMessage());
    }

    @Test
    void invalidYamlValueNamesTheFileAndKey() throws IOException {
        Path file = yaml("vectaraft.yaml", "wal:\n  fsync: sometimes\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of()));
        assertEquals(
                "invalid wal.fsync \"sometimes\" from config file "
                        + file
                        + " (wal.fsync): expected always, interval or none",
                e.getMessage());
    }

    @Test
    void unknownYamlKeyIsAnError() throws IOException {
        yaml("vectaraft.yaml", "grpc:\n  prot: 6000\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of()));
        assertTrue(e.getMessage().contains("unknown key \"grpc.prot\""), e.getMessage());
    }

    @Test
    void unparsableYamlIsOneClearLine() throws IOException {
        Path file = yaml("broken.yaml", "grpc:\n  port: [6000\n  host: : :\n");
        ConfigException e =
                assertThrows(
                        ConfigException.class, () -> load(Map.of(), "--config", file.toString()));
        assertTrue(
                e.getMessage().startsWith("config file " + file + ": expected valid YAML, got "),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void unknownVectaraftVariablesAreWarnedAboutNotFatal() {
        ConfigLoader.Loaded loaded =
                load(
                        Map.of(
                                "VECTARAFT_ENABLE_METRIC",
                                "0",
                                "VECTARAFT_FSYNC",
                                "none",
                                "VECTARAFT_JAVA_OPTS",
                                "-Xmx1g",
                                "VECTARAFT_JDK",
                                "/opt/jdk",
                                "PATH",
                                "/bin"));
        assertEquals(
                List.of(
                        "unknown environment variable VECTARAFT_ENABLE_METRIC ignored (see --help)"),
                loaded.warnings(),
                "the launcher's and run.sh's own variables are known");
        assertTrue(loaded.config().metricsEnabled(), "the misspelt variable changed nothing");
    }

    @Test
    void helpListsEveryFlag() {
        String usage = CommandLine.usage();
        for (Setting s : Setting.values()) {
            assertTrue(usage.contains(s.flag()), s.flag() + " in --help");
        }
        assertTrue(usage.contains("--config"));
        assertTrue(usage.contains("--version"));
    }
}
