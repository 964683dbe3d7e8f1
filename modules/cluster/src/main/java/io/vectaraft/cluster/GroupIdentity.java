package io.vectaraft.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.ratis.protocol.RaftGroupId;

/**
 * The id of the Raft group a node belongs to.
 *
 * <p>A group is formed from a peers list, and its id is derived from that list (sorted, so the
 * order does not matter): nodes started with lists that differ can never join one group, and a node
 * can tell that a peer serves another group ({@link PeersCheck}). Once a node has stored a group,
 * it keeps that group's id on every restart, whatever the list: membership changes made through
 * Ratis change the members, not the id.
 */
final class GroupIdentity {
    private GroupIdentity() {}

    /** The id of the group formed from these peers (independent of their order). */
    static RaftGroupId of(Peers peers) {
        String canonical =
                peers.all().stream()
                        .sorted(Comparator.comparing(Peer::id))
                        .map(Peer::toString)
                        .collect(Collectors.joining(","));
        return RaftGroupId.valueOf(
                UUID.nameUUIDFromBytes(
                        ("vectaraft-group:" + canonical).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The group stored under {@code storageDir} by an earlier start (Ratis names a group's
     * directory by its id), if exactly one is.
     */
    static Optional<RaftGroupId> stored(Path storageDir) {
        List<RaftGroupId> stored = storedGroups(storageDir);
        return stored.size() == 1 ? Optional.of(stored.get(0)) : Optional.empty();
    }

    private static List<RaftGroupId> storedGroups(Path storageDir) {
        if (!Files.isDirectory(storageDir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(storageDir)) {
            return children.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(GroupIdentity::isUuid)
                    .map(name -> RaftGroupId.valueOf(UUID.fromString(name)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cluster: cannot list " + storageDir, e);
        }
    }

    private static boolean isUuid(String name) {
        try {
            return UUID.fromString(name).toString().equals(name);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
