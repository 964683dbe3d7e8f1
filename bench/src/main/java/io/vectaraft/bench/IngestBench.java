package io.vectaraft.bench;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Metric;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.StorageEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's upsert path without the network: {@link StorageEngine#inMemory()} (what {@code
 * --no-wal} serves), a flat collection, the base vectors upserted in batches under ids {@code
 * "0".."n-1"}. The peer of {@code ./bench.sh python-ingest}: the rate a client could reach if
 * moving the bytes cost nothing. {@code --warmup} passes (default 3) into fresh collections, then
 * {@code --passes} (default 5) measured ones; one JSON line with their median rate and each of
 * them. A pass of 100k x 768 lasts 0.1-0.2 s, so single passes swung 2x with GC and JIT timing.
 */
final class IngestBench {
    private IngestBench() {}

    static void run(Args a) throws Exception {
        Dataset data = Dataset.load(Path.of(a.required("data")));
        int batch = a.integer("batch", 1000);
        int n = Math.min(a.integer("n", data.n()), data.n());
        int warmup = a.integer("warmup", 3);
        int passes = a.integer("passes", 5);
        a.rejectUnknown();
        StorageEngine engine = StorageEngine.inMemory();
        double[] rates = new double[passes];
        for (int pass = 1 - warmup; pass <= passes; pass++) {
            String name = "ingest" + (pass + warmup);
            engine.createCollection(
                    new CollectionSpec(name, data.dim(), Metric.EUCLIDEAN, IndexSpec.flat()));
            long start = System.nanoTime();
            for (int from = 0; from < n; from += batch) {
                engine.upsert(name, records(data, from, Math.min(n, from + batch)));
            }
            double rate = n / ((System.nanoTime() - start) / 1e9);
            engine.dropCollection(name);
            // Each pass starts on a collected heap: a pass lasts 0.1-0.2 s, and without this the
            // rates alternated between ~550k and ~950k vectors/s as the previous pass's dropped
            // collection (300 MB) was or was not collected inside the next one.
            System.gc();
            System.err.printf(
                    Locale.ROOT,
                    "in-process %s %d: %.0f vectors/s%n",
                    pass < 1 ? "warm-up" : "pass",
                    pass < 1 ? pass + warmup : pass,
                    rate);
            if (pass >= 1) {
                rates[pass - 1] = rate;
            }
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        StringBuilder all = new StringBuilder();
        for (double r : rates) {
            all.append(all.isEmpty() ? "" : ",").append(Math.round(r));
        }
        System.out.println(
                String.format(
                        Locale.ROOT,
                        "{\"engine\":\"vectaraft\",\"mode\":\"in-process-upsert\",\"data\":\"%s\","
                                + "\"n\":%d,\"dim\":%d,\"batch\":%d,\"vectors_per_s\":%.1f,"
                                + "\"passes\":[%s]}",
                        data.name(),
                        n,
                        data.dim(),
                        batch,
                        sorted[sorted.length / 2],
                        all));
    }

    /** Rows [from, to) as records, each vector its own array as the gRPC translation makes it. */
    private static List<VectorRecord> records(Dataset data, int from, int to) {
        int dim = data.dim();
        List<VectorRecord> batch = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            float[] v = new float[dim];
            System.arraycopy(data.base(), i * dim, v, 0, dim);
            batch.add(new VectorRecord(Integer.toString(i), v, Map.of()));
        }
        return batch;
    }
}
