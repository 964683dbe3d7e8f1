package io.vectaraft.server.tls;

import java.nio.file.Path;

/** A certificate or key file that cannot be used; the message names the file and the problem. */
public final class TlsFileException extends RuntimeException {
    public TlsFileException(Path file, String problem) {
        super("TLS file " + file + ": " + problem);
    }
}
