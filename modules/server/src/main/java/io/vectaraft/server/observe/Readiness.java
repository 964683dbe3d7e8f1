package io.vectaraft.server.observe;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.vectaraft.wal.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Readiness: DOWN until the store has recovered and gRPC serves, then UP with the number of
 * collections and, with a log, the free space on its disk.
 */
public final class Readiness implements HealthCheck {
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
}
