package io.vectaraft.server.config;

import io.vectaraft.cluster.ClusterOptions;
import io.vectaraft.cluster.Peers;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Cluster mode: this node's id, the group's members, where Ratis keeps this node's log and
 * snapshots, how many entries separate snapshots, the shortest election timeout, whether the leader
 * answers linearizable reads within its lease, and whether the node starts to join a group
 * (AddNode) instead of forming one.
 */
public record ClusterSettings(
        String nodeId,
        Peers peers,
        Path dir,
        long snapshotEntries,
        Duration electionTimeout,
        boolean leaderLease,
        boolean join) {

    /** The options of the cluster module; {@code vectorDir} for on-disk collections' files. */
    public ClusterOptions options(Path vectorDir) {
        return new ClusterOptions(
                nodeId, peers, dir, vectorDir, electionTimeout, leaderLease, join);
    }
}
