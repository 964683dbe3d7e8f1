package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster settings that cannot work stop a real server process with one line naming the problem and
 * exit code 2 (as bad flags do): a malformed peers list, a node id not among the peers, this node's
 * Raft port taken, and a peers list that differs from the one the other nodes formed their group
 * with (whether this node starts after them or before them).
 */
class ClusterStartupFailureTest {
    @TempDir Path dir;

    private final List<ClusterNode> nodes = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void stop() {
        nodes.forEach(ClusterNode::close);
    }

    @Test
    void malformedPeers() throws Exception {
        Exit e = run("--node-id", "n1", "--peers", "n1=127.0.0.1:7001,n2=127.0.0.1");
        e.assertConfigError("n2=127.0.0.1");
    }

    @Test
    void nodeIdNotAmongPeers() throws Exception {
        Exit e = run("--node-id", "n9", "--peers", "n1=127.0.0.1:7001,n2=127.0.0.1:7002");
        e.assertConfigError("cluster.node-id: expected one of the ids in cluster.peers");
    }

    @Test
    void raftPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String self = "127.0.0.1:" + taken.getLocalPort();
            Exit e =
                    run(
                            "--node-id",
                            "n1",
                            "--peers",
                            "n1=" + self + ",n2=127.0.0.1:" + ClusterNode.freePort(),
                            "--wal-path",
                            dir.resolve("n1/wal.jsonl").toString());
            e.assertConfigError("cannot listen for Raft on " + self);
        }
    }

    /** Two nodes formed the group; the third, given another list, refuses at start. */
    @Test
    void peersDifferFromTheFormedGroup() throws Exception {
        String peers = ClusterNode.peers(3);
        startTwo(peers);
        String other =
                peers.replaceFirst(
                        "n3=127\\.0\\.0\\.1:\\d+", "n3=127.0.0.1:" + ClusterNode.freePort());
        Exit e =
                run(
                        "--node-id",
                        "n3",
                        "--peers",
                        other,
                        "--wal-path",
                        dir.resolve("n3/wal.jsonl").toString());
        e.assertConfigError("cluster.peers: node n");
        assertTrue(e.error.contains("start every node with the same cluster.peers"), e.error);
    }

    /** The misconfigured node started first: it exits once the others have formed their group. */
    @Test
    void peersDifferAndTheOddNodeStartedFirst() throws Exception {
        String peers = ClusterNode.peers(3);
        String other =
                peers.replaceFirst(
                        "n3=127\\.0\\.0\\.1:\\d+", "n3=127.0.0.1:" + ClusterNode.freePort());
        Process odd =
                new ProcessBuilder(
                                ClusterNode.command(
                                        List.of(
                                                "--port",
                                                "0",
                                                "--no-metrics",
                                                "--node-id",
                                                "n3",
                                                "--peers",
                                                other,
                                                "--wal-path",
                                                dir.resolve("n3/wal.jsonl").toString())))
                        .directory(dir.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        try {
            startTwo(peers);
            assertTrue(odd.waitFor(120, TimeUnit.SECONDS), "the odd node exits");
            String err = new String(odd.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            new Exit(odd.exitValue(), err).assertConfigError("cluster.peers: node n");
        } finally {
            odd.destroyForcibly();
        }
    }

    private void startTwo(String peers) throws Exception {
        for (String id : List.of("n1", "n2")) {
            ClusterNode n = new ClusterNode(id, dir.resolve(id), peers);
            nodes.add(n);
            n.start();
        }
        for (ClusterNode n : nodes) {
            n.awaitReady();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (nodes.stream()
                .anyMatch(n -> n.lastLeader() == null || n.lastLeader().equals("unknown"))) {
            assertTrue(System.nanoTime() < deadline, "a leader among n1, n2");
            Thread.sleep(50); // the election is in other processes: poll their logs
        }
    }

    private Exit run(String... flags) throws Exception {
        List<String> f = new ArrayList<>(List.of("--port", "0", "--no-metrics"));
        f.addAll(List.of(flags));
        Process p =
                new ProcessBuilder(ClusterNode.command(f))
                        .directory(dir.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits");
        return new Exit(p.exitValue(), err);
    }

    private record Exit(int code, String error) {
        /** Exit code 2 and exactly one error line, the last, saying what was wrong. */
        void assertConfigError(String expected) {
            assertEquals(2, code, "exit code; stderr:\n" + error);
            List<String> errors = error.lines().filter(l -> l.startsWith("vectaraft: ")).toList();
            assertEquals(1, errors.size(), "one error line; stderr:\n" + error);
            assertTrue(errors.get(0).contains(expected), "the error names the problem: " + errors);
            List<String> all = error.lines().toList();
            assertEquals(errors.get(0), all.get(all.size() - 1), "the error is the last line");
        }
    }
}
