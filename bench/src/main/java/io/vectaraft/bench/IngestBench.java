package io.vectaraft.bench;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Metric;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.StorageEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's upsert path without the network: {@link StorageEngine#inMemory()} (what {@code
 * --no-wal} serves), a flat collection, the base vectors upserted in batches under ids {@code
 * "0".."n-1"}. The peer of {@code ./bench.sh python-ingest}: the rate a client could reach if
 * moving the bytes cost nothing. Passes into fresh collections until two agree within 10% (at most
 * five), then one JSON line with the last pass's rate.
 */
final class IngestBench {
    private IngestBench() {}

    static void run(Args a) throws Exception {
        Dataset data = Dataset.load(Path.of(a.required("data")));
        int batch = a.integer("batch", 1000);
        int n = Math.min(a.integer("n", data.n()), data.n());
        a.rejectUnknown();
        StorageEngine engine = StorageEngine.inMemory();
        double previous = 0;
        double rate = 0;
        for (int pass = 1; pass <= 5; pass++) {
            String name = "ingest" + pass;
            engine.createCollection(
                    new CollectionSpec(name, data.dim(), Metric.EUCLIDEAN, IndexSpec.flat()));
            long start = System.nanoTime();
            for (int from = 0; from < n; from += batch) {
                engine.upsert(name, records(data, from, Math.min(n, from + batch)));
            }
            rate = n / ((System.nanoTime() - start) / 1e9);
            engine.dropCollection(name);
            System.err.printf(Locale.ROOT, "in-process pass %d: %.0f vectors/s%n", pass, rate);
            if (pass > 1 && Math.abs(rate - previous) <= 0.1 * Math.max(rate, previous)) {
                break;
            }
            previous = rate;
        }
        System.out.println(
                String.format(
                        Locale.ROOT,
                        "{\"engine\":\"vectaraft\",\"mode\":\"in-process-upsert\",\"data\":\"%s\","
                                + "\"n\":%d,\"dim\":%d,\"batch\":%d,\"vectors_per_s\":%.1f}",
                        data.name(),
                        n,
                        data.dim(),
                        batch,
                        rate));
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
