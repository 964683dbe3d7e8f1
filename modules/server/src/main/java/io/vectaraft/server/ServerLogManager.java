package io.vectaraft.server;

import java.util.logging.LogManager;

/**
 * A {@link LogManager} that keeps its handlers through JVM shutdown until the server has stopped.
 * The stock one resets (closes every handler) from its own shutdown hook, which races with the
 * server's graceful stop: the drain and "stopped" lines would be lost. {@link Main} installs it; it
 * is inert in other JVMs (tests).
 */
public final class ServerLogManager extends LogManager {

    @Override
    public void reset() {
        if (!shuttingDown()) {
            super.reset();
        }
    }

    /** Flushes and closes the handlers once the server has stopped. */
    static void resetAfterStop() {
        if (LogManager.getLogManager() instanceof ServerLogManager m) {
            m.resetNow();
        }
    }

    private void resetNow() {
        super.reset();
    }

    /** Adding a hook is refused once shutdown has begun: the only portable way to ask. */
    private static boolean shuttingDown() {
        Thread probe = Thread.ofPlatform().unstarted(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
