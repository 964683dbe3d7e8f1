package io.vectaraft.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One server process of a test Raft group on loopback: {@code Main --node-id ID --peers ...} in a
 * child JVM, its output kept, a plaintext channel to it. Restarts keep its directory unless it is
 * {@linkplain #wipe() wiped}; it can be paused with SIGSTOP and resumed with SIGCONT.
 */
final class ClusterNode implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("ready in .* grpc=(\\S+):(\\d+) ");
    private static final Pattern LEADER = Pattern.compile("cluster: leader is (\\S+) ");
    private static final int KEPT_LINES = 400;

    /**
     * System property: a directory to copy each node's whole output to ({@code n1.log}, ...), with
     * {@code vectaraft.cluster.node-logging} naming a logging.properties for the nodes.
     */
    private static final String LOG_DIR = System.getProperty("vectaraft.cluster.node-log-dir");

    final String id;
    private final Path dir;
    private final String peers;
    private final List<String> flags;
    private final Deque<String> lines = new ArrayDeque<>();
    private final List<String> all = new ArrayList<>();
    private volatile Process process;
    private volatile CompletableFuture<String> ready;
    private volatile String lastLeader;
    private volatile ManagedChannel channel;

    ClusterNode(String id, Path dir, String peers, String... flags) {
        this.id = id;
        this.dir = dir;
        this.peers = peers;
        this.flags = List.of(flags);
    }

    /** A standalone server (no peers) with these flags, for comparisons beside a group. */
    static ClusterNode standalone(String id, Path dir, String... flags) {
        return new ClusterNode(id, dir, null, flags);
    }

    /** {@code n1=127.0.0.1:P1,...} with free ports. */
    static String peers(int count) throws IOException {
        List<String> items = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            items.add("n" + i + "=127.0.0.1:" + freePort());
        }
        return String.join(",", items);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The command line of {@code Main} with these flags (for tests that start it themselves). */
    static List<String> command(List<String> flags) {
        List<String> options = new ArrayList<>();
        options.add("-Xmx" + System.getProperty("vectaraft.cluster.node-heap", "256m"));
        // Extra JVM options for the nodes, space-separated (a JFR recording while profiling).
        String javaOpts = System.getProperty("vectaraft.cluster.node-java-opts", "").strip();
        if (!javaOpts.isEmpty()) {
            options.addAll(List.of(javaOpts.split("\\s+")));
        }
        // A logging.properties for the nodes (e.g. Ratis at DEBUG while chasing a cluster bug).
        String logging = System.getProperty("vectaraft.cluster.node-logging");
        if (logging != null) {
            options.add("-Djava.util.logging.config.file=" + logging);
        }
        return ServerJvm.command(options, flags);
    }

    void start() throws IOException {
        List<String> f = new ArrayList<>();
        f.addAll(
                List.of(
                        "--port",
                        "0",
                        "--no-metrics",
                        "--wal-path",
                        dir.resolve("wal.jsonl").toString()));
        if (peers != null) {
            f.addAll(List.of("--node-id", id, "--peers", peers));
        }
        f.addAll(flags);
        Files.createDirectories(dir);
        ProcessBuilder pb =
                new ProcessBuilder(command(f))
                        .directory(dir.getParent().toFile())
                        .redirectErrorStream(true);
        ready = new CompletableFuture<>();
        lastLeader = null;
        synchronized (lines) {
            all.clear();
        }
        Process p = pb.start();
        process = p;
        CompletableFuture<String> r = ready;
        Thread.ofPlatform().daemon().name("node-" + id).start(() -> drain(p, r));
    }

    void awaitReady() throws Exception {
        String hostPort;
        try {
            hostPort = ready.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError(id + " did not start: " + tail(), e);
        }
        int colon = hostPort.lastIndexOf(':');
        if (channel != null) {
            channel.shutdownNow();
        }
        channel =
                ManagedChannelBuilder.forAddress(
                                hostPort.substring(0, colon),
                                Integer.parseInt(hostPort.substring(colon + 1)))
                        .usePlaintext()
                        .maxInboundMessageSize(64 << 20)
                        .build();
    }

    private void drain(Process p, CompletableFuture<String> r) {
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (LOG_DIR != null) { // the whole output, beyond the tail a failure shows
                    Files.writeString(
                            Path.of(LOG_DIR, id + ".log"),
                            line + "\n",
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                }
                synchronized (lines) {
                    lines.addLast(line);
                    all.add(line);
                    if (lines.size() > KEPT_LINES) {
                        lines.removeFirst();
                    }
                }
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    r.complete(m.group(1) + ":" + m.group(2));
                }
                Matcher l = LEADER.matcher(line);
                if (l.find()) {
                    lastLeader = l.group(1);
                }
            }
        } catch (IOException e) {
            // The process died; its output ends here.
        }
        r.completeExceptionally(new IOException(id + " exited before it was ready"));
    }

    /**
     * The leader a live node of {@code nodes} announced last, once one is announced and alive: the
     * election runs in the other processes, so their logs are polled.
     */
    static String awaitLeader(List<ClusterNode> nodes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (ClusterNode n : nodes) {
                String l = n.alive() ? n.lastLeader() : null;
                if (l != null && !l.equals("unknown") && byId(nodes, l).alive()) {
                    return l;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no leader announced within 60 s: " + tails(nodes));
    }

    static ClusterNode byId(List<ClusterNode> nodes, String id) {
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
    }

    /** The kept output of every node, for failure messages. */
    static String tails(List<ClusterNode> nodes) {
        StringBuilder b = new StringBuilder();
        nodes.forEach(n -> b.append("\n--- ").append(n.id).append(":\n").append(n.tail()));
        return b.toString();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** The leader this node announced last (null before the first announcement). */
    String lastLeader() {
        return lastLeader;
    }

    /** Whether a line of this run's output (since the last start) matches. */
    boolean logged(Predicate<String> line) {
        synchronized (lines) {
            return all.stream().anyMatch(line);
        }
    }

    /** How many lines of this run's output (since the last start) match. */
    long count(Predicate<String> line) {
        synchronized (lines) {
            return all.stream().filter(line).count();
        }
    }

    VectorServiceGrpc.VectorServiceBlockingStub stub() {
        return VectorServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    ManagedChannel channel() {
        return channel;
    }

    String tail() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    long pid() {
        return process.pid();
    }

    /** The CPU time (user and system) the node's current process has used, in nanoseconds. */
    long cpuNanos() {
        return process.toHandle()
                .info()
                .totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("no CPU time for process " + pid()))
                .toNanos();
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process stays, its threads stop (timers, heartbeats, replies). */
    void pause() throws Exception {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill =
                new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                        .inheritIO()
                        .start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Deletes everything the node stored (log, Raft storage, snapshots); only while it is down. */
    void wipe() throws IOException {
        if (alive()) {
            throw new IllegalStateException(id + " is running");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    void restart() throws Exception {
        start();
        awaitReady();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (process != null && process.isAlive()) {
            try {
                resume(); // a paused process ignores SIGTERM until it runs again
            } catch (Exception e) {
                // It ends below either way.
            }
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
