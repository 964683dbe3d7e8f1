package io.vectaraft.server;

import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.DeleteCollectionRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.ReadConsistency;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.UpsertRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code ./bench.sh cluster}: three server processes on this machine as a Raft group, beside one
 * standalone server with {@code fsync always} in the same run. Prints one JSON line per
 * measurement:
 *
 * <ul>
 *   <li>upsert throughput (records/s) of {@code --writers} clients sending batches of {@code
 *       --batch} x {@code --dim}, standalone then through the three nodes (writers spread over
 *       them), after {@code --warmup-passes} untimed passes of each, and the ratio; beside it the
 *       servers' CPU time per record (the three processes summed for the group) and its ratio, the
 *       bound on the throughput ratio when both sides are CPU-bound on this machine's shared cores;
 *   <li>query throughput (top 10 of a small collection, {@code --readers} clients spread over the
 *       nodes) with {@code LOCAL} and {@code LINEARIZABLE} reads, alternated {@code --passes} times
 *       after {@code --warmup-passes} untimed ones, the ratio of the medians and the servers' CPU
 *       per query; then, one reader at a time, the median latency of each kind through the leader
 *       and through the followers ({@code --latency-reads} queries per node and kind);
 *   <li>failover: {@code --kills} times, the leader is SIGKILLed under writes from 8 clients that
 *       pass over a node that fails; the time from the kill to the first acknowledgement of a write
 *       sent after it (p50, p99, max), then the victim is restarted and caught up.
 * </ul>
 *
 * <pre>
 * ClusterBench [--seconds 15] [--writers 16] [--batch 100] [--dim 768] [--readers 8]
 *              [--passes 3] [--warmup-passes 1] [--kills 20] [--latency-reads 500] [--dir D]
 *              [--phases upserts,queries,failover]
 * </pre>
 */
public final class ClusterBench {
    private static final String UPSERTS = "upserts";
    private static final String QUERIES = "queries";
    private static final String FAILOVER = "failover";

    private final Map<String, String> o;
    private final int seconds;
    private final Path dir;
    private final java.io.PrintStream out;

    ClusterBench(Map<String, String> o, java.io.PrintStream out) throws Exception {
        this.o = o;
        this.out = out;
        this.seconds = Integer.parseInt(o.getOrDefault("seconds", "15"));
        this.dir =
                o.containsKey("dir")
                        ? Path.of(o.get("dir"))
                        : Files.createTempDirectory("vectaraft-cluster-bench");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --flag value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        new ClusterBench(o, System.out).run();
        System.exit(0); // the gRPC client threads would otherwise keep the JVM
    }

    private int integer(String key, int fallback) {
        return Integer.parseInt(o.getOrDefault(key, Integer.toString(fallback)));
    }

    void run() throws Exception {
        int writers = integer("writers", 16);
        int batch = integer("batch", 100);
        int dim = integer("dim", 768);
        java.util.Set<String> phases =
                java.util.Set.of(o.getOrDefault("phases", "upserts,queries,failover").split(","));
        emit("start", Map.of("load", load(), "dir", "\"" + dir + "\""));

        String peers = ClusterNode.peers(3);
        List<ClusterNode> nodes = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                nodes.add(new ClusterNode("n" + i, dir.resolve("n" + i), peers));
            }
            for (ClusterNode n : nodes) {
                n.start();
            }
            for (ClusterNode n : nodes) {
                n.awaitReady();
            }
            ClusterNode.awaitLeader(nodes);
            if (phases.contains(UPSERTS)) {
                // Stopped before the other phases, so that they have the machine to themselves.
                try (ClusterNode standalone =
                        ClusterNode.standalone(
                                "standalone", dir.resolve("standalone"), "--fsync", "always")) {
                    standalone.start();
                    standalone.awaitReady();
                    upserts(standalone, nodes, writers, batch, dim);
                }
            }
            if (phases.contains(QUERIES)) {
                queries(nodes);
            }
            if (phases.contains(FAILOVER)) {
                failover(nodes, integer("kills", 20));
            }
        } finally {
            nodes.forEach(ClusterNode::close);
        }
    }

    /**
     * Upsert throughput of the standalone server and of the group, alternated {@code --passes}
     * times after {@code --warmup-passes} untimed ones (each pass into a collection of its own), so
     * that both see the same machine load; the ratio of the medians.
     */
    private void upserts(
            ClusterNode standalone, List<ClusterNode> nodes, int writers, int batch, int dim)
            throws Exception {
        int passes = integer("passes", 3);
        int warmups = integer("warmup-passes", 1);
        List<Pass> alone = new ArrayList<>();
        List<Pass> replicated = new ArrayList<>();
        long announcedBefore = leaderAnnouncements(nodes);
        // Untimed passes first, as for queries: the group's three fresh JVMs compile their write
        // path more slowly than the standalone server (cold, 3.0k then 5.5k then 7.6k records/s
        // in successive 15 s passes while the standalone server held 16.4k).
        for (int p = -warmups; p < passes; p++) {
            String collection = UPSERTS + "-" + (p + warmups);
            standalone.stub().createCollection(Protos.create(collection, dim, Metric.COSINE));
            Pass a = upserts(List.of(standalone), collection, writers, batch, dim);
            nodes.get(0).stub().createCollection(Protos.create(collection, dim, Metric.COSINE));
            Pass r = upserts(nodes, collection, writers, batch, dim);
            if (p >= 0) {
                alone.add(a);
                replicated.add(r);
            }
            // Each pass's records go, so that a node's heap holds one pass at a time: with every
            // pass kept, a standalone server with the bench's 1 GiB heap fell from 11-18k
            // records/s to 2,343 and then 40 in passes four and five (about 700 MB of vectors).
            DeleteCollectionRequest drop =
                    DeleteCollectionRequest.newBuilder().setName(collection).build();
            standalone.stub().deleteCollection(drop);
            nodes.get(0).stub().deleteCollection(drop);
        }
        double a = median(alone.stream().map(Pass::perSecond).toList());
        double r = median(replicated.stream().map(Pass::perSecond).toList());
        double aCpu = median(alone.stream().map(Pass::cpuMicrosEach).toList());
        double rCpu = median(replicated.stream().map(Pass::cpuMicrosEach).toList());
        long changes = leaderAnnouncements(nodes) - announcedBefore;
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("writers", writers);
        fields.put("batch", batch);
        fields.put("dim", dim);
        fields.put("standalone_fsync_always_records_per_s", round(a));
        fields.put("cluster_of_3_records_per_s", round(r));
        fields.put("ratio_to_standalone", round3(r / a));
        fields.put("passes_standalone", alone.stream().map(x -> round(x.perSecond())).toList());
        fields.put("passes_cluster", replicated.stream().map(x -> round(x.perSecond())).toList());
        // Server CPU per record (all three processes for the group): when both sides are CPU-bound
        // on cores they share, the ratio above cannot exceed the ratio of these, whatever the
        // protocol; a side that waits on fsync instead is not bound by it.
        fields.put("standalone_cpu_us_per_record", round3(aCpu));
        fields.put("cluster_cpu_us_per_record", round3(rCpu));
        fields.put("cpu_bound_ratio", round3(aCpu / rCpu));
        fields.put("leader_announcements", changes);
        fields.put("load", load());
        emit("upsert", fields);
    }

    /** A pass: operations (records or queries) per second, and the servers' CPU per operation. */
    private record Pass(double perSecond, double cpuMicrosEach) {}

    /**
     * Records/s acknowledged by {@code writers} clients over {@code seconds}, spread on nodes, and
     * the CPU those nodes' processes spent meanwhile.
     */
    private Pass upserts(
            List<ClusterNode> nodes, String collection, int writers, int batch, int dim)
            throws Exception {
        AtomicLong records = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long cpuBefore = cpuNanos(nodes);
        long elapsed =
                during(
                        writers,
                        w -> {
                            ClusterNode through = nodes.get(w % nodes.size());
                            Random rnd = new Random(w);
                            AtomicLong n = new AtomicLong();
                            return () -> {
                                UpsertRequest r =
                                        batch(
                                                collection,
                                                "w" + w + "-" + n.getAndIncrement(),
                                                batch,
                                                dim,
                                                rnd);
                                try {
                                    through.stub().upsert(r);
                                    records.addAndGet(batch);
                                } catch (StatusRuntimeException e) {
                                    errors.incrementAndGet();
                                }
                            };
                        });
        long cpu = cpuNanos(nodes) - cpuBefore;
        if (errors.get() > 0) {
            System.err.println("bench: " + errors.get() + " failed upserts");
        }
        return new Pass(records.get() * 1e9 / elapsed, cpu / 1e3 / records.get());
    }

    private static long cpuNanos(List<ClusterNode> nodes) {
        return nodes.stream().mapToLong(ClusterNode::cpuNanos).sum();
    }

    /** LOCAL and LINEARIZABLE query throughput, alternated; the ratio of the medians. */
    private void queries(List<ClusterNode> nodes) throws Exception {
        // Small by default: a cheap query shows the fixed cost of a read index most.
        int dim = integer("query-dim", 128);
        int records = integer("query-records", 2000);
        int readers = integer("readers", 8);
        int passes = integer("passes", 3);
        nodes.get(0).stub().createCollection(Protos.create(QUERIES, dim, Metric.COSINE));
        Random rnd = new Random(7);
        for (int b = 0; b * 100 < records; b++) {
            int n = Math.min(100, records - b * 100);
            nodes.get(b % 3).stub().upsert(batch(QUERIES, "q" + b, n, dim, rnd));
        }
        List<Pass> local = new ArrayList<>();
        List<Pass> linearizable = new ArrayList<>();
        long announcedBefore = leaderAnnouncements(nodes);
        // Untimed passes first: the read paths of four fresh JVMs are compiled during them (LOCAL
        // reads ran 400 q/s in a first timed pass and 6,000 in a fifth).
        for (int p = 0; p < integer("warmup-passes", 1); p++) {
            queryPass(nodes, readers, dim, ReadConsistency.READ_CONSISTENCY_LOCAL);
            queryPass(nodes, readers, dim, ReadConsistency.READ_CONSISTENCY_LINEARIZABLE);
        }
        for (int p = 0; p < passes; p++) {
            local.add(queryPass(nodes, readers, dim, ReadConsistency.READ_CONSISTENCY_LOCAL));
            linearizable.add(
                    queryPass(nodes, readers, dim, ReadConsistency.READ_CONSISTENCY_LINEARIZABLE));
        }
        double l = median(local.stream().map(Pass::perSecond).toList());
        double li = median(linearizable.stream().map(Pass::perSecond).toList());
        Map<String, Object> fields = new java.util.HashMap<>();
        fields.put("collection", "\"" + records + " x " + dim + ", cosine, flat, top 10\"");
        fields.put("readers", readers);
        fields.put("local_qps", round(l));
        fields.put("linearizable_qps", round(li));
        fields.put("ratio_linearizable_to_local", round3(li / l));
        fields.put("passes_local", local.stream().map(q -> round(q.perSecond())).toList());
        fields.put(
                "passes_linearizable",
                linearizable.stream().map(q -> round(q.perSecond())).toList());
        // Servers' CPU per query (three nodes summed): beside the rates, it tells a pass bound by
        // the machine's cores from one bound by waiting (a ReadIndex round trip).
        fields.put(
                "local_cpu_us_per_query",
                round3(median(local.stream().map(Pass::cpuMicrosEach).toList())));
        fields.put(
                "linearizable_cpu_us_per_query",
                round3(median(linearizable.stream().map(Pass::cpuMicrosEach).toList())));
        fields.put("leader_announcements", leaderAnnouncements(nodes) - announcedBefore);
        fields.put("load", load());
        fields.putAll(readLatency(nodes, dim));
        emit("query", fields);
    }

    private Pass queryPass(List<ClusterNode> nodes, int readers, int dim, ReadConsistency c)
            throws Exception {
        AtomicLong done = new AtomicLong();
        long cpuBefore = cpuNanos(nodes);
        long elapsed =
                during(
                        readers,
                        w -> {
                            ClusterNode through = nodes.get(w % nodes.size());
                            Random rnd = new Random(100 + w);
                            return () -> {
                                through.stub().query(randomQuery(dim, c, rnd));
                                done.incrementAndGet();
                            };
                        });
        long cpu = cpuNanos(nodes) - cpuBefore;
        return new Pass(done.get() * 1e9 / elapsed, cpu / 1e3 / done.get());
    }

    /** The top 10 of the query collection for a random vector, read with {@code c}. */
    private static QueryRequest randomQuery(int dim, ReadConsistency c, Random rnd) {
        QueryRequest.Builder q =
                QueryRequest.newBuilder().setCollection(QUERIES).setTopK(10).setConsistency(c);
        for (int i = 0; i < dim; i++) {
            q.addVector((float) rnd.nextGaussian());
        }
        return q.build();
    }

    /**
     * One reader, one node at a time, {@code --latency-reads} queries of each kind per node: the
     * median latency of a LOCAL and of a LINEARIZABLE query through the leader and through the
     * followers (what a read index costs one read, apart from the machine's load).
     */
    private Map<String, Object> readLatency(List<ClusterNode> nodes, int dim) throws Exception {
        int reads = integer("latency-reads", 500);
        String leader = ClusterNode.awaitLeader(nodes);
        Map<String, List<Long>> micros = new java.util.TreeMap<>();
        Random rnd = new Random(11);
        for (ClusterNode n : nodes) {
            String role = n.id.equals(leader) ? "leader" : "follower";
            for (ReadConsistency c :
                    List.of(
                            ReadConsistency.READ_CONSISTENCY_LOCAL,
                            ReadConsistency.READ_CONSISTENCY_LINEARIZABLE)) {
                String key =
                        role
                                + (c == ReadConsistency.READ_CONSISTENCY_LOCAL
                                        ? "_local"
                                        : "_linearizable")
                                + "_p50_us";
                List<Long> into = micros.computeIfAbsent(key, k -> new ArrayList<>());
                for (int i = 0; i < reads; i++) {
                    QueryRequest q = randomQuery(dim, c, rnd);
                    long t0 = System.nanoTime();
                    n.stub().query(q);
                    into.add((System.nanoTime() - t0) / 1000);
                }
            }
        }
        Map<String, Object> p50 = new java.util.HashMap<>();
        micros.forEach(
                (k, v) -> {
                    List<Long> sorted = v.stream().sorted().toList();
                    p50.put(k, sorted.get(sorted.size() / 2));
                });
        return p50;
    }

    /**
     * Kills the leader {@code kills} times under writes; the time from each kill to the first
     * acknowledgement of a write sent after it.
     */
    private void failover(List<ClusterNode> nodes, int kills) throws Exception {
        int dim = 128;
        nodes.get(0).stub().createCollection(Protos.create(FAILOVER, dim, Metric.COSINE));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong firstAck = new AtomicLong(Long.MAX_VALUE);
        AtomicLong acks = new AtomicLong();
        AtomicLong lastLsn = new AtomicLong();
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        for (int w = 0; w < writers; w++) {
            int writer = w;
            pool.submit(
                    () -> {
                        Random rnd = new Random(1000 + writer);
                        int node = writer % nodes.size();
                        for (int n = 0; !stop.get(); n++) {
                            long sent = System.nanoTime();
                            UpsertRequest r = batch(FAILOVER, "f" + writer + "-" + n, 10, dim, rnd);
                            try {
                                long lsn =
                                        nodes.get(node)
                                                .stub()
                                                .withDeadlineAfter(10, TimeUnit.SECONDS)
                                                .upsert(r)
                                                .getLsn();
                                long now = System.nanoTime();
                                lastLsn.accumulateAndGet(lsn, Math::max);
                                acks.incrementAndGet();
                                if (sent >= killedAt.get()) {
                                    firstAck.accumulateAndGet(now, Math::min);
                                }
                            } catch (StatusRuntimeException | IllegalStateException e) {
                                node = (node + 1) % nodes.size(); // as a client with several
                                // addresses
                            }
                        }
                    });
        }
        List<Double> ms = new ArrayList<>();
        try {
            for (int k = 0; k < kills; k++) {
                long before = acks.get();
                awaitTrue(() -> acks.get() >= before + 20, "writes flow before kill " + k);
                ClusterNode victim = ClusterNode.byId(nodes, ClusterNode.awaitLeader(nodes));
                firstAck.set(Long.MAX_VALUE);
                long t = System.nanoTime();
                killedAt.set(t);
                victim.kill();
                awaitTrue(() -> firstAck.get() != Long.MAX_VALUE, "a write after kill " + k);
                double took = (firstAck.get() - t) / 1e6;
                ms.add(took);
                killedAt.set(Long.MAX_VALUE);
                System.err.printf(
                        Locale.ROOT,
                        "bench: kill %d of %s at %s: %.0f ms%n",
                        k,
                        victim.id,
                        java.time.Instant.now().minusNanos(System.nanoTime() - t),
                        took);
                victim.restart();
                long caughtUp = lastLsn.get();
                try {
                    victim.stub()
                            .withDeadlineAfter(120, TimeUnit.SECONDS)
                            .count(
                                    CountRequest.newBuilder()
                                            .setCollection(FAILOVER)
                                            .setMinLsn(caughtUp)
                                            .build());
                } catch (StatusRuntimeException e) {
                    throw new IllegalStateException(
                            victim.id
                                    + " restarted after kill "
                                    + k
                                    + " did not apply lsn "
                                    + caughtUp
                                    + ": "
                                    + e.getStatus()
                                    + "\n"
                                    + ClusterNode.tails(nodes),
                            e);
                }
            }
        } finally {
            stop.set(true);
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
        List<Double> sorted = ms.stream().sorted().toList();
        emit(
                "failover",
                Map.of(
                        "kills", kills,
                        "writers", writers,
                        "p50_ms", round(percentile(sorted, 0.50)),
                        "p99_ms", round(percentile(sorted, 0.99)),
                        "max_ms", round(sorted.get(sorted.size() - 1)),
                        "samples_ms", ms.stream().map(ClusterBench::round).toList(),
                        "load", load()));
    }

    /** Runs one loop per worker for {@code seconds}; the elapsed nanoseconds. */
    private long during(int workers, Function<Integer, Runnable> body) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long start = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            Runnable step = body.apply(w);
            pool.submit(
                    () -> {
                        while (!stop.get()) {
                            step.run();
                        }
                    });
        }
        Thread.sleep(seconds * 1000L); // the measured interval itself, not a synchronisation
        stop.set(true);
        long elapsed = System.nanoTime() - start;
        pool.shutdown();
        if (!pool.awaitTermination(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("clients did not stop");
        }
        return elapsed;
    }

    private static UpsertRequest batch(
            String collection, String name, int size, int dim, Random rnd) {
        UpsertRequest.Builder b = UpsertRequest.newBuilder().setCollection(collection);
        for (int k = 0; k < size; k++) {
            Record.Builder r = Record.newBuilder().setId(name + "-" + k);
            for (int i = 0; i < dim; i++) {
                r.addValues((float) rnd.nextGaussian());
            }
            b.addRecords(r);
        }
        return b.build();
    }

    /**
     * The "leader is" lines the nodes logged so far: a phase that adds none ran under one leader
     * (no election started by late heartbeats under load).
     */
    private static long leaderAnnouncements(List<ClusterNode> nodes) {
        return nodes.stream().mapToLong(n -> n.count(l -> l.contains("cluster: leader is"))).sum();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier c, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out: " + what);
            }
            Thread.sleep(1); // polls the writers' counters
        }
    }

    private static double percentile(List<Double> sorted, double p) {
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static double median(List<Double> v) {
        return percentile(v.stream().sorted().toList(), 0.5);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String load() {
        try {
            String[] f =
                    Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).split(" ");
            return "\"" + f[0] + " " + f[1] + " " + f[2] + "\"";
        } catch (java.io.IOException e) {
            return "\"unknown\"";
        }
    }

    /** One JSON line: {@code {"bench":"cluster","phase":...,...}}, keys sorted. */
    private void emit(String phase, Map<String, Object> fields) {
        String body =
                new java.util.TreeMap<>(fields)
                        .entrySet().stream()
                                .map(e -> "\"" + e.getKey() + "\":" + json(e.getValue()))
                                .collect(Collectors.joining(","));
        out.println("{\"bench\":\"cluster\",\"phase\":\"" + phase + "\"," + body + "}");
        out.flush();
    }

    private static String json(Object v) {
        if (v instanceof List<?> l) {
            return l.stream().map(ClusterBench::json).collect(Collectors.joining(",", "[", "]"));
        }
        return v.toString();
    }
}
