package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.AddNodeRequest;
import io.vectaraft.api.v1.ClusterMember;
import io.vectaraft.api.v1.ClusterNode;
import io.vectaraft.api.v1.ClusterStatusRequest;
import io.vectaraft.api.v1.ClusterStatusResponse;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.MembershipResponse;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.RaftRole;
import io.vectaraft.api.v1.RemoveNodeRequest;
import io.vectaraft.api.v1.TransferLeadershipRequest;
import io.vectaraft.api.v1.TransferLeadershipResponse;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.server.admin.ClusterCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster administration against three real server processes on loopback: ClusterStatus through
 * every node agrees on the leader and term; the CLI prints it; readiness and the Raft meters on the
 * leader and a follower; TransferLeadership moves the leader; RemoveNode, then AddNode of the node
 * wiped and started with {@code --join}, which catches up; content digests equal on every node
 * after writes; bad requests get precise statuses.
 */
class ClusterAdminProcessTest {
    private static final String COLLECTION = "admin";
    private static final int DIM = 4;
    private static final long WAIT_SECONDS = 90;

    @TempDir Path dir;

    private final List<ClusterNodeProcess> nodes = new ArrayList<>();
    private final Random rnd = new Random(42);
    private long lastLsn;
    private int batches;

    @AfterEach
    void stop() {
        nodes.forEach(ClusterNodeProcess::close);
    }

    @Test
    void statusLeadershipMembershipReadinessMetricsAndDigests() throws Exception {
        for (int i = 1; i <= 3; i++) {
            nodes.add(
                    new ClusterNodeProcess(
                            "n" + i, ClusterNodeProcess.freePort(), dir.resolve("n" + i)));
        }
        String peers = ClusterNodeProcess.peers(nodes);
        for (ClusterNodeProcess n : nodes) {
            n.start(peers);
        }

        // Every node reports the same leader and term, and every member reachable.
        ClusterStatusResponse agreed = awaitAgreement(nodes, 3);
        String leader = agreed.getLeaderId();
        ClusterNodeProcess leaderNode = node(leader);
        ClusterNodeProcess follower = nodes.stream().filter(n -> n != leaderNode).findFirst().get();
        assertEquals(
                1,
                agreed.getNodesList().stream()
                        .filter(n -> n.getRole() == RaftRole.RAFT_ROLE_LEADER)
                        .count(),
                "one leader: " + agreed);
        for (ClusterNode n : agreed.getNodesList()) {
            assertEquals(node(n.getId()).raftAddress(), n.getRaftAddress(), n.toString());
            assertEquals(leader, n.getLeaderId(), "each node's own view of the leader: " + n);
            assertEquals(agreed.getTerm(), n.getTerm(), n.toString());
            assertTrue(n.getLastContactMs() >= 0, n.toString());
        }

        // Writes through every node; the replicas' digests agree.
        leaderNode.stub().createCollection(Protos.create(COLLECTION, DIM, Metric.EUCLIDEAN));
        for (ClusterNodeProcess n : nodes) {
            write(n, 3);
        }
        String digest = sameDigestEverywhere(nodes);
        assertNotEquals("0".repeat(32), digest);

        // Readiness and Raft meters on the leader and on a follower.
        assertReadyWithRole(leaderNode, "leader");
        assertReadyWithRole(follower, "follower");
        assertRaftMeters(leaderNode, "leader");
        assertRaftMeters(follower, "follower");

        // The CLI, in this JVM and as the real command.
        String printed = cli(0, "status", "--addr", follower.grpcAddress());
        assertTrue(printed.startsWith("leader " + leader + ", term " + agreed.getTerm()), printed);
        for (ClusterNodeProcess n : nodes) {
            assertTrue(
                    Pattern.compile(
                                    "(?m)^"
                                            + n.id
                                            + " +"
                                            + Pattern.quote(n.raftAddress())
                                            + " +(leader|follower) ")
                            .matcher(printed)
                            .find(),
                    printed);
        }
        assertTrue(
                mainCli("status", "--addr", leaderNode.grpcAddress()).contains("leader " + leader));

        // Bad requests: precise statuses, nothing changed.
        assertStatus(
                Status.Code.NOT_FOUND,
                "not a member",
                () -> follower.stub().transferLeadership(transfer("n9")));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                "node_id",
                () -> follower.stub().removeNode(RemoveNodeRequest.getDefaultInstance()));
        assertStatus(
                Status.Code.FAILED_PRECONDITION,
                "leads the group",
                () -> follower.stub().removeNode(remove(leader)));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                "raft_address",
                () -> follower.stub().addNode(add("n4", "127.0.0.1:notaport")));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                "node_id",
                () -> follower.stub().addNode(add("bad id", "127.0.0.1:4000")));
        assertStatus(
                Status.Code.ALREADY_EXISTS,
                "already a member",
                () -> follower.stub().addNode(add(follower.id, "127.0.0.1:1")));
        assertStatus(
                Status.Code.ALREADY_EXISTS,
                "already the address",
                () -> follower.stub().addNode(add("n9", follower.raftAddress())));
        assertEquals(3, status(follower).getNodesCount(), "membership unchanged");

        // TransferLeadership moves the leader; every node agrees on it, in a later term.
        TransferLeadershipResponse moved =
                leaderNode.stub().transferLeadership(transfer(follower.id));
        assertEquals(follower.id, moved.getLeaderId(), moved.toString());
        ClusterStatusResponse after = awaitAgreement(nodes, 3);
        assertEquals(follower.id, after.getLeaderId(), after.toString());
        assertTrue(after.getTerm() > agreed.getTerm(), agreed.getTerm() + " then " + after);
        assertEquals(
                follower.id,
                mainCliLeader(
                        cli(
                                0,
                                "transfer-leadership",
                                "--addr",
                                leaderNode.grpcAddress(),
                                "--node-id",
                                follower.id)),
                "transfer to the leader is a no-op");

        // RemoveNode of a follower: the group goes on with two, the removed node is not ready.
        ClusterNodeProcess removed =
                nodes.stream().filter(n -> !n.id.equals(follower.id)).findFirst().get();
        MembershipResponse two = follower.stub().removeNode(remove(removed.id));
        assertEquals(Set.of(follower.id, other(follower, removed).id), ids(two), two.toString());
        List<ClusterNodeProcess> remaining = List.of(follower, other(follower, removed));
        awaitAgreement(remaining, 2);
        await("removed node " + removed.id + " not ready", () -> readyCode(removed) == 503);
        write(remaining.get(1), 4);
        assertStatus(
                Status.Code.NOT_FOUND,
                "not a member",
                () -> follower.stub().removeNode(remove(removed.id)));

        // AddNode of the same node, wiped and started to join: it waits outside any group, not
        // ready, until AddNode hands it the group; then it catches up and every digest agrees.
        removed.killAndWipe();
        removed.start(removed.id + "=" + removed.raftAddress(), "--join");
        await(removed.id + " not ready before it is added", () -> readyCode(removed) == 503);
        assertStatus(
                Status.Code.UNAVAILABLE,
                "no group yet",
                () -> removed.stub().createCollection(Protos.create("early", DIM, Metric.COSINE)));
        String out =
                cliOrTails(
                        "add-node",
                        "--addr",
                        follower.grpcAddress(),
                        "--node-id",
                        removed.id,
                        "--raft-address",
                        removed.raftAddress());
        assertTrue(out.startsWith("added " + removed.id), out);
        awaitAgreement(nodes, 3);
        write(removed, 2);
        sameDigestEverywhere(nodes);
        await(removed.id + " ready again", () -> readyCode(removed) == 200);
        MembershipResponse idempotent =
                follower.stub().addNode(add(removed.id, removed.raftAddress()));
        assertEquals(3, idempotent.getMembersCount(), "adding a member again changes nothing");

        // Restarted with the same flags, the joined node takes its stored group back (--join only
        // matters while no group is stored) and catches up with a write made while it was down.
        removed.close();
        write(follower, 1);
        removed.start(removed.id + "=" + removed.raftAddress(), "--join");
        awaitAgreement(nodes, 3);
        await(removed.id + " ready after a restart", () -> readyCode(removed) == 200);
        sameDigestEverywhere(nodes);
    }

    private ClusterNodeProcess other(ClusterNodeProcess a, ClusterNodeProcess b) {
        return nodes.stream().filter(n -> n != a && n != b).findFirst().orElseThrow();
    }

    private ClusterNodeProcess node(String id) {
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
    }

    private static Set<String> ids(MembershipResponse r) {
        Set<String> ids = new HashSet<>();
        r.getMembersList().stream().map(ClusterMember::getId).forEach(ids::add);
        return ids;
    }

    /**
     * Polls ClusterStatus on every node until all report the same leader and term, all reachable.
     */
    private static ClusterStatusResponse awaitAgreement(List<ClusterNodeProcess> group, int size)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        String last = "";
        while (System.nanoTime() < deadline) {
            List<ClusterStatusResponse> seen = new ArrayList<>();
            try {
                for (ClusterNodeProcess n : group) {
                    seen.add(status(n));
                }
            } catch (StatusRuntimeException e) {
                last = e.toString();
                Thread.sleep(100); // polling other processes' elections
                continue;
            }
            ClusterStatusResponse first = seen.getFirst();
            boolean agree =
                    !first.getLeaderId().isEmpty()
                            && seen.stream()
                                    .allMatch(
                                            s ->
                                                    s.getLeaderId().equals(first.getLeaderId())
                                                            && s.getTerm() == first.getTerm()
                                                            && s.getNodesCount() == size
                                                            && s.getNodesList().stream()
                                                                    .allMatch(
                                                                            n ->
                                                                                    n.getReachable()
                                                                                            && n.getLeaderId()
                                                                                                    .equals(
                                                                                                            first
                                                                                                                    .getLeaderId())));
            if (agree) {
                return first;
            }
            last = seen.toString();
            Thread.sleep(100); // polling other processes' elections
        }
        throw new AssertionError(
                "the nodes did not agree on a leader within " + WAIT_SECONDS + " s: " + last);
    }

    private static ClusterStatusResponse status(ClusterNodeProcess n) {
        return n.stub().clusterStatus(ClusterStatusRequest.getDefaultInstance());
    }

    private void write(ClusterNodeProcess through, int count) {
        for (int i = 0; i < count; i++) {
            UpsertRequest.Builder b = UpsertRequest.newBuilder().setCollection(COLLECTION);
            for (int k = 0; k < 3; k++) {
                float[] v = new float[DIM];
                for (int d = 0; d < DIM; d++) {
                    v[d] = (float) rnd.nextGaussian();
                }
                b.addRecords(
                        Protos.record(
                                "b" + batches + "-" + k, v, Map.of("via", Protos.str(through.id))));
            }
            batches++;
            lastLsn = Math.max(lastLsn, through.stub().upsert(b.build()).getLsn());
        }
    }

    /** The digest of every node at the last write's position; all equal. */
    private String sameDigestEverywhere(List<ClusterNodeProcess> group) {
        String first = null;
        for (ClusterNodeProcess n : group) {
            String d =
                    n.stub()
                            .describeCollection(
                                    DescribeCollectionRequest.newBuilder()
                                            .setName(COLLECTION)
                                            .setMinLsn(lastLsn)
                                            .setIncludeDigest(true)
                                            .build())
                            .getContentDigest();
            assertEquals(32, d.length(), d);
            if (first == null) {
                first = d;
            }
            assertEquals(first, d, "digest on " + n.id + " at lsn " + lastLsn);
        }
        return first;
    }

    private static int readyCode(ClusterNodeProcess n) {
        try {
            return n.get("/health/ready").statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void assertReadyWithRole(ClusterNodeProcess n, String role) throws Exception {
        HttpResponse<String> r = n.get("/health/ready");
        assertEquals(200, r.statusCode(), n.id + ": " + r.body());
        assertTrue(r.body().contains("\"role\":\"" + role + "\""), r.body());
        assertTrue(r.body().contains("\"leader\":\""), r.body());
    }

    private static void assertRaftMeters(ClusterNodeProcess n, String role) throws Exception {
        // The gauges are sampled one after another during a scrape, and a follower learns the
        // commit index with the next heartbeat: only a scrape of a settled node shows them equal.
        await(n.id + ": applied index equal to the commit index", () -> settled(n));
        String m = n.get("/metrics").body();
        assertEquals(1.0, value(m, "vectaraft_raft_role", "role=\"" + role + "\""), n.id);
        assertEquals(0.0, value(m, "vectaraft_raft_role", "role=\"candidate\""), n.id);
        assertTrue(value(m, "vectaraft_raft_term") >= 1, m);
        assertTrue(value(m, "vectaraft_raft_commit_index") > 0, m);
        assertTrue(value(m, "vectaraft_raft_applied_index") > 0, m);
        assertTrue(value(m, "vectaraft_raft_apply_lag") >= 0, m);
        assertTrue(value(m, "vectaraft_raft_leader_changes_total") >= 1, m);
    }

    private static boolean settled(ClusterNodeProcess n) {
        try {
            String m = n.get("/metrics").body();
            double commit = value(m, "vectaraft_raft_commit_index");
            return commit > 0 && commit == value(m, "vectaraft_raft_applied_index");
        } catch (Exception e) {
            return false;
        }
    }

    /** The value of the first sample of {@code name} in Prometheus text. */
    private static double value(String metrics, String name) {
        return value(metrics, name, "");
    }

    /** The value of the first sample of {@code name} whose labels contain {@code label}. */
    private static double value(String metrics, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{([^}]*)\\})? (\\S+)").matcher(metrics);
        while (m.find()) {
            if (m.group(1) == null ? label.isEmpty() : m.group(1).contains(label)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return fail("no " + name + "{" + label + "} in\n" + metrics);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + ": not within " + WAIT_SECONDS + " s");
            }
            Thread.sleep(100); // polling another process
        }
    }

    private static void assertStatus(Status.Code code, String text, Supplier<?> call) {
        try {
            call.get();
        } catch (StatusRuntimeException e) {
            assertEquals(code, e.getStatus().getCode(), e.toString());
            assertTrue(e.getStatus().getDescription().contains(text), e.toString());
            return;
        }
        fail("expected " + code);
    }

    /** As {@link #cli} expecting success; on failure the nodes' last log lines say why. */
    private String cliOrTails(String... args) {
        try {
            return cli(0, args);
        } catch (AssertionError e) {
            StringBuilder b = new StringBuilder(e.getMessage());
            nodes.forEach(n -> b.append("\n--- ").append(n.id).append(":\n").append(n.tail()));
            throw new AssertionError(b.toString(), e);
        }
    }

    /** Runs the CLI in this JVM; returns its standard output after checking the exit status. */
    private static String cli(int exit, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status =
                ClusterCommand.run(
                        List.of(args),
                        Map.of(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(exit, status, out + "\n" + err);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String mainCliLeader(String transferOutput) {
        Matcher m = Pattern.compile("^leader (\\S+),").matcher(transferOutput);
        assertTrue(m.find(), transferOutput);
        return m.group(1);
    }

    /** {@code vectaraft cluster ...} as a process: the launcher's path into {@link Main}. */
    private static String mainCli(String... args) throws Exception {
        List<String> cli = new ArrayList<>(List.of("cluster"));
        cli.addAll(List.of(args));
        List<String> command = ServerJvm.cli(cli);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    private static TransferLeadershipRequest transfer(String id) {
        return TransferLeadershipRequest.newBuilder().setNodeId(id).build();
    }

    private static RemoveNodeRequest remove(String id) {
        return RemoveNodeRequest.newBuilder().setNodeId(id).build();
    }

    private static AddNodeRequest add(String id, String address) {
        return AddNodeRequest.newBuilder().setNodeId(id).setRaftAddress(address).build();
    }
}
