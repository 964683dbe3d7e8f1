package io.vectaraft.server;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.Condition;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.Filter;
import io.vectaraft.api.v1.HnswIndex;
import io.vectaraft.api.v1.IndexSpec;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.ScrollRequest;
import io.vectaraft.api.v1.ScrollResponse;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.Value;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A mixed load over real gRPC, the one of issue 12's soak: {@code clients} clients, each looping
 * over upserts of {@code batch} records of {@code dimension} floats with metadata, deletes by id
 * and by filter, filtered queries and scrolls on one HNSW collection, and timing every call.
 *
 * <p>Each client writes its own ids from a bounded space ({@code idsPerClient}), so the data grows
 * to at most {@code clients * idsPerClient} records and then stays there while upserts keep
 * replacing records (tombstones, graph rebuilds) and deletes keep removing some: the steady state a
 * memory soak needs.
 */
final class SoakLoad {
    /** The operations, and how often each is picked (weights out of 100). */
    enum Op {
        UPSERT(40),
        DELETE_IDS(10),
        DELETE_FILTER(5),
        QUERY(35),
        SCROLL(10);

        final int weight;

        Op(int weight) {
            this.weight = weight;
        }
    }

    record Options(
            int clients, int dimension, int batch, int idsPerClient, Duration duration, long seed) {
        static Options issue12(Duration duration) {
            return new Options(8, 128, 50, 5_000, duration, 12);
        }
    }

    /** Latencies of one operation in nanoseconds, and its failures. */
    static final class Latencies {
        private long[] nanos = new long[1024];
        private int count;
        private final List<String> errors = new ArrayList<>();

        synchronized void add(long n) {
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = n;
        }

        synchronized void fail(String error) {
            errors.add(error);
        }

        synchronized Summary summary() {
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            return new Summary(
                    count,
                    errors.size(),
                    errors.isEmpty() ? "" : errors.getFirst(),
                    millis(sorted, 0.50),
                    millis(sorted, 0.99),
                    count == 0 ? 0 : sorted[count - 1] / 1e6);
        }

        private static double millis(long[] sorted, double q) {
            return sorted.length == 0 ? 0 : sorted[(int) Math.ceil(q * sorted.length) - 1] / 1e6;
        }
    }

    /** One operation's figures: calls, failures (with the first message), latency in ms. */
    record Summary(long calls, int errors, String firstError, double p50, double p99, double max) {
        @Override
        public String toString() {
            return String.format(
                    "%6d calls, p50 %7.1f ms, p99 %7.1f ms, max %7.1f ms, %d errors%s",
                    calls,
                    p50,
                    p99,
                    max,
                    errors,
                    errors == 0 ? "" : " (first: " + firstError + ")");
        }
    }

    static final String COLLECTION = "soak";

    private final ManagedChannel channel;
    private final Options options;
    private final Map<Op, Latencies> latencies = new EnumMap<>(Op.class);
    private final ConcurrentLinkedQueue<String> setupErrors = new ConcurrentLinkedQueue<>();

    SoakLoad(ManagedChannel channel, Options options) {
        this.channel = channel;
        this.options = options;
        for (Op op : Op.values()) {
            latencies.put(op, new Latencies());
        }
    }

    private VectorServiceBlockingStub stub() {
        return VectorServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** Creates the HNSW collection (default parameters) unless it exists. */
    void createCollection() {
        stub().createCollection(
                        CreateCollectionRequest.newBuilder()
                                .setName(COLLECTION)
                                .setDimension(options.dimension())
                                .setMetric(Metric.COSINE)
                                .setIndex(
                                        IndexSpec.newBuilder()
                                                .setHnsw(HnswIndex.getDefaultInstance()))
                                .build());
    }

    /** Records in the collection now. */
    long count() {
        return stub().count(CountRequest.newBuilder().setCollection(COLLECTION).build()).getCount();
    }

    /** Runs the clients for the duration; returns the figures per operation. */
    Map<Op, Summary> run() throws InterruptedException {
        long end = System.nanoTime() + options.duration().toNanos();
        try (ExecutorService pool = Executors.newFixedThreadPool(options.clients())) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < options.clients(); c++) {
                int client = c;
                clients.add(pool.submit(() -> client(client, end)));
            }
            for (Future<?> f : clients) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    setupErrors.add(String.valueOf(e.getCause()));
                }
            }
        }
        return summaries();
    }

    /** The figures so far (also while running). */
    Map<Op, Summary> summaries() {
        Map<Op, Summary> out = new EnumMap<>(Op.class);
        latencies.forEach((op, l) -> out.put(op, l.summary()));
        return out;
    }

    /** Failures outside any timed call (a client that died). */
    List<String> clientErrors() {
        return List.copyOf(setupErrors);
    }

    private void client(int client, long end) {
        Random random = new Random(options.seed() * 31 + client);
        String scrollToken = "";
        while (System.nanoTime() < end) {
            Op op = pick(random);
            long start = System.nanoTime();
            try {
                switch (op) {
                    case UPSERT -> upsert(client, random);
                    case DELETE_IDS -> deleteIds(client, random);
                    case DELETE_FILTER -> deleteFilter(client, random);
                    case QUERY -> query(client, random);
                    case SCROLL -> scrollToken = scroll(client, scrollToken);
                }
                latencies.get(op).add(System.nanoTime() - start);
            } catch (StatusRuntimeException e) {
                latencies
                        .get(op)
                        .fail(e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            }
        }
    }

    private static Op pick(Random random) {
        int r = random.nextInt(100);
        for (Op op : Op.values()) {
            if (r < op.weight) {
                return op;
            }
            r -= op.weight;
        }
        throw new AssertionError("weights add up to 100");
    }

    private String id(int client, Random random) {
        return "c" + client + "-" + random.nextInt(options.idsPerClient());
    }

    private void upsert(int client, Random random) {
        UpsertRequest.Builder b = UpsertRequest.newBuilder().setCollection(COLLECTION);
        // A run of consecutive ids (wrapping): distinct within the batch, as the server requires.
        int first = random.nextInt(options.idsPerClient());
        for (int i = 0; i < options.batch(); i++) {
            int n = (first + i) % options.idsPerClient();
            Record.Builder r =
                    Record.newBuilder()
                            .setId("c" + client + "-" + n)
                            .putMetadata("client", Protos.num(client))
                            .putMetadata("bucket", Protos.num(n % 100))
                            .putMetadata("price", Protos.real(random.nextDouble() * 100))
                            .putMetadata("tag", Protos.str("t" + random.nextInt(20)));
            for (int d = 0; d < options.dimension(); d++) {
                r.addValues((float) random.nextGaussian());
            }
            b.addRecords(r);
        }
        stub().upsert(b.build());
    }

    private void deleteIds(int client, Random random) {
        DeleteRequest.Builder b = DeleteRequest.newBuilder().setCollection(COLLECTION);
        for (int i = 0; i < 10; i++) {
            b.addIds(id(client, random));
        }
        stub().delete(b.build());
    }

    private void deleteFilter(int client, Random random) {
        stub().delete(
                        DeleteRequest.newBuilder()
                                .setCollection(COLLECTION)
                                .setFilter(
                                        Protos.and(
                                                eq("client", Protos.num(client)),
                                                eq("bucket", Protos.num(random.nextInt(100)))))
                                .build());
    }

    private void query(int client, Random random) {
        QueryRequest.Builder b =
                QueryRequest.newBuilder()
                        .setCollection(COLLECTION)
                        .setTopK(10)
                        .setFilter(
                                random.nextBoolean()
                                        ? eq("client", Protos.num(client))
                                        : eq("tag", Protos.str("t" + random.nextInt(20))));
        for (int d = 0; d < options.dimension(); d++) {
            b.addVector((float) random.nextGaussian());
        }
        stub().query(b.build());
    }

    private String scroll(int client, String token) {
        ScrollResponse page =
                stub().scroll(
                                ScrollRequest.newBuilder()
                                        .setCollection(COLLECTION)
                                        .setFilter(eq("client", Protos.num(client)))
                                        .setLimit(100)
                                        .setPageToken(token)
                                        .setIncludeMetadata(true)
                                        .build());
        return page.getNextPageToken();
    }

    private static Filter eq(String key, Value value) {
        return Protos.cond(key, Condition.Op.EQ, value);
    }
}
