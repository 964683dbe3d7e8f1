package io.vectaraft.wal;

import java.nio.file.Path;
import java.time.Instant;

/** A snapshot on disk: the last log sequence number it covers, its file and size. */
public record SnapshotFile(
        long sequence, Path path, long sizeBytes, Instant created, int collections) {}
