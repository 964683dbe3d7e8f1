package io.vectaraft.server;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.helidon.webserver.http.Filter;
import io.vectaraft.server.auth.AuditLog;
import io.vectaraft.server.auth.Authenticator;
import io.vectaraft.server.auth.AuthorizationInterceptor;
import io.vectaraft.server.auth.CallerInterceptor;
import io.vectaraft.server.auth.HttpAuthFilter;
import io.vectaraft.server.auth.KeyFileException;
import io.vectaraft.server.auth.LiveKeys;
import io.vectaraft.server.auth.Refusal;
import io.vectaraft.server.config.ConfigException;
import io.vectaraft.server.config.ServerConfig;
import io.vectaraft.server.grpc.RequestGuard;
import io.vectaraft.server.reload.FileWatcher;
import io.vectaraft.server.tls.ServerTls;
import io.vectaraft.server.tls.TlsFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * API keys and TLS as the server wires them: the keys in force, the TLS contexts, the interceptors
 * and HTTP filter that enforce them, and the watcher that reloads key file and certificates when
 * they change. With keys off nothing is added to a call's path.
 */
final class ServerSecurity implements AutoCloseable {
    private final ServerConfig config;
    private final Optional<LiveKeys> keys;
    private final Optional<Authenticator> authenticator;
    private final ServerTls tls;
    private final Refusal.Listener refusals;
    private final FileWatcher watcher = new FileWatcher();

    private ServerSecurity(ServerConfig config, Supplier<Refusal.Listener> metrics) {
        this.config = config;
        try {
            this.keys =
                    config.auth().keysOn()
                            ? Optional.of(LiveKeys.load(config.auth()))
                            : Optional.empty();
            this.tls = ServerTls.load(config.tls());
        } catch (KeyFileException | TlsFileException e) {
            watcher.close();
            throw new ConfigException(e.getMessage(), e);
        }
        this.authenticator = keys.map(Authenticator::new);
        AuditLog audit = new AuditLog();
        Refusal.Listener counted = metrics.get();
        this.refusals =
                counted == null
                        ? audit
                        : r -> {
                            audit.refused(r);
                            counted.refused(r);
                        };
        keys.ifPresent(k -> k.file().ifPresent(f -> watcher.watch(List.of(f), k::reload)));
        tls.watch(watcher);
    }

    /**
     * Reads the key file and the certificates the configuration names.
     *
     * @param metrics where refusals are counted (null: nowhere)
     * @throws ConfigException naming the file, line and problem of an unusable file
     */
    static ServerSecurity load(ServerConfig config, Supplier<Refusal.Listener> metrics) {
        return new ServerSecurity(config, metrics);
    }

    boolean keysOn() {
        return keys.isPresent();
    }

    /** TLS (and mutual TLS) on the gRPC listener, when configured. */
    void configure(NettyServerBuilder builder) {
        tls.grpcContext().ifPresent(builder::sslContext);
    }

    Optional<SSLContext> httpTls() {
        return tls.httpContext();
    }

    /** The filter that asks the HTTP side for a key, unless keys are off or it is open. */
    Optional<Filter> httpFilter() {
        if (authenticator.isEmpty() || config.auth().openObservability()) {
            return Optional.empty();
        }
        return Optional.of(new HttpAuthFilter(authenticator.get(), refusals));
    }

    /**
     * The VectorService behind the role table. Calls go through: the caller's identification,
     * {@code observe} (e.g. metrics: they see refused calls too), the {@link RequestGuard} (an
     * unparseable request is refused here), authorization, {@code handle} (e.g. failure logging:
     * only admitted calls), the service. Both lists outermost first.
     */
    ServerServiceDefinition protect(
            BindableService service,
            List<ServerInterceptor> observe,
            List<ServerInterceptor> handle) {
        // ServerInterceptors.intercept runs the last one of the list first.
        List<ServerInterceptor> inner = new ArrayList<>(handle.reversed());
        authenticator.ifPresent(
                a -> inner.add(AuthorizationInterceptor.forVectorService(refusals)));
        List<ServerInterceptor> outer = new ArrayList<>(observe.reversed());
        authenticator.ifPresent(a -> outer.add(new CallerInterceptor(a)));
        return ServerInterceptors.intercept(
                RequestGuard.guard(ServerInterceptors.intercept(service, inner)), outer);
    }

    /** Reflection: any valid key when keys are on. */
    ServerServiceDefinition protectReflection(BindableService service) {
        ServerServiceDefinition guarded = RequestGuard.guard(service.bindService());
        if (authenticator.isEmpty()) {
            return guarded;
        }
        return ServerInterceptors.intercept(
                guarded,
                AuthorizationInterceptor.anyKey(refusals),
                new CallerInterceptor(authenticator.get()));
    }

    /** Re-reads the key file and every certificate now (SIGHUP). */
    void reload() {
        watcher.reloadAll();
    }

    @Override
    public void close() {
        watcher.close();
    }
}
