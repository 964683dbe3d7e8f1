package io.vectaraft.server.auth;

import java.nio.file.Path;

/**
 * A key file that cannot be used. The message is one line naming the file, the line (1-based) and
 * the problem, e.g. {@code key file /etc/vectaraft/keys.yaml line 7: keys[1].role "writer":
 * expected admin, read-write or read-only}.
 */
public final class KeyFileException extends RuntimeException {
    private final Path file;
    private final int line;
    private final String problem;

    /**
     * @param line 1-based, or 0 when the problem is the file as a whole
     */
    public KeyFileException(Path file, int line, String problem) {
        super("key file " + file + (line > 0 ? " line " + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    public Path file() {
        return file;
    }

    /** 1-based, or 0 when the problem is the file as a whole. */
    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}
