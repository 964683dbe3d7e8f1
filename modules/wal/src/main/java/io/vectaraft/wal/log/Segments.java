package io.vectaraft.wal.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Naming of log segments. The active log is the configured file (e.g. {@code wal.jsonl}); a sealed
 * segment is the same name plus a dot and its first sequence number in 20 digits ({@code
 * wal.jsonl.00000000000000000001}), so that names sort in log order.
 */
public final class Segments {
    private Segments() {}

    /** A log file and the sequence numbers it holds ({@code lastSeq < firstSeq} when empty). */
    public record Segment(Path path, long firstSeq, long lastSeq) {}

    public static Path sealedPath(Path active, long firstSeq) {
        return active.resolveSibling(active.getFileName() + "." + "%020d".formatted(firstSeq));
    }

    /** Sealed segments beside the active file, in log order, as (path, first sequence) pairs. */
    public static List<Segment> listSealed(Path active) throws IOException {
        Path dir = active.toAbsolutePath().getParent();
        String prefix = active.getFileName() + ".";
        List<Segment> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                String rest = name.startsWith(prefix) ? name.substring(prefix.length()) : "";
                if (rest.length() == 20 && rest.chars().allMatch(Character::isDigit)) {
                    long first = Long.parseLong(rest);
                    out.add(new Segment(active.resolveSibling(name), first, first - 1));
                }
            }
        }
        out.sort(Comparator.comparingLong(Segment::firstSeq));
        return out;
    }
}
