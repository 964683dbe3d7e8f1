package io.vectaraft.bench;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.FlatIndex;
import io.vectaraft.api.v1.IndexSpec;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryResponse;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives a running server over gRPC: loads the data set (unless {@code --no-load}), then runs
 * {@code --concurrency} client threads, each with its own loop of blocking calls, for {@code
 * --warmup} plus {@code --duration} seconds, and reports throughput and latency percentiles of the
 * measured part. With {@code --upsert} the threads upsert batches of base vectors under fresh ids
 * into a separate collection ({@code <collection>_upserts}) instead of querying, and throughput is
 * in vectors per second.
 */
final class GrpcBench {
    private static final int MAX_BATCH_BYTES = 1 << 20;

    private GrpcBench() {}

    static void run(Args a) throws Exception {
        Dataset data = Dataset.load(Path.of(a.required("data")));
        String metric = a.string("metric", "euclidean");
        int concurrency = a.integer("concurrency", 16);
        double duration = a.decimal("duration", 30);
        double warmup = a.decimal("warmup", 10);
        int k = a.integer("k", 10);
        boolean upsert = a.flag("upsert");
        boolean noLoad = a.flag("no-load");
        String base = a.string("collection", "bench_" + data.name().replace('.', '_'));
        String addr = a.required("addr");
        String apiKey = a.string("api-key", "");
        String tlsCa = a.string("tls-ca", "");
        a.rejectUnknown();
        // Upserts go to their own collection, so they never pollute the one queries measure.
        String collection = upsert ? base + "_upserts" : base;
        NettyChannelBuilder builder =
                NettyChannelBuilder.forTarget(addr).maxInboundMessageSize(64 << 20);
        if (tlsCa.isEmpty()) {
            builder.usePlaintext();
        } else {
            builder.sslContext(
                    GrpcSslContexts.forClient().trustManager(Path.of(tlsCa).toFile()).build());
        }
        ManagedChannel channel = builder.build();
        try {
            var stub = withKey(VectorServiceGrpc.newBlockingStub(channel), apiKey);
            int perBatch = Math.max(1, MAX_BATCH_BYTES / (data.dim() * 4 + 32));
            if (upsert || !noLoad) {
                long t = System.nanoTime();
                stub.createCollection(
                        CreateCollectionRequest.newBuilder()
                                .setName(collection)
                                .setDimension(data.dim())
                                .setMetric(protoMetric(metric))
                                .setIndex(
                                        IndexSpec.newBuilder()
                                                .setFlat(FlatIndex.getDefaultInstance()))
                                .build());
                for (int from = 0; !upsert && from < data.n(); from += perBatch) {
                    stub.upsert(batch(data, collection, "", from, perBatch));
                }
                System.err.printf(
                        Locale.ROOT,
                        "loaded %d vectors into %s in %.1f s%n",
                        data.n(),
                        collection,
                        (System.nanoTime() - t) / 1e9);
            }
            Recall recall = upsert ? null : new Recall(data, metric, k);
            Load load = new Load(concurrency, warmup, duration);
            load.run(
                    thread -> {
                        if (upsert) {
                            long i = load.sequence.getAndIncrement();
                            int from = (int) ((i * perBatch) % data.n());
                            stub.upsert(batch(data, collection, "u" + i + "-", from, perBatch));
                            return Math.min(perBatch, data.n() - from);
                        }
                        int q = (int) (load.sequence.getAndIncrement() % data.nq());
                        QueryResponse r = stub.query(query(data, collection, q, k));
                        load.recall(q, recall, r);
                        return 1;
                    });
            System.out.println(load.json(upsert, data, metric, k));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** The stub sending {@code authorization: Bearer <key>}, or as is without a key. */
    private static VectorServiceGrpc.VectorServiceBlockingStub withKey(
            VectorServiceGrpc.VectorServiceBlockingStub stub, String apiKey) {
        if (apiKey.isEmpty()) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + apiKey);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static Metric protoMetric(String metric) {
        return switch (metric) {
            case "euclidean" -> Metric.EUCLIDEAN;
            case "cosine" -> Metric.COSINE;
            case "dot" -> Metric.DOT;
            default ->
                    throw new IllegalArgumentException(
                            "--metric: expected euclidean, cosine or dot, got " + metric);
        };
    }

    private static UpsertRequest batch(
            Dataset data, String collection, String idPrefix, int from, int count) {
        UpsertRequest.Builder b = UpsertRequest.newBuilder().setCollection(collection);
        int dim = data.dim();
        for (int i = from; i < Math.min(data.n(), from + count); i++) {
            Record.Builder r = Record.newBuilder().setId(idPrefix + i);
            for (int j = 0; j < dim; j++) {
                r.addValues(data.base()[i * dim + j]);
            }
            b.addRecords(r);
        }
        return b.build();
    }

    private static QueryRequest query(Dataset data, String collection, int q, int k) {
        QueryRequest.Builder b = QueryRequest.newBuilder().setCollection(collection).setTopK(k);
        for (float v : data.query(q)) {
            b.addVector(v);
        }
        return b.build();
    }

    /** One unit of work on a client thread; returns how many items (queries, vectors) it did. */
    private interface Call {
        int call(int thread) throws Exception;
    }

    /** Client threads, their latencies and the shared counters. */
    private static final class Load {
        final AtomicLong sequence = new AtomicLong();
        private final int concurrency;
        private final double warmup;
        private final double duration;
        private final List<long[]> latencies = new ArrayList<>();
        private final AtomicLong items = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private double recallSum;
        private long recallCount;
        private double seconds;

        Load(int concurrency, double warmup, double duration) {
            this.concurrency = concurrency;
            this.warmup = warmup;
            this.duration = duration;
        }

        void run(Call call) throws InterruptedException {
            long start = System.nanoTime();
            long measureFrom = start + (long) (warmup * 1e9);
            long end = measureFrom + (long) (duration * 1e9);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                int thread = t;
                threads.add(
                        Thread.ofPlatform()
                                .name("bench-client-" + t)
                                .start(() -> loop(call, thread, measureFrom, end)));
            }
            for (Thread t : threads) {
                t.join();
            }
            seconds = duration;
        }

        private void loop(Call call, int thread, long measureFrom, long end) {
            long[] mine = new long[1 << 16];
            int count = 0;
            while (true) {
                long t0 = System.nanoTime();
                if (t0 >= end) {
                    break;
                }
                int done;
                try {
                    done = call.call(thread);
                } catch (Exception e) {
                    if (errors.incrementAndGet() <= 3) {
                        System.err.println("bench-client-" + thread + ": " + e);
                    }
                    continue;
                }
                long t1 = System.nanoTime();
                if (t0 >= measureFrom && t1 <= end) {
                    items.addAndGet(done);
                    if (count == mine.length) {
                        mine = Arrays.copyOf(mine, count * 2);
                    }
                    mine[count++] = t1 - t0;
                }
            }
            synchronized (latencies) {
                latencies.add(Arrays.copyOf(mine, count));
            }
        }

        synchronized void recall(int q, Recall recall, QueryResponse r) {
            if (recallCount >= 1000) {
                return; // a sample is enough; keep the lock off the hot path afterwards
            }
            int[] ids = new int[r.getMatchesCount()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = Integer.parseInt(r.getMatches(i).getId());
            }
            recallSum += recall.of(q, ids);
            recallCount++;
        }

        String json(boolean upsert, Dataset data, String metric, int k) {
            long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return String.format(
                    Locale.ROOT,
                    "{\"engine\":\"vectaraft\",\"mode\":\"%s\",\"data\":\"%s\",\"metric\":\"%s\","
                            + "\"k\":%d,\"%s\":%.1f,\"recall_at_k\":%s,\"p50_ms\":%.3f,"
                            + "\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"concurrency\":%d,"
                            + "\"errors\":%d}",
                    upsert ? "grpc-upsert" : "grpc-query",
                    data.name(),
                    metric,
                    k,
                    upsert ? "vectors_per_s" : "qps",
                    items.get() / seconds,
                    recallCount == 0
                            ? "null"
                            : String.format(Locale.ROOT, "%.4f", recallSum / recallCount),
                    pct(all, 0.50),
                    pct(all, 0.99),
                    pct(all, 0.999),
                    concurrency,
                    errors.get());
        }

        private static double pct(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
            return sorted[Math.max(0, i)] / 1e6;
        }
    }
}
