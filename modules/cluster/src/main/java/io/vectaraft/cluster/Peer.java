package io.vectaraft.cluster;

/** One member of the Raft group: its node id and the host:port its Raft server listens on. */
public record Peer(String id, String host, int port) {
    public Peer {
        if (id == null || !id.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException(
                    "node id: expected 1-64 letters, digits, '-' or '_', got \"" + id + "\"");
        }
        if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("peer " + id + ": expected a host, got none");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException(
                    "peer " + id + ": expected a port 1..65535, got " + port);
        }
    }

    /** {@code host:port}, brackets around IPv6 literals. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return id + "=" + address();
    }
}
