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
import java.util.ArrayList;
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
 * <p>With {@code --memory}, the memory soak: the heap is probed after a forced full GC (exact, and
 * it costs the writes of that moment a pause, so the latency figures of a memory soak are not the
 * latency soak's), every minute by default, and the run ends with a verdict on growth once the data
 * stopped growing: {@link MemoryVerdict}.
 *
 * <pre>
 * SoakBench --addr HOST:PORT --pid PID [--minutes 4 (30 with --memory)] [--clients 8]
 *           [--ids-per-client 5000]
 *           [--sample-seconds 30] [--heap-probe gc|none] [--memory]
 * </pre>
 */
public final class SoakBench {
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total.*?used (\\d+)K");

    private SoakBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String[] addr = o.getOrDefault("addr", "127.0.0.1:50051").split(":");
        long pid = Long.parseLong(o.getOrDefault("pid", "0"));
        int clients = Integer.parseInt(o.getOrDefault("clients", "8"));
        int idsPerClient = Integer.parseInt(o.getOrDefault("ids-per-client", "5000"));
        boolean memory = o.containsKey("memory");
        double minutes = Double.parseDouble(o.getOrDefault("minutes", memory ? "30" : "4"));
        int sampleSeconds =
                Integer.parseInt(o.getOrDefault("sample-seconds", memory ? "60" : "30"));
        boolean gcProbe = memory || o.getOrDefault("heap-probe", "gc").equals("gc");
        List<MemoryVerdict.Sample> samples = new ArrayList<>();
        boolean leaking = false;
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
            samples.add(sample(load, pid, gcProbe, start));
            while (!run.isDone()) {
                try {
                    run.get(sampleSeconds, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    samples.add(sample(load, pid, gcProbe, start));
                }
            }
            samples.add(sample(load, pid, gcProbe, start));
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
            MemoryVerdict verdict = memory ? MemoryVerdict.of(samples) : null;
            if (verdict != null) {
                System.out.println(verdict);
                json.append(",\"memory\":").append(verdict.json());
            }
            System.out.println(json.append('}'));
            if (verdict != null && verdict.heapGrowing()) {
                leaking = true;
            }
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (leaking) {
            System.out.println("soak: the heap after GC grew once the data stopped growing");
            System.exit(1);
        }
    }

    private static MemoryVerdict.Sample sample(
            SoakLoad load, long pid, boolean gcProbe, long start) {
        long records;
        try {
            records = load.count();
        } catch (StatusRuntimeException e) {
            records = -1;
        }
        SoakLoad.Summary upserts = load.summaries().get(SoakLoad.Op.UPSERT);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        String rss = pid > 0 ? rssMb(pid) : "-";
        String heap = pid > 0 && gcProbe ? heapAfterGcMb(pid) : "-";
        System.out.printf(
                "%6d %8d %8s %17s %8d %14.1f%n",
                seconds, records, rss, heap, upserts.calls(), upserts.p99());
        return new MemoryVerdict.Sample(seconds, records, megabytes(rss), megabytes(heap));
    }

    /** A probe's figure in MB, or -1 when the probe gave none. */
    private static long megabytes(String probe) {
        return probe.matches("\\d+") ? Long.parseLong(probe) : -1;
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
                        "heap-probe",
                        "memory");
        for (int i = 0; i < args.length; i++) {
            String key = args[i].replaceFirst("^--", "");
            boolean flag = key.equals("memory");
            if (!args[i].startsWith("--")
                    || !known.contains(key)
                    || (!flag && i + 1 == args.length)) {
                throw new IllegalArgumentException(
                        "soak: unknown or incomplete option " + args[i] + "; expected " + known);
            }
            if (key.equals("memory")) {
                o.put(key, "true");
                continue;
            }
            o.put(key, args[++i]);
        }
        return o;
    }
}
