package io.vectaraft.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./bench.sh soak}: runs {@link SoakLoad} against a server process for minutes and prints,
 * every sample interval, the records held, the server's resident memory and its heap after a full
 * GC (forced by {@code jcmd GC.run}, then read by {@code GC.heap_info}), then the latency of each
 * operation.
 *
 * <pre>
 * SoakBench --addr HOST:PORT --pid PID [--minutes 4] [--clients 8] [--ids-per-client 5000]
 *           [--sample-seconds 30] [--heap-probe gc|none]
 * </pre>
 */
public final class SoakBench {
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total.*?used (\\d+)K");

    private SoakBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String[] addr = o.getOrDefault("addr", "127.0.0.1:50051").split(":");
        long pid = Long.parseLong(o.getOrDefault("pid", "0"));
        double minutes = Double.parseDouble(o.getOrDefault("minutes", "4"));
        int clients = Integer.parseInt(o.getOrDefault("clients", "8"));
        int idsPerClient = Integer.parseInt(o.getOrDefault("ids-per-client", "5000"));
        int sampleSeconds = Integer.parseInt(o.getOrDefault("sample-seconds", "30"));
        boolean gcProbe = o.getOrDefault("heap-probe", "gc").equals("gc");
        SoakLoad.Options options =
                new SoakLoad.Options(
                        clients,
                        128,
                        50,
                        idsPerClient,
                        Duration.ofMillis((long) (minutes * 60_000)),
                        12);
        ManagedChannel channel =
                ManagedChannelBuilder.forAddress(addr[0], Integer.parseInt(addr[1]))
                        .usePlaintext()
                        .build();
        try {
            awaitServing(channel);
            SoakLoad load = new SoakLoad(channel, options);
            load.createCollection();
            System.out.printf(
                    "soak: %s, server pid %d, heap probe %s%n",
                    options, pid, gcProbe ? "jcmd GC.run + GC.heap_info" : "none");
            System.out.println(
                    "   t_s  records   rss_mb  heap_after_gc_mb  upserts  upsert_p99_ms");
            long start = System.nanoTime();
            CompletableFuture<Map<SoakLoad.Op, SoakLoad.Summary>> run =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return load.run();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    throw new IllegalStateException(e);
                                }
                            });
            sample(load, pid, gcProbe, start);
            while (!run.isDone()) {
                try {
                    run.get(sampleSeconds, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    sample(load, pid, gcProbe, start);
                }
            }
            sample(load, pid, gcProbe, start);
            Map<SoakLoad.Op, SoakLoad.Summary> figures = run.get();
            System.out.println("per operation over " + minutes + " min:");
            figures.forEach((op, f) -> System.out.printf("  %-13s %s%n", op, f));
            List<String> died = load.clientErrors();
            if (!died.isEmpty()) {
                System.out.println("clients that died: " + died);
            }
            StringBuilder json = new StringBuilder("{\"bench\":\"soak\",\"minutes\":" + minutes);
            figures.forEach(
                    (op, f) ->
                            json.append(
                                    String.format(
                                            ",\"%s\":{\"calls\":%d,\"errors\":%d,\"p50_ms\":%.1f,"
                                                    + "\"p99_ms\":%.1f,\"max_ms\":%.1f}",
                                            op.name().toLowerCase(),
                                            f.calls(),
                                            f.errors(),
                                            f.p50(),
                                            f.p99(),
                                            f.max())));
            System.out.println(json.append('}'));
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void sample(SoakLoad load, long pid, boolean gcProbe, long start) {
        long records;
        try {
            records = load.count();
        } catch (StatusRuntimeException e) {
            records = -1;
        }
        SoakLoad.Summary upserts = load.summaries().get(SoakLoad.Op.UPSERT);
        System.out.printf(
                "%6d %8d %8s %17s %8d %14.1f%n",
                (System.nanoTime() - start) / 1_000_000_000L,
                records,
                pid > 0 ? rssMb(pid) : "-",
                pid > 0 && gcProbe ? heapAfterGcMb(pid) : "-",
                upserts.calls(),
                upserts.p99());
    }

    private static String rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                    return Long.toString(kb / 1024);
                }
            }
        } catch (IOException e) {
            return "gone";
        }
        return "?";
    }

    private static String heapAfterGcMb(long pid) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            run(jcmd, Long.toString(pid), "GC.run");
            Matcher m = HEAP_USED.matcher(run(jcmd, Long.toString(pid), "GC.heap_info"));
            return m.find() ? Long.toString(Long.parseLong(m.group(1)) / 1024) : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** Pings until the server answers (it may still be building or recovering). */
    private static void awaitServing(ManagedChannel channel) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            try {
                VectorServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .ping(PingRequest.getDefaultInstance());
                return;
            } catch (StatusRuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500); // polling a process that is still starting, not synchronizing
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        List<String> known =
                List.of(
                        "addr",
                        "pid",
                        "minutes",
                        "clients",
                        "ids-per-client",
                        "sample-seconds",
                        "heap-probe");
        for (int i = 0; i < args.length; i++) {
            String key = args[i].replaceFirst("^--", "");
            if (!args[i].startsWith("--") || !known.contains(key) || i + 1 == args.length) {
                throw new IllegalArgumentException(
                        "soak: unknown or incomplete option " + args[i] + "; expected " + known);
            }
            o.put(key, args[++i]);
        }
        return o;
    }
}
