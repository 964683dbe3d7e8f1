package io.vectaraft.server.reload;

import java.lang.System.Logger.Level;
import sun.misc.Signal;

/**
 * SIGHUP as "re-read your files" (the key file, certificates), as daemons conventionally take it.
 * Installing the handler replaces the JVM's default for SIGHUP, which would stop the process.
 */
public final class HangupSignal {
    private static final System.Logger LOG = System.getLogger(HangupSignal.class.getName());

    private HangupSignal() {}

    /** Runs {@code action} on every SIGHUP; logs and does nothing where SIGHUP does not exist. */
    public static void onHangup(Runnable action) {
        try {
            Signal.handle(
                    new Signal("HUP"),
                    signal -> {
                        LOG.log(Level.INFO, "SIGHUP: reloading the key file and certificates");
                        action.run();
                    });
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "no SIGHUP on this platform: reload by changing the files");
        }
    }
}
