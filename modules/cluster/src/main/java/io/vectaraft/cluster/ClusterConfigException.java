package io.vectaraft.cluster;

/**
 * The cluster settings cannot work as given: a peers list that differs from the group the other
 * nodes formed, or this node's Raft address already taken. The server reports it as a configuration
 * error (exit code 2), not as a failure to start.
 */
public final class ClusterConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterConfigException(String message) {
        super(message);
    }

    public ClusterConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
