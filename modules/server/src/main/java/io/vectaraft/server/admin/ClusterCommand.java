package io.vectaraft.server.admin;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.stub.MetadataUtils;
import io.vectaraft.api.v1.AddNodeRequest;
import io.vectaraft.api.v1.ClusterNode;
import io.vectaraft.api.v1.ClusterStatusRequest;
import io.vectaraft.api.v1.ClusterStatusResponse;
import io.vectaraft.api.v1.MembershipResponse;
import io.vectaraft.api.v1.RaftRole;
import io.vectaraft.api.v1.RemoveNodeRequest;
import io.vectaraft.api.v1.TransferLeadershipRequest;
import io.vectaraft.api.v1.TransferLeadershipResponse;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code vectaraft cluster status|add-node|remove-node|transfer-leadership --addr HOST:PORT ...}:
 * the cluster administration RPCs from the command line, through any node's gRPC port. Exit status
 * 0 when the server did it, 1 when the call failed (the status and message are printed), 2 on a
 * usage error.
 */
public final class ClusterCommand {
    public static final String USAGE =
            """
            usage: vectaraft cluster COMMAND --addr HOST:PORT [--api-key KEY] \
            [--tls-ca CA.pem [--tls-cert CERT.pem --tls-key KEY.pem]] [--timeout SECONDS]
              status                                           every member's role, term, indexes, leader
              add-node --node-id ID --raft-address HOST:PORT   add a started node to the group
              remove-node --node-id ID                         remove a node (not the leader)
              transfer-leadership --node-id ID                 make ID the leader
            --addr is any node's gRPC address; the key also from VECTARAFT_API_KEY (an admin key)""";

    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(60);

    private ClusterCommand() {}

    /**
     * Runs {@code cluster <args>}.
     *
     * @param env where {@code VECTARAFT_API_KEY} is looked up
     * @return the exit status
     */
    public static int run(
            List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args, env);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                err.println("vectaraft cluster: " + e.getMessage());
            }
            err.println(USAGE);
            return 2;
        }
        if (o.command().equals("help")) {
            out.println(USAGE);
            return 0;
        }
        ManagedChannel channel;
        try {
            channel = channel(o);
        } catch (IOException | IllegalArgumentException e) {
            err.println("vectaraft cluster: cannot set up TLS: " + e.getMessage());
            return 2;
        }
        try {
            VectorServiceGrpc.VectorServiceBlockingStub stub =
                    VectorServiceGrpc.newBlockingStub(withKey(channel, o.apiKey()))
                            .withDeadlineAfter(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
            switch (o.command()) {
                case "status" ->
                        out.print(
                                statusText(
                                        o.addr(),
                                        stub.clusterStatus(
                                                ClusterStatusRequest.getDefaultInstance())));
                case "add-node" ->
                        out.print(
                                membershipText(
                                        "added " + o.nodeId(),
                                        stub.addNode(
                                                AddNodeRequest.newBuilder()
                                                        .setNodeId(o.nodeId())
                                                        .setRaftAddress(o.raftAddress())
                                                        .build())));
                case "remove-node" ->
                        out.print(
                                membershipText(
                                        "removed " + o.nodeId(),
                                        stub.removeNode(
                                                RemoveNodeRequest.newBuilder()
                                                        .setNodeId(o.nodeId())
                                                        .build())));
                default -> {
                    TransferLeadershipResponse r =
                            stub.transferLeadership(
                                    TransferLeadershipRequest.newBuilder()
                                            .setNodeId(o.nodeId())
                                            .build());
                    out.printf("leader %s, term %d%n", r.getLeaderId(), r.getTerm());
                }
            }
            return 0;
        } catch (StatusRuntimeException e) {
            String description = e.getStatus().getDescription();
            err.printf(
                    "vectaraft cluster %s via %s failed: %s%s%n",
                    o.command(),
                    o.addr(),
                    e.getStatus().getCode(),
                    description == null ? "" : ": " + description.lines().findFirst().orElse(""));
            return 1;
        } finally {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The status as a table, one line per member, the leader marked. */
    static String statusText(String addr, ClusterStatusResponse s) {
        if (s.getStandalone()) {
            return "standalone server at " + addr + " (not a cluster node)\n";
        }
        StringBuilder b = new StringBuilder();
        b.append(
                String.format(
                        "leader %s, term %d (as %s sees it), %d members%n",
                        s.getLeaderId().isEmpty() ? "unknown" : s.getLeaderId(),
                        s.getTerm(),
                        s.getNodeId(),
                        s.getNodesCount()));
        List<String[]> rows = new ArrayList<>();
        rows.add(
                new String[] {
                    "NODE",
                    "RAFT ADDRESS",
                    "ROLE",
                    "TERM",
                    "COMMIT",
                    "APPLIED",
                    "LEADER",
                    "LAST CONTACT"
                });
        for (ClusterNode n : s.getNodesList()) {
            if (!n.getReachable()) {
                rows.add(
                        new String[] {
                            n.getId(),
                            n.getRaftAddress(),
                            "unreachable",
                            "-",
                            "-",
                            "-",
                            "-",
                            n.getError()
                        });
                continue;
            }
            rows.add(
                    new String[] {
                        n.getId(),
                        n.getRaftAddress(),
                        role(n.getRole()),
                        Long.toString(n.getTerm()),
                        Long.toString(n.getCommitIndex()),
                        Long.toString(n.getAppliedIndex()),
                        n.getLeaderId().isEmpty() ? "-" : n.getLeaderId(),
                        n.getLastContactMs() < 0 ? "-" : n.getLastContactMs() + " ms"
                    });
        }
        int[] width = new int[rows.getFirst().length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(
                        i == r.length - 1
                                ? r[i]
                                : String.format("%-" + (width[i] + 2) + "s", r[i]));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    private static String role(RaftRole r) {
        return switch (r) {
            case RAFT_ROLE_LEADER -> "leader";
            case RAFT_ROLE_FOLLOWER -> "follower";
            case RAFT_ROLE_CANDIDATE -> "candidate";
            case RAFT_ROLE_LISTENER -> "listener";
            default -> "unknown";
        };
    }

    private static String membershipText(String done, MembershipResponse r) {
        return done
                + "; members: "
                + r.getMembersList().stream()
                        .map(m -> m.getId() + "=" + m.getRaftAddress())
                        .collect(Collectors.joining(", "))
                + "\n";
    }

    private static ManagedChannel channel(Options o) throws IOException {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(o.addr());
        if (o.tlsCa() == null) {
            return builder.usePlaintext().build();
        }
        SslContextBuilder ssl =
                GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                        .trustManager(new File(o.tlsCa()));
        if (o.tlsCert() != null) {
            ssl.keyManager(new File(o.tlsCert()), new File(o.tlsKey()));
        }
        return builder.sslContext(ssl.build()).build();
    }

    private static Channel withKey(Channel channel, String apiKey) {
        if (apiKey == null || apiKey.isEmpty()) {
            return channel;
        }
        Metadata headers = new Metadata();
        headers.put(
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + apiKey);
        return ClientInterceptors.intercept(
                channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** The command line, checked. */
    record Options(
            String command,
            String addr,
            String nodeId,
            String raftAddress,
            String apiKey,
            String tlsCa,
            String tlsCert,
            String tlsKey,
            Duration timeout) {
        private static final List<String> COMMANDS =
                List.of("status", "add-node", "remove-node", "transfer-leadership");

        static Options parse(List<String> args, Map<String, String> env) {
            if (args.isEmpty()) {
                throw new IllegalArgumentException("expected a command");
            }
            String command = args.getFirst();
            if (command.equals("--help") || command.equals("-h") || command.equals("help")) {
                return new Options("help", null, null, null, null, null, null, null, null);
            }
            if (!COMMANDS.contains(command)) {
                throw new IllegalArgumentException(
                        "expected one of " + String.join(", ", COMMANDS) + ", got " + command);
            }
            String addr = null;
            String nodeId = null;
            String raftAddress = null;
            String apiKey = env.get("VECTARAFT_API_KEY");
            String ca = null;
            String cert = null;
            String key = null;
            Duration timeout = command.equals("status") ? STATUS_TIMEOUT : CHANGE_TIMEOUT;
            for (int i = 1; i < args.size(); i++) {
                String flag = args.get(i);
                switch (flag) {
                    case "--addr" -> addr = value(args, ++i, flag);
                    case "--node-id" -> nodeId = value(args, ++i, flag);
                    case "--raft-address" -> raftAddress = value(args, ++i, flag);
                    case "--api-key" -> apiKey = value(args, ++i, flag);
                    case "--tls-ca" -> ca = value(args, ++i, flag);
                    case "--tls-cert" -> cert = value(args, ++i, flag);
                    case "--tls-key" -> key = value(args, ++i, flag);
                    case "--timeout" -> timeout = seconds(value(args, ++i, flag));
                    default -> throw new IllegalArgumentException("unknown flag " + flag);
                }
            }
            if (addr == null) {
                throw new IllegalArgumentException("--addr HOST:PORT is required");
            }
            if (!addr.matches(".+:\\d{1,5}")) {
                throw new IllegalArgumentException("--addr: expected HOST:PORT, got " + addr);
            }
            boolean needsNode = !command.equals("status");
            if (needsNode && nodeId == null) {
                throw new IllegalArgumentException(command + " needs --node-id ID");
            }
            if (!needsNode && nodeId != null) {
                throw new IllegalArgumentException("status takes no --node-id");
            }
            if (command.equals("add-node") != (raftAddress != null)) {
                throw new IllegalArgumentException(
                        command.equals("add-node")
                                ? "add-node needs --raft-address HOST:PORT"
                                : command + " takes no --raft-address");
            }
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
            if (cert != null && ca == null) {
                throw new IllegalArgumentException("--tls-cert needs --tls-ca (TLS)");
            }
            return new Options(command, addr, nodeId, raftAddress, apiKey, ca, cert, key, timeout);
        }

        private static Duration seconds(String value) {
            try {
                double s = Double.parseDouble(value);
                if (s > 0 && s <= 3600) {
                    return Duration.ofMillis(Math.round(s * 1000));
                }
            } catch (NumberFormatException e) {
                // rejected below
            }
            throw new IllegalArgumentException(
                    "--timeout: expected seconds, more than 0 and at most 3600, got " + value);
        }

        private static String value(List<String> args, int i, String flag) {
            if (i >= args.size()) {
                throw new IllegalArgumentException("flag " + flag + " needs a value");
            }
            return args.get(i);
        }
    }
}
