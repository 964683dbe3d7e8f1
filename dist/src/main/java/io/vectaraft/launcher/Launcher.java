package io.vectaraft.launcher;

import io.vectaraft.server.Main;

/** Entry point of {@code bin/vectaraft}: hands every argument to the server's {@link Main}. */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Main.main(args);
    }
}
