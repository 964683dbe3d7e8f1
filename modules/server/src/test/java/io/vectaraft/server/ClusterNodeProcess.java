package io.vectaraft.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One cluster node as a real server process ({@link Main} in a child JVM) with its gRPC port and
 * its HTTP metrics and health port, both chosen by the server (port 0) and read from its start-up
 * line. Restarts keep its directory unless wiped.
 */
final class ClusterNodeProcess implements AutoCloseable {
    private static final Pattern READY =
            Pattern.compile("ready in .* grpc=(\\S+):(\\d+) metrics=(\\S+):(\\d+) ");
    private static final int KEPT_LINES = 80;

    final String id;
    final int raftPort;
    private final Path dir;
    private final Deque<String> lines = new ArrayDeque<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Process process;
    private ManagedChannel channel;
    private String grpcAddress;
    private String metricsAddress;

    ClusterNodeProcess(String id, int raftPort, Path dir) {
        this.id = id;
        this.raftPort = raftPort;
        this.dir = dir;
    }

    /** {@code n1=127.0.0.1:P1,...} for these nodes. */
    static String peers(List<ClusterNodeProcess> nodes) {
        return String.join(",", nodes.stream().map(ClusterNodeProcess::peer).toList());
    }

    String peer() {
        return id + "=" + raftAddress();
    }

    String raftAddress() {
        return "127.0.0.1:" + raftPort;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts the process with this peers list and these extra flags; waits until it serves. */
    void start(String peers, String... flags) throws Exception {
        Files.createDirectories(dir);
        List<String> command =
                ClusterNode.command(
                        List.of(
                                "--port",
                                "0",
                                "--metrics-addr",
                                "127.0.0.1:0",
                                "--wal-path",
                                dir.resolve("wal.jsonl").toString(),
                                "--node-id",
                                id,
                                "--peers",
                                peers));
        command.addAll(List.of(flags));
        Process p =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        process = p;
        CompletableFuture<Matcher> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("node-" + id).start(() -> drain(p, ready));
        Matcher m;
        try {
            m = ready.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError(id + " did not start:\n" + tail(), e);
        }
        grpcAddress = m.group(1) + ":" + m.group(2);
        metricsAddress = m.group(3) + ":" + m.group(4);
        if (channel != null) {
            channel.shutdownNow();
        }
        channel =
                ManagedChannelBuilder.forAddress(m.group(1), Integer.parseInt(m.group(2)))
                        .usePlaintext()
                        .build();
    }

    private void drain(Process p, CompletableFuture<Matcher> ready) {
        try (BufferedReader in = p.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.addLast(line);
                    if (lines.size() > KEPT_LINES) {
                        lines.removeFirst();
                    }
                }
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    ready.complete(m);
                }
            }
        } catch (IOException e) {
            // The process died; its output ends here.
        }
        ready.completeExceptionally(new IOException(id + " exited before it was ready"));
    }

    String grpcAddress() {
        return grpcAddress;
    }

    VectorServiceGrpc.VectorServiceBlockingStub stub() {
        return VectorServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** GET on the node's HTTP side: status code and body. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://" + metricsAddress + path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String tail() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** Kills the process (SIGKILL) and deletes its directory: it starts again empty. */
    void killAndWipe() throws IOException, InterruptedException {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow();
            channel = null;
        }
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
