package io.vectaraft.cluster;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How this node joins the Raft group.
 *
 * @param nodeId this node's id, one of {@code peers}
 * @param peers every member of the group (the same list on every node)
 * @param dir where Ratis keeps this node's log, metadata and snapshots
 * @param vectorDir where {@code on_disk} collections keep their vector files (caches)
 * @param electionTimeout the shortest time a follower waits for the leader before it campaigns; the
 *     longest is twice this
 * @param leaderLease whether the leader answers a read index within its lease (no heartbeat round)
 * @param join whether a node that stores no group yet starts in none and waits for AddNode, instead
 *     of forming one with {@code peers}
 */
public record ClusterOptions(
        String nodeId,
        Peers peers,
        Path dir,
        Path vectorDir,
        Duration electionTimeout,
        boolean leaderLease,
        boolean join) {
    public ClusterOptions {
        peers.require(nodeId);
        if (electionTimeout.isNegative() || electionTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "election timeout must be positive: " + electionTimeout);
        }
    }

    public Peer self() {
        return peers.require(nodeId);
    }
}
