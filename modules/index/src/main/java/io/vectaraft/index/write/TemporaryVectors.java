package io.vectaraft.index.write;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The directory of the vector files of {@code on_disk} collections in a database without a data
 * directory (no write-ahead log, tests): one temporary directory per process, removed at exit.
 */
final class TemporaryVectors {
    private static Path dir;

    private TemporaryVectors() {}

    static synchronized Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("vectaraft-vectors-");
                dir.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException("temporary vector directory: " + e.getMessage(), e);
            }
        }
        return dir;
    }
}
