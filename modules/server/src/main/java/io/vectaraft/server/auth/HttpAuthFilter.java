package io.vectaraft.server.auth;

import io.grpc.Status;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.vectaraft.index.ClientText;
import io.vectaraft.server.auth.Refusal.Reason;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;

/**
 * API keys on the HTTP side: with keys on, every path but {@value #LIVE} (probes) needs a key that
 * sees every collection, of any role ({@code /metrics} names collections and {@code /health/ready}
 * counts them). 401 for no or an unknown key, 403 for a key limited to some collections; each
 * refusal goes to the {@link Refusal.Listener}, as on gRPC.
 */
public final class HttpAuthFilter implements Filter {
    static final String LIVE = "/health/live";

    private final Authenticator authenticator;
    private final Refusal.Listener listener;
    private final Clock clock = Clock.systemUTC();

    public HttpAuthFilter(Authenticator authenticator, Refusal.Listener listener) {
        this.authenticator = authenticator;
        this.listener = listener;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (stripSlashes(path).equals(LIVE)) {
            chain.proceed();
            return;
        }
        Caller caller =
                authenticator.identify(
                        req.headers().first(HeaderNames.AUTHORIZATION).orElse(null),
                        req.headers()
                                .first(HeaderNames.create(Authenticator.API_KEY))
                                .orElse(null));
        String method = req.prologue().method().text() + " " + ClientText.quote(path);
        if (!caller.admitted()) {
            boolean missing = caller.state() == Caller.State.MISSING;
            refuse(
                    req,
                    caller,
                    method,
                    Status.Code.UNAUTHENTICATED,
                    missing ? Reason.MISSING_KEY : Reason.INVALID_KEY);
            res.status(401)
                    .header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"vectaraft\"")
                    .send(
                            missing
                                    ? "missing API key (send \"authorization: Bearer <key>\" or"
                                            + " \"api-key: <key>\")\n"
                                    : "invalid API key\n");
            return;
        }
        if (!caller.seesAll()) {
            refuse(req, caller, method, Status.Code.PERMISSION_DENIED, Reason.SCOPE);
            res.status(403)
                    .send(
                            "key \""
                                    + caller.keyLabel()
                                    + "\" may not read metrics or health: they cover every"
                                    + " collection and the key is limited to "
                                    + caller.key().scope()
                                    + "\n");
            return;
        }
        chain.proceed();
    }

    private void refuse(
            RoutingRequest req, Caller caller, String method, Status.Code status, Reason reason) {
        listener.refused(
                new Refusal(
                        clock.instant(),
                        peer(req.remotePeer().address()),
                        caller.keyLabel(),
                        method,
                        "",
                        status,
                        reason));
    }

    private static String peer(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : String.valueOf(remote);
    }

    private static String stripSlashes(String path) {
        int end = path.length();
        while (end > 1 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(0, end);
    }
}
