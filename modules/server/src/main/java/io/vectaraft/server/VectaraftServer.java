package io.vectaraft.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.cluster.ReplicatedStore;
import io.vectaraft.server.config.ClusterSettings;
import io.vectaraft.server.config.HostPort;
import io.vectaraft.server.config.ServerConfig;
import io.vectaraft.server.grpc.FailedCallLogger;
import io.vectaraft.server.grpc.ServiceEvents;
import io.vectaraft.server.grpc.VectorServiceImpl;
import io.vectaraft.server.observe.DeferredMetrics;
import io.vectaraft.server.observe.ObservabilityServer;
import io.vectaraft.server.observe.Readiness;
import io.vectaraft.server.observe.ServerMetrics;
import io.vectaraft.server.recall.RecallMonitor;
import io.vectaraft.server.trace.Tracing;
import io.vectaraft.wal.StorageEngine;
import io.vectaraft.wal.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One running vectaraft server: gRPC (grpc-java's Netty server, calls on virtual threads) and,
 * unless disabled, the HTTP observability listener (Helidon SE).
 *
 * <p>Starts in two steps so that readiness means something: {@link #create} opens the HTTP side
 * (live, not ready), {@link #serve} takes the recovered store, starts gRPC and turns ready. {@link
 * #start} does both. Tests start it on port 0 in the same JVM.
 */
public final class VectaraftServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VectaraftServer.class.getName());
    private static final long DRAIN_SECONDS = 10;

    /**
     * How long the HTTP start waits for the gRPC start (see {@link #start(ServerConfig)}): longer
     * than a start with little to recover takes on a busy 2-core machine, short enough that {@code
     * /health/live} answers early in a long recovery.
     */
    static final Duration HTTP_YIELD = Duration.ofSeconds(2);

    private final ServerConfig config;
    private final Readiness readiness;
    private final DeferredMetrics metrics;

    /**
     * Building the meter registry and starting the HTTP listener, on their own thread: they overlap
     * recovery and the gRPC start, which does not wait for them (see {@link DeferredMetrics}).
     */
    private final CompletableFuture<ObservabilityServer> http;

    /** Opened once gRPC listens, or the server closes; the HTTP start may wait for it. */
    private final CountDownLatch grpcStarted = new CountDownLatch(1);

    private final ServerSecurity security;
    private final Tracing tracing;
    private final HealthStatusManager health = new HealthStatusManager();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private Store store;
    private RecallMonitor recall = RecallMonitor.disabled();
    private Server grpc;

    /**
     * The bound ports, kept for a stop that may come at any moment: {@code grpc.getPort()} throws
     * once gRPC terminated, and a stopped HTTP listener reports -1.
     */
    private volatile int grpcPort = -1;

    private volatile int metricsPort = -1;

    private boolean closed;

    private VectaraftServer(ServerConfig config, Duration httpYield, Tracing tracing) {
        this.config = config;
        this.tracing = tracing;
        this.readiness = new Readiness(config.walEnabled() ? config.walPath().getParent() : null);
        this.metrics = config.metricsEnabled() ? new DeferredMetrics() : null;
        this.security = ServerSecurity.load(config, () -> metrics);
        if (metrics != null && security.keysOn()) {
            metrics.countAuthFailures();
        }
        this.http =
                config.metricsEnabled()
                        ? CompletableFuture.supplyAsync(
                                () -> {
                                    yieldTo(grpcStarted, httpYield);
                                    ObservabilityServer started =
                                            ObservabilityServer.start(
                                                    config.metricsAddress(),
                                                    metrics.attach(new ServerMetrics()),
                                                    readiness,
                                                    security.httpFilter(),
                                                    security.httpTls());
                                    metricsPort = started.port();
                                    return started;
                                },
                                task -> Thread.ofPlatform().name("http-start").start(task))
                        : null;
    }

    /** Waits until {@code gate} opens or {@code limit} passes; never fails. */
    private static void yieldTo(CountDownLatch gate, Duration limit) {
        try {
            gate.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Creates, recovers the store the configuration names, and serves; returns once the HTTP side
     * listens too. gRPC never waits for the HTTP side (see {@link DeferredMetrics}). The HTTP side
     * starts on its own thread once gRPC listens, or after {@link #HTTP_YIELD} if recovery takes
     * longer: both starts are mostly class loading, and on two busy cores the HTTP one running
     * alongside delayed the first gRPC call by ~0.3 s, while {@code /health/live} must still answer
     * during a long recovery.
     */
    public static VectaraftServer start(ServerConfig config) {
        return start(config, s -> {});
    }

    /**
     * As {@link #start(ServerConfig)}, and tells {@code serving} as soon as gRPC serves, before the
     * HTTP side may be up (so that a shutdown hook can stop it from then on).
     */
    public static VectaraftServer start(ServerConfig config, Consumer<VectaraftServer> serving) {
        return start(config, Tracing.from(config.tracing()), serving);
    }

    /** As {@link #start(ServerConfig)}, with spans going to {@code tracing} (which it closes). */
    public static VectaraftServer start(ServerConfig config, Tracing tracing) {
        return start(config, tracing, s -> {});
    }

    private static VectaraftServer start(
            ServerConfig config, Tracing tracing, Consumer<VectaraftServer> serving) {
        VectaraftServer server = new VectaraftServer(config, HTTP_YIELD, tracing);
        try {
            server.serve(openStore(config));
            serving.accept(server);
            server.awaitHttp();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * A cluster node's replica of the Raft group (its log is the Raft log), or a standalone store:
     * its own log, or memory only.
     */
    private static Store openStore(ServerConfig config) {
        if (config.cluster().isPresent()) {
            ClusterSettings cluster = config.cluster().get();
            return ReplicatedStore.open(
                    cluster.options(config.storageOptions().vectorDir()),
                    cluster.snapshotEntries(),
                    config.maxMessageBytes());
        }
        return config.walEnabled()
                ? StorageEngine.open(config.storageOptions())
                : StorageEngine.inMemory();
    }

    /** Starts the HTTP side only: alive, not ready. */
    public static VectaraftServer create(ServerConfig config) {
        VectaraftServer server =
                new VectaraftServer(config, Duration.ZERO, Tracing.from(config.tracing()));
        try {
            server.awaitHttp();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Waits for the HTTP side to listen; rethrows why it could not. */
    private void awaitHttp() {
        if (http == null) {
            return;
        }
        try {
            http.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** The HTTP side, if it started (null when disabled, failed or still starting). */
    private ObservabilityServer startedHttp() {
        return http == null || !http.isDone() || http.isCompletedExceptionally()
                ? null
                : http.join();
    }

    /** Starts gRPC over a recovered store and marks the server ready. Takes ownership of it. */
    public synchronized void serve(Store store) {
        if (this.store != null) {
            throw new IllegalStateException("already serving");
        }
        this.store = store;
        ServiceEvents events = metrics != null ? metrics : ServiceEvents.NONE;
        if (metrics != null) {
            metrics.bind(store);
        }
        recall = recallMonitor(store);
        store.observeWrites(tracing.writeObserver());
        BindableService service =
                new VectorServiceImpl(store, Version.get(), events, recall, tracing.tracer());
        HostPort address = config.grpcAddress();
        try {
            NettyServerBuilder builder =
                    NettyServerBuilder.forAddress(
                                    new InetSocketAddress(address.host(), address.port()))
                            .executor(executor)
                            .maxInboundMessageSize(config.maxMessageBytes())
                            .addService(
                                    ServerInterceptors.intercept(
                                            security.protect(service, observers(), handlers()),
                                            tracing.interceptor()))
                            .addService(health.getHealthService())
                            .addService(
                                    security.protectReflection(
                                            ProtoReflectionServiceV1.newInstance()))
                            .addService(security.protectReflection(legacyReflection()));
            security.configure(builder);
            grpc = builder.build().start();
            grpcPort = grpc.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot listen for gRPC on " + address + ": " + e.getMessage(), e);
        }
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(VectorServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
        readiness.ready(store);
        grpcStarted.countDown();
        LOG.log(Level.INFO, "gRPC listening on " + grpcAddress());
        config.tracing()
                .endpoint()
                .ifPresent(
                        e ->
                                LOG.log(
                                        Level.INFO,
                                        "tracing: spans to "
                                                + e
                                                + " over OTLP "
                                                + config.tracing().protocol()
                                                + ", sample ratio "
                                                + config.tracing().sampleRatio()));
    }

    private RecallMonitor recallMonitor(Store store) {
        // Late-bound holder: the gauge reads the monitor being built.
        RecallMonitor[] self = new RecallMonitor[1];
        self[0] =
                new RecallMonitor(
                        config.recallSampleRate(),
                        store.database()::find,
                        name -> {
                            if (metrics != null) {
                                metrics.recallGauge(name, () -> self[0].estimate(name).recallAtK());
                            }
                        });
        return self[0];
    }

    /** The live recall monitor (disabled until {@link #serve}, or at sample rate 0). */
    public synchronized RecallMonitor recallMonitor() {
        return recall;
    }

    /**
     * grpcurl before 1.9, Postman and several IDE plugins still speak only v1alpha reflection,
     * which grpc-java keeps but deprecates.
     */
    @SuppressWarnings("deprecation")
    private static BindableService legacyReflection() {
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }

    /** Interceptors that see every call, refused ones too (outermost first). */
    private List<ServerInterceptor> observers() {
        List<ServerInterceptor> list = new ArrayList<>();
        if (metrics != null) {
            list.add(metrics.grpcInterceptor(security.keysOn()));
        }
        return list;
    }

    /** Interceptors of the calls authorization admitted (outermost first). */
    private List<ServerInterceptor> handlers() {
        return List.of(new FailedCallLogger());
    }

    /** Re-reads the key file and the certificates now (SIGHUP). */
    public void reload() {
        security.reload();
    }

    /** The bound gRPC address (the real port when 0 was asked). */
    public HostPort grpcAddress() {
        return new HostPort(config.grpcAddress().host(), grpcPort);
    }

    /** The bound HTTP observability address, when enabled. */
    public Optional<HostPort> metricsAddress() {
        int port = metricsPort;
        return port < 0
                ? Optional.empty()
                : Optional.of(new HostPort(config.metricsAddress().host(), port));
    }

    public ServerConfig config() {
        return config;
    }

    /** The store being served, once {@link #serve} ran. */
    public synchronized Optional<Store> store() {
        return Optional.ofNullable(store);
    }

    /** Stops gRPC and its call executor, each bounded by {@value #DRAIN_SECONDS} s. */
    private void drain() throws InterruptedException {
        if (grpc != null) {
            grpc.shutdown();
            if (!grpc.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                LOG.log(
                        Level.WARNING,
                        "calls still running after " + DRAIN_SECONDS + " s; cancelling them");
                grpc.shutdownNow().awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS);
            }
        }
        executor.shutdown();
        if (!executor.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
            LOG.log(Level.WARNING, "request threads still running; interrupting them");
            executor.shutdownNow();
        }
    }

    /** Blocks until the gRPC server terminates. */
    public void awaitTermination() throws InterruptedException {
        grpc.awaitTermination();
    }

    /**
     * Graceful stop: reports NOT_SERVING, stops accepting calls, lets running calls finish (up to
     * {@value #DRAIN_SECONDS} s), then closes the store and the HTTP side.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        grpcStarted.countDown();
        health.enterTerminalState();
        try {
            drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        recall.close();
        if (store != null) {
            store.close();
        }
        if (http != null) {
            // A start still under way finishes first, so that its listener is stopped too.
            http.exceptionally(e -> null).join();
            ObservabilityServer started = startedHttp();
            if (started != null) {
                started.close();
            }
        }
        if (metrics != null) {
            metrics.close();
        }
        security.close();
        tracing.close();
        LOG.log(Level.INFO, "vectaraft stopped");
    }
}
