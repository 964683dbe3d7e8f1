package io.vectaraft.cluster;

import io.vectaraft.index.StorageException;

/**
 * The group could not do what was asked in time (no leader, no majority, this node behind): the
 * client may retry, here or on another node. Mapped to {@code UNAVAILABLE}.
 */
public final class ClusterUnavailableException extends StorageException {
    public ClusterUnavailableException(String message) {
        super(message);
    }

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
