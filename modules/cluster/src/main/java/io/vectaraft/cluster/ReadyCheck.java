package io.vectaraft.cluster;

/**
 * Whether this node may serve reads: it is in the group's configuration, knows a leader, and has
 * applied every entry it knows to be committed.
 *
 * @param ready all three hold
 * @param reason what does not hold ("" when ready)
 * @param local this node's status when checked
 */
public record ReadyCheck(boolean ready, String reason, NodeStatus local) {}
