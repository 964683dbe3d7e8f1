package io.vectaraft.server.recall;

import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Match;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.VectorCollection;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The live recall monitor: re-runs a fraction of the approximate (HNSW) searches exactly, off the
 * request path, and keeps a moving recall@k estimate per collection.
 *
 * <p>A request thread calls {@link #sampled} (a random draw) and, when it says yes, {@link
 * #submit}: the search and the ids it returned go into a bounded queue, and are dropped when the
 * queue is full, so a busy server never waits for the monitor. One low-priority daemon thread takes
 * them, runs the same search with {@code exact=true}, and records how many of the exact top-k ids
 * the approximate search returned. A sample is discarded when the collection changed between the
 * approximate search and the exact one ({@link VectorCollection#writeCount}), or was dropped
 * meanwhile: recall then measures the graph, not concurrent writes.
 *
 * <p>Thread safety: every public method may be called from any thread.
 */
public final class RecallMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RecallMonitor.class.getName());

    /** Samples waiting for the worker; beyond that they are dropped. */
    public static final int QUEUE_CAPACITY = 256;

    private record Sample(
            String name,
            VectorCollection collection,
            SearchRequest request,
            long writes,
            List<String> ids) {}

    private final double rate;
    private final Function<String, Optional<VectorCollection>> lookup;
    private final Consumer<String> firstSample;
    private final BlockingQueue<Sample> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Map<String, RecallWindow> windows = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final ReentrantLock idleLock = new ReentrantLock();
    private final Condition idle = idleLock.newCondition();
    private long inFlight; // guarded by idleLock: submitted and not yet finished
    private final Thread worker;

    /**
     * @param rate the fraction of approximate searches to sample, 0..1 (0: the monitor is off and
     *     starts no thread)
     * @param lookup the current collection of a name, to skip samples of dropped collections
     * @param firstSample called once per collection name when its first sample is recorded (e.g. to
     *     register a gauge)
     */
    public RecallMonitor(
            double rate,
            Function<String, Optional<VectorCollection>> lookup,
            Consumer<String> firstSample) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("recall sample rate: expected 0..1, got " + rate);
        }
        this.rate = rate;
        this.lookup = lookup;
        this.firstSample = firstSample;
        if (rate > 0) {
            worker = Thread.ofPlatform().name("vectaraft-recall").daemon().unstarted(this::run);
            worker.setPriority(Thread.MIN_PRIORITY);
            worker.start();
        } else {
            worker = null;
        }
    }

    /** A monitor that samples nothing. */
    public static RecallMonitor disabled() {
        return new RecallMonitor(0, name -> Optional.empty(), name -> {});
    }

    public double rate() {
        return rate;
    }

    /**
     * Whether to sample this search: only approximate searches (of HNSW or quantized collections),
     * at the configured rate. Cheap; call it before building anything for {@link #submit}.
     */
    public boolean sampled(VectorCollection collection, boolean exact) {
        return worker != null
                && !exact
                && (collection.spec().index() instanceof IndexSpec.Hnsw
                        || collection.spec().quantization().quantized())
                && (rate >= 1 || ThreadLocalRandom.current().nextDouble() < rate);
    }

    /**
     * Queues an approximate single-query search for an exact re-run, or drops it if the queue is
     * full.
     *
     * @param writes {@link VectorCollection#writeCount} read before the approximate search
     * @param results what the approximate search returned
     */
    public void submit(
            VectorCollection collection, SearchRequest request, long writes, List<Match> results) {
        List<String> ids = results.stream().map(m -> m.record().id()).toList();
        Sample sample = new Sample(collection.spec().name(), collection, request, writes, ids);
        idleLock.lock();
        try {
            if (!queue.offer(sample)) {
                dropped.incrementAndGet();
                return;
            }
            inFlight++;
        } finally {
            idleLock.unlock();
        }
    }

    /** The collection's estimate, {@link RecallEstimate#NONE} before its first sample. */
    public RecallEstimate estimate(String collection) {
        RecallWindow w = windows.get(collection);
        return w == null ? RecallEstimate.NONE : w.estimate();
    }

    /** Forgets a dropped collection's estimate. */
    public void forget(String collection) {
        windows.remove(collection);
    }

    /** Samples dropped because the queue was full. */
    public long droppedSamples() {
        return dropped.get();
    }

    /** Samples discarded because their collection changed before the exact re-run. */
    public long staleSamples() {
        return stale.get();
    }

    /**
     * Waits until every submitted sample is measured (or discarded). For tests and orderly
     * shutdown.
     *
     * @return false if the timeout passed first
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        idleLock.lock();
        try {
            while (inFlight > 0) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = idle.awaitNanos(nanos);
            }
            return true;
        } finally {
            idleLock.unlock();
        }
    }

    private void run() {
        while (true) {
            Sample sample;
            try {
                sample = queue.take();
            } catch (InterruptedException e) {
                return; // closed
            }
            try {
                measure(sample);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "recall sample of \"" + sample.name() + "\" failed", e);
            } finally {
                finished();
            }
        }
    }

    private void measure(Sample s) {
        SearchRequest ann = s.request();
        // Ids only: the exact re-run copies no vectors.
        List<Match> exact =
                s.collection()
                        .search(
                                new SearchRequest(
                                        ann.queries(), ann.k(), ann.filter(), 0, true, false))
                        .matches()
                        .getFirst();
        if (s.collection().writeCount() != s.writes()
                || lookup.apply(s.name()).orElse(null) != s.collection()) {
            stale.incrementAndGet();
            return;
        }
        if (exact.isEmpty()) {
            return; // nothing matched: no recall to measure
        }
        Set<String> returned = new HashSet<>(s.ids());
        int hits = 0;
        for (Match m : exact) {
            if (returned.contains(m.record().id())) {
                hits++;
            }
        }
        boolean[] created = {false};
        windows.computeIfAbsent(
                        s.name(),
                        name -> {
                            created[0] = true;
                            return new RecallWindow();
                        })
                .add(hits, exact.size());
        if (created[0]) {
            firstSample.accept(s.name());
        }
    }

    private void finished() {
        idleLock.lock();
        try {
            if (--inFlight == 0) {
                idle.signalAll();
            }
        } finally {
            idleLock.unlock();
        }
    }

    /** Stops the worker; samples still queued are abandoned. */
    @Override
    public void close() {
        if (worker == null) {
            return;
        }
        worker.interrupt();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
