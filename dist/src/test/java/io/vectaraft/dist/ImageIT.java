package io.vectaraft.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vectaraft.api.v1.Condition;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.Filter;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.PingResponse;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryResponse;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.ScoredRecord;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.Value;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import io.vectaraft.client.PingClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box test of the runtime image: {@code bin/vectaraft} as a real process, real sockets, real
 * files, SIGTERM, restart on the same log.
 */
class ImageIT {
    /** The JVM's exit status after SIGTERM once its shutdown hooks have run (128 + 15). */
    private static final int SIGTERM_EXIT = 143;

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    /** The metrics address in the server's ready line, e.g. {@code metrics=127.0.0.1:41925}. */
    private static final Pattern METRICS_ADDR = Pattern.compile("metrics=([0-9.]+):(\\d+)");

    @TempDir Path work;

    @Test
    void helpAndVersionWorkFromAnyDirectory() throws Exception {
        Path elsewhere = Files.createDirectories(work.resolve("somewhere else"));
        Command help = runLauncher(elsewhere, "--help");
        assertEquals(0, help.exit(), "--help exit status; output:\n" + help.output());
        for (String flag : List.of("--host", "--port", "--no-wal", "--wal-path", "--config")) {
            assertTrue(help.output().contains(flag), "--help should list " + flag + ":\n" + help);
        }
        Command version = runLauncher(elsewhere, "--version");
        assertEquals(0, version.exit(), "--version exit status; output:\n" + version.output());
        assertEquals(
                "vectaraft " + Fixtures.version() + "\n",
                version.output(),
                "--version prints its one line and nothing else (stdout and stderr)");
        assertFalse(
                help.output().contains("WARNING"),
                "--help prints the usage and nothing else (stdout and stderr):\n" + help.output());
    }

    @Test
    void servesPersistsAcrossRestartAndStopsCleanly() throws Exception {
        Path data = work.resolve("data");
        String walPath = data.resolve("wal.jsonl").toString();
        // Metrics on (any free port): Helidon's observers need JDK modules that jdeps cannot see.
        String[] args = {
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--wal-path",
            walPath,
            "--metrics-addr",
            "127.0.0.1:0"
        };

        try (ServerProcess server = ServerProcess.start(Fixtures.image(), work, Map.of(), args)) {
            server.awaitPort();
            assertTrue(
                    server.handle().info().command().orElse("").endsWith("/bin/java"),
                    "the launcher must exec the JVM so that signals reach it, got "
                            + server.handle().info().command());
            // The startup log names the version (fails after a timeout if it never does).
            server.awaitLine(Pattern.compile("vectaraft " + Pattern.quote(Fixtures.version())));
            // It says once which distance kernels run: serving loads the Vector API.
            String ready = server.awaitLine(Pattern.compile("ready in \\d+ ms"));
            assertTrue(
                    ready.contains("; kernels: Panama Vector API, "),
                    "the ready line names the kernels: " + ready);
            assertEquals(
                    1,
                    server.output().lines().filter(l -> l.contains("Vector API")).count(),
                    "the kernels are named once; output:\n" + server.output());
            withStub(
                    server,
                    (channel, calls) -> {
                        PingResponse pong = PingClient.ping(channel, CALL_TIMEOUT);
                        assertEquals(Fixtures.version(), pong.getVersion(), "Ping version");
                        calls.stub()
                                .createCollection(
                                        CreateCollectionRequest.newBuilder()
                                                .setName("films")
                                                .setDimension(3)
                                                .setMetric(Metric.EUCLIDEAN)
                                                .build());
                        calls.stub()
                                .upsert(
                                        UpsertRequest.newBuilder()
                                                .setCollection("films")
                                                .addRecords(record("a", 0, 0, 0, "sf"))
                                                .addRecords(record("b", 1, 0, 0, "noir"))
                                                .addRecords(record("c", 3, 0, 0, "sf"))
                                                .build());
                        assertQueryAnswers(calls);
                    });
            assertMetricsServed(server);
            assertEquals(SIGTERM_EXIT, server.stop(), "exit status; output:\n" + server.output());
        }

        assertTrue(Files.exists(Path.of(walPath)), "the log should exist at " + walPath);
        try (ServerProcess server = ServerProcess.start(Fixtures.image(), work, Map.of(), args)) {
            withStub(
                    server,
                    (channel, calls) -> {
                        long count =
                                calls.stub()
                                        .count(
                                                CountRequest.newBuilder()
                                                        .setCollection("films")
                                                        .build())
                                        .getCount();
                        assertEquals(3, count, "records recovered from the log");
                        assertQueryAnswers(calls);
                    });
            assertEquals(SIGTERM_EXIT, server.stop(), "exit status; output:\n" + server.output());
        }
    }

    /**
     * The image's class-data-sharing archive (lib/vectaraft.jsa, see jlink/README.md) is used with
     * our module path and the incubator module, and a start whose archive cannot be used (here a
     * damaged one) still serves and prints nothing about it.
     */
    @Test
    void usesItsClassDataArchiveAndFallsBackSilently() throws Exception {
        Path archive = Fixtures.image().resolve("lib").resolve("vectaraft.jsa");
        assertTrue(Files.size(archive) > 0, "the image build makes " + archive);
        Path classLog = work.resolve("classes.log");
        Path damaged = Files.write(work.resolve("damaged.jsa"), new byte[64 * 1024]);
        List<Map<String, String>> envs =
                List.of(
                        Map.of("VECTARAFT_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog),
                        Map.of("VECTARAFT_JAVA_OPTS", "-XX:SharedArchiveFile=" + damaged));
        for (Map<String, String> env : envs) {
            try (ServerProcess server =
                    ServerProcess.start(
                            Fixtures.image(),
                            work,
                            env,
                            "--port",
                            "0",
                            "--no-wal",
                            "--metrics-addr",
                            "127.0.0.1:0")) {
                server.awaitLine(Pattern.compile("ready in \\d+ ms"));
                assertEquals(
                        SIGTERM_EXIT, server.stop(), "exit status; output:\n" + server.output());
                List<String> jvmLog =
                        server.output().lines().filter(l -> l.matches("\\[[0-9.]+s\\].*")).toList();
                assertEquals(List.of(), jvmLog, "no JVM log lines on the console with " + env);
            }
        }
        String loaded = Files.readString(classLog);
        assertTrue(
                loaded.contains("io.vectaraft.server.Main source: shared objects file (top)"),
                "the server's classes come from the archive; class log:\n"
                        + loaded.lines().filter(l -> l.contains("io.vectaraft")).limit(5).toList());
    }

    @Test
    void javaOptionsAreOverridable() throws Exception {
        Map<String, String> env = Map.of("VECTARAFT_JAVA_OPTS", "-XX:+UseSerialGC -Xmx256m");
        try (ServerProcess server =
                ServerProcess.start(
                        Fixtures.image(), work, env, "--port", "0", "--no-wal", "--no-metrics")) {
            int port = server.awaitPort();
            List<String> jvmArgs = List.of(server.handle().info().arguments().orElseThrow());
            assertTrue(jvmArgs.contains("-XX:+UseSerialGC"), "user GC passed on: " + jvmArgs);
            assertFalse(
                    jvmArgs.contains("-XX:+UseG1GC"),
                    "the default collector must step aside for the user's: " + jvmArgs);
            assertEquals(
                    List.of("-Xmx256m"),
                    jvmArgs.stream().filter(a -> a.startsWith("-Xmx")).toList(),
                    "the default heap size must step aside for the user's: " + jvmArgs);
            assertTrue(
                    jvmArgs.indexOf("-Xmx256m") > jvmArgs.indexOf("-XX:+ExitOnOutOfMemoryError"),
                    "user options must come after the defaults so that they win: " + jvmArgs);
            // The ping command itself, as clients/java/ping.sh runs it.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
            int status =
                    PingClient.run(
                            new String[] {"127.0.0.1:" + port, "--timeout", "30"}, print, print);
            assertEquals(
                    0, status, "ping status; output: " + out + "\nserver:\n" + server.output());
            assertTrue(
                    out.toString(StandardCharsets.UTF_8)
                            .startsWith(
                                    "vectaraft " + Fixtures.version() + " at 127.0.0.1:" + port),
                    "ping output: " + out);
            assertEquals(SIGTERM_EXIT, server.stop(), "exit status; output:\n" + server.output());
        }
    }

    /**
     * The launcher sizes the heap by the rule of jlink/vectaraft.sh (half the memory up to 1 GiB, a
     * quarter up to 8 GiB, whichever is larger), from the RAM or the cgroup limit, whichever is
     * smaller; recomputed here from the same sources.
     */
    @Test
    void defaultHeapFollowsTheMemoryOfTheMachine() throws Exception {
        try (ServerProcess server =
                ServerProcess.start(
                        Fixtures.image(),
                        work,
                        Map.of(),
                        "--port",
                        "0",
                        "--no-wal",
                        "--no-metrics")) {
            server.awaitPort();
            List<String> jvmArgs = List.of(server.handle().info().arguments().orElseThrow());
            long mb = memoryMb();
            long expected = Math.max(Math.min(mb / 2, 1024), Math.min(mb / 4, 8192));
            List<String> xmx = jvmArgs.stream().filter(a -> a.startsWith("-Xmx")).toList();
            assertEquals(1, xmx.size(), "one default -Xmx: " + jvmArgs);
            long actual = Long.parseLong(xmx.getFirst().replaceAll("\\D", ""));
            // awk truncates the fraction, as the integer division here does: at most 1 MB apart.
            assertTrue(
                    Math.abs(actual - expected) <= 1,
                    "default heap " + actual + " MB for " + mb + " MB of memory: " + jvmArgs);
            assertFalse(
                    jvmArgs.stream().anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage")),
                    "no percentage of the RAM any more: " + jvmArgs);
            assertEquals(SIGTERM_EXIT, server.stop(), "exit status; output:\n" + server.output());
        }
    }

    /** The memory the launcher sizes the heap from: the cgroup limit if below the RAM. */
    private static long memoryMb() throws Exception {
        long mb = -1;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                mb = Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        for (String limit :
                List.of(
                        "/sys/fs/cgroup/memory.max",
                        "/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
            Path p = Path.of(limit);
            if (Files.isReadable(p)) {
                String value = Files.readString(p).trim();
                if (value.matches("\\d+") && Long.parseLong(value) / 1048576 < mb) {
                    mb = Long.parseLong(value) / 1048576;
                }
                break;
            }
        }
        return mb;
    }

    /**
     * The secure way through the image: {@code bin/vectaraft keys create} makes a key, the server
     * runs with the key file and a certificate, and the Java ping client gets through only with the
     * key; HTTPS {@code /metrics} needs it too. Exercises the security classes (SnakeYAML,
     * grpc-util, the JDK TLS provider, Helidon TLS) on the image's module path.
     */
    @Test
    void keysCreatedByTheLauncherAndTlsGuardTheServer() throws Exception {
        TestCertificates certs = TestCertificates.make(work);
        Path keys = work.resolve("keys.yaml");
        Command create =
                runLauncher(
                        work,
                        "keys",
                        "create",
                        "--id",
                        "ops",
                        "--role",
                        "admin",
                        "--file",
                        keys.toString());
        assertEquals(0, create.exit(), create.output());
        Matcher key = Pattern.compile("vtr_ops_[0-9A-Za-z]{43}").matcher(create.output());
        assertTrue(key.find(), "the new key is printed: " + create.output());
        assertFalse(Files.readString(keys).contains(key.group()), "only its digest is stored");

        try (ServerProcess server =
                ServerProcess.start(
                        Fixtures.image(),
                        work,
                        Map.of(),
                        "--port",
                        "0",
                        "--no-wal",
                        "--metrics-addr",
                        "127.0.0.1:0",
                        "--api-keys-file",
                        keys.toString(),
                        "--tls-cert",
                        certs.cert().toString(),
                        "--tls-key",
                        certs.key().toString())) {
            int port = server.awaitPort();
            String target = "127.0.0.1:" + port;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
            // A TLS handshake in a fresh client JVM takes seconds on a loaded 2-core machine.
            String[] tls = {"--tls-ca", certs.ca().toString(), "--timeout", "30"};
            assertEquals(
                    1,
                    PingClient.run(concat(tls, target), Map.of(), print, print),
                    "no key: " + out);
            assertTrue(
                    out.toString(StandardCharsets.UTF_8)
                            .contains("UNAUTHENTICATED: missing API key"),
                    out.toString());
            out.reset();
            assertEquals(
                    0,
                    PingClient.run(
                            concat(tls, target),
                            Map.of("VECTARAFT_API_KEY", key.group()),
                            print,
                            print),
                    "with the key: " + out + "\nserver:\n" + server.output());
            assertTrue(
                    out.toString(StandardCharsets.UTF_8)
                            .startsWith("vectaraft " + Fixtures.version()),
                    out.toString());

            Matcher m =
                    Pattern.compile("metrics=[0-9.]+:(\\d+)")
                            .matcher(server.awaitLine(METRICS_ADDR));
            assertTrue(m.find());
            try (HttpClient http =
                    HttpClient.newBuilder().sslContext(trusting(certs.ca())).build()) {
                URI metrics = URI.create("https://127.0.0.1:" + m.group(1) + "/metrics");
                assertEquals(
                        401,
                        http.send(
                                        HttpRequest.newBuilder(metrics).build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode());
                HttpResponse<String> scrape =
                        http.send(
                                HttpRequest.newBuilder(metrics)
                                        .header("authorization", "Bearer " + key.group())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertEquals(200, scrape.statusCode(), scrape.body());
                assertTrue(
                        scrape.body()
                                .contains("vectaraft_auth_failures_total{reason=\"missing_key\""),
                        "auth meters:\n" + scrape.body());
            }
            assertEquals(SIGTERM_EXIT, server.stop(), "exit status; output:\n" + server.output());
        }
    }

    private static String[] concat(String[] head, String last) {
        String[] all = java.util.Arrays.copyOf(head, head.length + 1);
        all[head.length] = last;
        return all;
    }

    private static javax.net.ssl.SSLContext trusting(Path ca) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (var in = Files.newInputStream(ca)) {
            store.setCertificateEntry(
                    "ca",
                    java.security.cert.CertificateFactory.getInstance("X.509")
                            .generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf =
                javax.net.ssl.TrustManagerFactory.getInstance(
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * GET /metrics on the port the ready line names: the JVM and server meters need JDK modules
     * (java.management, jdk.management) that only a real request through the image exercises.
     */
    private static void assertMetricsServed(ServerProcess server) throws Exception {
        Matcher m = METRICS_ADDR.matcher(server.awaitLine(METRICS_ADDR));
        assertTrue(m.find());
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newHttpClient()) {
            response =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://"
                                                            + m.group(1)
                                                            + ":"
                                                            + m.group(2)
                                                            + "/metrics"))
                                    .timeout(CALL_TIMEOUT)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        }
        assertEquals(200, response.statusCode(), "GET /metrics: " + response.body());
        for (String name :
                List.of("vectaraft_vectors_upserted", "vectaraft_grpc_requests", "jvm_")) {
            assertTrue(response.body().contains(name), "/metrics should report " + name);
        }
    }

    /** Nearest to (0.9, 0, 0): b (0.1), a (0.9), c (2.1); with genre = sf: a, c. */
    private static void assertQueryAnswers(Calls calls) {
        QueryRequest.Builder query =
                QueryRequest.newBuilder()
                        .setCollection("films")
                        .addVector(0.9f)
                        .addVector(0)
                        .addVector(0)
                        .setTopK(3);
        assertEquals(
                List.of("b", "a", "c"), ids(calls.stub().query(query.build())), "unfiltered query");
        query.setFilter(
                Filter.newBuilder()
                        .setCondition(
                                Condition.newBuilder()
                                        .setKey("genre")
                                        .setOp(Condition.Op.EQ)
                                        .setValue(Value.newBuilder().setStringValue("sf"))));
        QueryResponse filtered = calls.stub().query(query.build());
        assertEquals(List.of("a", "c"), ids(filtered), "query filtered on genre = sf");
        assertEquals(0.9f, filtered.getMatches(0).getScore(), 1e-5f, "Euclidean distance of a");
    }

    private static Record record(String id, float x, float y, float z, String genre) {
        return Record.newBuilder()
                .setId(id)
                .addValues(x)
                .addValues(y)
                .addValues(z)
                .putMetadata("genre", Value.newBuilder().setStringValue(genre).build())
                .build();
    }

    private static List<String> ids(QueryResponse response) {
        return response.getMatchesList().stream().map(ScoredRecord::getId).toList();
    }

    private interface StubUse {
        void accept(ManagedChannel channel, Calls calls) throws Exception;
    }

    /** Hands out a stub with a fresh deadline for each call. */
    private record Calls(ManagedChannel channel) {
        VectorServiceBlockingStub stub() {
            return VectorServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Runs {@code use} against the server; a failure carries the server's output. */
    private static void withStub(ServerProcess server, StubUse use) throws Exception {
        ManagedChannel channel =
                NettyChannelBuilder.forAddress("127.0.0.1", server.awaitPort())
                        .usePlaintext()
                        .build();
        try {
            use.accept(channel, new Calls(channel));
        } catch (Exception | AssertionError e) {
            throw new AssertionError(
                    e + "\nserver output:\n" + server.output() + "\n" + server.threadDump(), e);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static Command runLauncher(Path workDir, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Fixtures.image().resolve("bin/vectaraft").toString());
        command.addAll(List.of(args));
        return Command.run(workDir, Duration.ofSeconds(60), command);
    }
}
