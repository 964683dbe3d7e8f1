package io.vectaraft.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One member of the Raft group as it reports itself (or, when it did not answer, only who it is and
 * why not).
 *
 * @param id its node id
 * @param raftAddress host:port of its Raft server
 * @param reachable false when it did not answer; then only id, address and {@code error} hold
 * @param role its role in the group
 * @param term its current term
 * @param commitIndex the highest log index it knows to be committed
 * @param appliedIndex the highest log index it has applied
 * @param leaderId the leader as it sees it, or "" when it knows none
 * @param lastContactMs milliseconds since it last heard from the leader (0 on the leader), -1 when
 *     not known
 * @param inGroup whether it is in the group's current configuration, as it sees it
 * @param leaderChanges how often it saw the leader change since it started
 * @param error why it did not answer ("" when reachable)
 */
public record NodeStatus(
        String id,
        String raftAddress,
        boolean reachable,
        Role role,
        long term,
        long commitIndex,
        long appliedIndex,
        String leaderId,
        long lastContactMs,
        boolean inGroup,
        long leaderChanges,
        String error) {

    /** A node's role; {@link #UNKNOWN} when it did not answer. */
    public enum Role {
        LEADER,
        FOLLOWER,
        CANDIDATE,
        LISTENER,
        UNKNOWN
    }

    static NodeStatus unreachable(String id, String raftAddress, String error) {
        return new NodeStatus(
                id, raftAddress, false, Role.UNKNOWN, 0, 0, 0, "", -1, false, 0, error);
    }

    /** Committed entries this node has not applied yet. */
    public long applyLag() {
        return Math.max(0, commitIndex - appliedIndex);
    }

    /**
     * The status as the text a node sends to another that asked (the reply of a stale read): one
     * {@code key=value} per line; ids and addresses hold no '=' or line break.
     */
    String encode() {
        return "role="
                + role
                + "\nterm="
                + term
                + "\ncommit="
                + commitIndex
                + "\napplied="
                + appliedIndex
                + "\nleader="
                + leaderId
                + "\ncontact="
                + lastContactMs
                + "\ningroup="
                + inGroup
                + "\nleaderchanges="
                + leaderChanges
                + "\n";
    }

    /** The status node {@code id} sent ({@link #encode}). */
    static NodeStatus decode(String id, String raftAddress, String text) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                f.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        try {
            return new NodeStatus(
                    id,
                    raftAddress,
                    true,
                    Role.valueOf(f.getOrDefault("role", "UNKNOWN")),
                    Long.parseLong(f.getOrDefault("term", "0")),
                    Long.parseLong(f.getOrDefault("commit", "0")),
                    Long.parseLong(f.getOrDefault("applied", "0")),
                    f.getOrDefault("leader", ""),
                    Long.parseLong(f.getOrDefault("contact", "-1")),
                    Boolean.parseBoolean(f.getOrDefault("ingroup", "false")),
                    Long.parseLong(f.getOrDefault("leaderchanges", "0")),
                    "");
        } catch (IllegalArgumentException e) {
            return unreachable(
                    id, raftAddress, "answered something this node cannot read: " + e.getMessage());
        }
    }
}
