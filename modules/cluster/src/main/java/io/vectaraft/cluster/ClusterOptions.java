package io.vectaraft.cluster;

import java.nio.file.Path;

/**
 * How this node joins the Raft group.
 *
 * @param nodeId this node's id, one of {@code peers}
 * @param peers every member of the group (the same list on every node)
 * @param dir where Ratis keeps this node's log, metadata and snapshots
 * @param vectorDir where {@code on_disk} collections keep their vector files (caches)
 */
public record ClusterOptions(String nodeId, Peers peers, Path dir, Path vectorDir) {
    public ClusterOptions {
        peers.require(nodeId);
    }

    public Peer self() {
        return peers.require(nodeId);
    }
}
