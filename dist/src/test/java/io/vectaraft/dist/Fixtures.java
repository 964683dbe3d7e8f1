package io.vectaraft.dist;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build put things; set by the dist POM as system properties. */
final class Fixtures {
    private Fixtures() {}

    /** The runtime image directory, {@code dist/target/vectaraft-VERSION}. */
    static Path image() {
        Path image = Path.of(required("vectaraft.image"));
        if (!Files.isExecutable(image.resolve("bin/vectaraft"))) {
            throw new IllegalStateException(
                    "no runtime image at " + image + ": expected bin/vectaraft (run mvn package)");
        }
        return image;
    }

    /** The project version from the POM. */
    static String version() {
        return required("vectaraft.version");
    }

    /** The repository root. */
    static Path root() {
        return Path.of(required("vectaraft.root")).toAbsolutePath().normalize();
    }

    /** Debian's python3, which sees python3-grpcio (the pyenv one on PATH does not). */
    static String python() {
        return System.getProperty("vectaraft.python", "/usr/bin/python3");
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    "system property " + property + " is not set (run through Maven)");
        }
        return value;
    }
}
