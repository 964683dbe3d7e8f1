package io.vectaraft.server.observe;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.vectaraft.cluster.NodeStatus;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A cluster node's Raft meters, read from its own status at scrape time: {@code
 * vectaraft_raft_role{role}} (1 for the node's current role, 0 for the others), {@code _term},
 * {@code _commit_index}, {@code _applied_index}, {@code _apply_lag} (committed entries not applied
 * yet here) and {@code _leader_changes_total}.
 */
final class RaftMeters {
    private static final List<NodeStatus.Role> ROLES =
            List.of(
                    NodeStatus.Role.LEADER,
                    NodeStatus.Role.FOLLOWER,
                    NodeStatus.Role.CANDIDATE,
                    NodeStatus.Role.LISTENER);

    private RaftMeters() {}

    /**
     * @param status this node's status; the caller keeps a strong reference to it
     */
    static void bindTo(MeterRegistry registry, Supplier<NodeStatus> status) {
        for (NodeStatus.Role role : ROLES) {
            registry.getOrCreate(
                    Gauge.builder("vectaraft_raft_role", () -> status.get().role() == role ? 1 : 0)
                            .description("1 for this node's Raft role, 0 for the others")
                            .tags(
                                    List.of(
                                            Tag.create(
                                                    "role",
                                                    role.name().toLowerCase(Locale.ROOT)))));
        }
        gauge(registry, "vectaraft_raft_term", "this node's Raft term", () -> status.get().term());
        gauge(
                registry,
                "vectaraft_raft_commit_index",
                "the highest log index this node knows to be committed",
                () -> status.get().commitIndex());
        gauge(
                registry,
                "vectaraft_raft_applied_index",
                "the highest log index this node has applied",
                () -> status.get().appliedIndex());
        gauge(
                registry,
                "vectaraft_raft_apply_lag",
                "committed log entries this node has not applied yet",
                () -> status.get().applyLag());
        registry.getOrCreate(
                FunctionalCounter.builder(
                                "vectaraft_raft_leader_changes",
                                status,
                                s -> s.get().leaderChanges())
                        .description("leader changes this node has seen since it started"));
    }

    private static void gauge(
            MeterRegistry registry, String name, String description, Supplier<Long> value) {
        registry.getOrCreate(Gauge.builder(name, value).description(description));
    }
}
