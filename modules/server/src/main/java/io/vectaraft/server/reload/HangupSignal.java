package io.vectaraft.server.reload;

import java.lang.System.Logger.Level;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGHUP as "re-read your files" (the key file, certificates), as daemons conventionally take it.
 * Installing the handler replaces the JVM's default for SIGHUP, which would stop the process.
 *
 * <p>A process started with SIGHUP ignored (under {@code nohup}, or from a shell that ran {@code
 * trap '' HUP}) keeps it ignored: HotSpot then installs no handler, only reports the previous one
 * as {@link SignalHandler#SIG_IGN}, and SIGHUP does nothing. {@link #onHangup} says so, so that the
 * caller can warn.
 */
public final class HangupSignal {
    private static final System.Logger LOG = System.getLogger(HangupSignal.class.getName());

    /** What a SIGHUP does once {@link #onHangup} has run. */
    public enum Effect {
        /** Runs the action. */
        RUNS_ACTION,
        /** Nothing: the process that started this one ignored SIGHUP, and the JVM keeps it so. */
        IGNORED,
        /** Nothing: no SIGHUP on this platform, or the JVM keeps it for itself (-Xrs). */
        UNAVAILABLE
    }

    private HangupSignal() {}

    /**
     * Runs {@code action} on every SIGHUP; logs and does nothing where SIGHUP does not exist.
     *
     * @return whether SIGHUP will run it: not when ignored since the start, nor where unavailable
     */
    public static Effect onHangup(Runnable action) {
        try {
            SignalHandler previous =
                    Signal.handle(
                            new Signal("HUP"),
                            signal -> {
                                LOG.log(
                                        Level.INFO,
                                        "SIGHUP: reloading the key file and certificates");
                                action.run();
                            });
            return previous == SignalHandler.SIG_IGN ? Effect.IGNORED : Effect.RUNS_ACTION;
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "no SIGHUP on this platform: reload by changing the files");
            return Effect.UNAVAILABLE;
        }
    }
}
