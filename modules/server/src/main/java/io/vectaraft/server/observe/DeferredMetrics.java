package io.vectaraft.server.observe;

import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.vectaraft.server.auth.Refusal;
import io.vectaraft.server.grpc.ServiceEvents;
import io.vectaraft.wal.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The server's meters as the gRPC side sees them: usable at once, while the {@link ServerMetrics}
 * behind them is still being built on another thread.
 *
 * <p>Building the registry (Helidon's metrics and service registry, Micrometer's JVM binders) is
 * about a second of CPU at start-up, as much as the whole gRPC side; on the gRPC start path it
 * delayed the first call by that much. So gRPC serves at once and every event that arrives before
 * {@link #attach} is kept, in order, and replayed into the registry when it is attached; after that
 * events go straight through. Nothing is lost: a call answered before {@code /metrics} listens is
 * counted the same as one after. The backlog is bounded by what clients can send in that second.
 *
 * <p>Thread-safe. The lock is never held while another thread could be inside the registry waiting
 * for it: before {@link #attach} no event touches the registry, and after it no event takes the
 * lock.
 */
public final class DeferredMetrics implements ServiceEvents, Refusal.Listener, AutoCloseable {
    private volatile ServerMetrics target;
    private List<Consumer<ServerMetrics>> pending = new ArrayList<>();
    private boolean closed;

    /**
     * Replays the events recorded so far into {@code metrics}, then forwards every later event to
     * it. Closes {@code metrics} instead when this was closed first.
     *
     * @return {@code metrics}
     * @throws IllegalStateException when called twice
     */
    public synchronized ServerMetrics attach(ServerMetrics metrics) {
        if (target != null) {
            throw new IllegalStateException("metrics already attached");
        }
        if (closed) {
            metrics.close();
            return metrics;
        }
        pending.forEach(event -> event.accept(metrics));
        pending = null;
        target = metrics;
        return metrics;
    }

    private void apply(Consumer<ServerMetrics> event) {
        ServerMetrics m = target;
        if (m == null) {
            synchronized (this) {
                m = target;
                if (m == null) {
                    if (!closed) {
                        pending.add(event);
                    }
                    return;
                }
            }
        }
        event.accept(m);
    }

    /**
     * Counts every gRPC call by method and status, and times it.
     *
     * @param keyLabel also by the caller's key id (API keys on)
     */
    public ServerInterceptor grpcInterceptor(boolean keyLabel) {
        return new GrpcMetricsInterceptor(this::record, keyLabel);
    }

    void record(String method, Status.Code code, String key, long nanos) {
        apply(m -> m.record(method, code, key, nanos));
    }

    /** See {@link ServerMetrics#countAuthFailures}. */
    public void countAuthFailures() {
        apply(ServerMetrics::countAuthFailures);
    }

    @Override
    public void refused(Refusal refusal) {
        apply(m -> m.refused(refusal));
    }

    /** See {@link ServerMetrics#bind}. */
    public void bind(Store store) {
        apply(m -> m.bind(store));
    }

    /** See {@link ServerMetrics#recallGauge}. */
    public void recallGauge(String collection, Supplier<Double> recallAtK) {
        apply(m -> m.recallGauge(collection, recallAtK));
    }

    @Override
    public void created(String collection) {
        apply(m -> m.created(collection));
    }

    @Override
    public void dropped(String collection) {
        apply(m -> m.dropped(collection));
    }

    @Override
    public void upserted(String collection, long records) {
        apply(m -> m.upserted(collection, records));
    }

    @Override
    public void deleted(String collection, long records) {
        apply(m -> m.deleted(collection, records));
    }

    @Override
    public void writeRefused(String method) {
        apply(m -> m.writeRefused(method));
    }

    @Override
    public void queried(String collection, long queries, long scanned) {
        apply(m -> m.queried(collection, queries, scanned));
    }

    /** Drops later events and closes the attached metrics, if any. */
    @Override
    public void close() {
        ServerMetrics m;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            pending = null;
            m = target;
        }
        if (m != null) {
            m.close();
        }
    }
}
