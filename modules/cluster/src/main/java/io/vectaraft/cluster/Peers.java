package io.vectaraft.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The members of the Raft group, as every node is told them: {@code n1=host:port,n2=host:port,...}.
 * Ids and addresses are unique; the order does not matter (the group is identified by the set).
 */
public record Peers(List<Peer> all) {
    public Peers {
        all = List.copyOf(all);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("peers: expected at least one id=host:port");
        }
        Set<String> ids = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (Peer p : all) {
            if (!ids.add(p.id())) {
                throw new IllegalArgumentException("peers: node id " + p.id() + " appears twice");
            }
            if (!addresses.add(p.address())) {
                throw new IllegalArgumentException(
                        "peers: address " + p.address() + " appears twice");
            }
        }
    }

    /** Parses {@code id=host:port,...}; the message of a failure names the bad item. */
    public static Peers parse(String text) {
        List<Peer> peers = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            peers.add(parsePeer(item.strip()));
        }
        return new Peers(peers);
    }

    private static Peer parsePeer(String item) {
        int eq = item.indexOf('=');
        int colon = item.lastIndexOf(':');
        if (eq <= 0 || colon < eq + 2 || colon == item.length() - 1) {
            throw new IllegalArgumentException(
                    "peers: expected id=host:port, got \"" + item + "\"");
        }
        String host = item.substring(eq + 1, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(item.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "peers: expected a port number in \"" + item + "\"", e);
        }
        return new Peer(item.substring(0, eq), host, port);
    }

    public Optional<Peer> find(String id) {
        return all.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** The peer with this id; fails with a message listing the ids there are. */
    public Peer require(String id) {
        return find(id).orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "node id: expected one of the peers ("
                                                + all.stream()
                                                        .map(Peer::id)
                                                        .collect(Collectors.joining(", "))
                                                + "), got \""
                                                + id
                                                + "\""));
    }

    @Override
    public String toString() {
        return all.stream().map(Peer::toString).collect(Collectors.joining(","));
    }
}
