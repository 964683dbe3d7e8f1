package io.vectaraft.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.api.v1.ClusterNode;
import io.vectaraft.api.v1.ClusterStatusResponse;
import io.vectaraft.api.v1.RaftRole;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line of {@code vectaraft cluster} and its status table (no server needed). */
class ClusterCommandTest {
    @Test
    void usageErrorsExitTwoSayingWhatIsWrong() {
        assertUsage("expected a command");
        assertUsage("expected one of status, add-node", "stats", "--addr", "h:1");
        assertUsage("--addr HOST:PORT is required", "status");
        assertUsage("--addr: expected HOST:PORT", "status", "--addr", "nohost");
        assertUsage("remove-node needs --node-id", "remove-node", "--addr", "h:1");
        assertUsage(
                "add-node needs --raft-address", "add-node", "--addr", "h:1", "--node-id", "n4");
        assertUsage("status takes no --node-id", "status", "--addr", "h:1", "--node-id", "n1");
        assertUsage("unknown flag --bogus", "status", "--addr", "h:1", "--bogus");
        assertUsage(
                "--tls-cert and --tls-key go together",
                "status",
                "--addr",
                "h:1",
                "--tls-cert",
                "c");
        assertUsage("--timeout: expected seconds", "status", "--addr", "h:1", "--timeout", "0");
    }

    @Test
    void anUnreachableServerIsExitOne() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                ClusterCommand.run(
                        List.of("status", "--addr", "127.0.0.1:1", "--timeout", "5"),
                        Map.of(),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, exit);
        assertTrue(
                err.toString(StandardCharsets.UTF_8)
                        .startsWith("vectaraft cluster status via 127.0.0.1:1 failed: UNAVAILABLE"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void statusTableAlignsColumnsAndShowsUnreachableMembers() {
        ClusterStatusResponse s =
                ClusterStatusResponse.newBuilder()
                        .setNodeId("n1")
                        .setLeaderId("n2")
                        .setTerm(7)
                        .addNodes(node("n1", RaftRole.RAFT_ROLE_FOLLOWER, 41))
                        .addNodes(node("n2", RaftRole.RAFT_ROLE_LEADER, 0))
                        .addNodes(
                                ClusterNode.newBuilder()
                                        .setId("n3")
                                        .setRaftAddress("10.0.0.3:7003")
                                        .setError("no answer in time"))
                        .build();
        assertEquals(
                """
                leader n2, term 7 (as n1 sees it), 3 members
                NODE  RAFT ADDRESS   ROLE         TERM  COMMIT  APPLIED  LEADER  LAST CONTACT
                n1    10.0.0.1:7001  follower     7     120     118      n2      41 ms
                n2    10.0.0.1:7001  leader       7     120     118      n2      0 ms
                n3    10.0.0.3:7003  unreachable  -     -       -        -       no answer in time
                """,
                ClusterCommand.statusText("h:1", s));
    }

    private static ClusterNode node(String id, RaftRole role, long contact) {
        return ClusterNode.newBuilder()
                .setId(id)
                .setRaftAddress("10.0.0.1:7001")
                .setReachable(true)
                .setRole(role)
                .setTerm(7)
                .setCommitIndex(120)
                .setAppliedIndex(118)
                .setLeaderId("n2")
                .setLastContactMs(contact)
                .build();
    }

    private static void assertUsage(String message, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                ClusterCommand.run(
                        List.of(args),
                        Map.of(),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, exit, text);
        assertTrue(text.contains(message), text);
        assertTrue(text.contains("usage: vectaraft cluster"), text);
    }
}
