package io.vectaraft.cluster;

import java.util.List;

/**
 * The Raft group as one node sees it: its leader and term, and each member of the current
 * configuration as that member reports itself.
 *
 * @param nodeId the node that answered
 * @param leaderId the leader as it sees it, or ""
 * @param term its current term
 * @param nodes the members, by id
 */
public record GroupStatus(String nodeId, String leaderId, long term, List<NodeStatus> nodes) {
    public GroupStatus {
        nodes = List.copyOf(nodes);
    }
}
