package io.vectaraft.server.observe;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.vectaraft.cluster.NodeStatus;
import io.vectaraft.cluster.ReadyCheck;
import io.vectaraft.cluster.ReplicatedStore;
import io.vectaraft.wal.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Readiness: DOWN until the store has recovered and gRPC serves, then UP with the number of
 * collections and, with a log, the free space on its disk. A cluster node is UP only while it is in
 * the group's configuration, knows a leader, and has applied the commit index it has seen (waiting
 * up to {@link #APPLY_WAIT} for that, so that a node applying a steady stream of writes does not
 * flap); its role, term, leader and indexes are in the details.
 */
public final class Readiness implements HealthCheck {
    static final Duration APPLY_WAIT = Duration.ofSeconds(1);

    private final Path walDir;
    private volatile Store store;

    /**
     * @param walDir the directory of the log, or null when running memory-only
     */
    public Readiness(Path walDir) {
        this.walDir = walDir;
    }

    /** Marks the server ready to serve this store. */
    public void ready(Store store) {
        this.store = store;
    }

    public boolean isReady() {
        return store != null;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "vectaraft";
    }

    @Override
    public HealthCheckResponse call() {
        Store s = store;
        HealthCheckResponse.Builder b = HealthCheckResponse.builder().status(s != null);
        if (s == null) {
            return b.detail("state", "recovering").build();
        }
        if (s instanceof ReplicatedStore replica) {
            cluster(b, replica.admin().ready(APPLY_WAIT));
        }
        // A store that refused a write after a failed fsync still serves reads: ready, but say so.
        b.detail("state", "serving")
                .detail("collections", s.database().list().size())
                .detail("writable", s.writable());
        if (walDir != null) {
            try {
                Path dir = Files.exists(walDir) ? walDir : walDir.toAbsolutePath().getRoot();
                b.detail("walUsableBytes", Files.getFileStore(dir).getUsableSpace());
            } catch (IOException e) {
                b.detail("walUsableBytes", "unknown: " + e.getMessage());
            }
        }
        return b.build();
    }

    private static void cluster(HealthCheckResponse.Builder b, ReadyCheck check) {
        NodeStatus n = check.local();
        b.status(check.ready())
                .detail("node", n.id())
                .detail("role", n.role().name().toLowerCase(Locale.ROOT))
                .detail("term", n.term())
                .detail("leader", n.leaderId())
                .detail("commitIndex", n.commitIndex())
                .detail("appliedIndex", n.appliedIndex());
        if (!check.ready()) {
            b.detail("reason", check.reason());
        }
    }
}
