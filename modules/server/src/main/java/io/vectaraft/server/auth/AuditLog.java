package io.vectaraft.server.auth;

import io.vectaraft.index.ClientText;
import java.lang.System.Logger.Level;

/**
 * The audit trail of refusals: one line per refused call or request, on the logger {@value
 * #LOGGER}, e.g.
 *
 * <pre>
 * refused: time=2026-12-04T10:15:30.123Z peer=10.0.0.7:51234 key=tenant-a
 *   method=vectaraft.v1.VectorService/Count collection="b-films" status=PERMISSION_DENIED reason=scope
 * </pre>
 *
 * (one line in the log). Text from the client (collection, path) is quoted, escaped and bounded by
 * {@link ClientText}.
 */
public final class AuditLog implements Refusal.Listener {
    public static final String LOGGER = "io.vectaraft.audit";

    private static final System.Logger LOG = System.getLogger(LOGGER);

    @Override
    public void refused(Refusal r) {
        LOG.log(Level.WARNING, line(r));
    }

    static String line(Refusal r) {
        return "refused: time="
                + r.time()
                + " peer="
                + r.peer()
                + " key="
                + r.key()
                + " method="
                + r.method()
                + " collection="
                + (r.collection().isEmpty() ? "-" : ClientText.quote(r.collection()))
                + " status="
                + r.status()
                + " reason="
                + r.reason().label();
    }
}
