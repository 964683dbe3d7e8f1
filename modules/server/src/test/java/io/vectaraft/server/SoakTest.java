package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short mixed-load soak of issue 12: 8 clients over a real socket (upserts of 50 x 128-d with
 * metadata, deletes by id and by filter, filtered queries, scrolls) on an HNSW collection of a
 * server with a write-ahead log, for 20 s. Every call must succeed and none may stall for seconds.
 * The bounds are generous on purpose: this guards against stalls and errors, it does not measure;
 * {@code ./bench.sh soak} measures (docs/benchmarks.md).
 */
class SoakTest {
    private static final double P99_BOUND_MS = 5_000;
    private static final double MAX_BOUND_MS = 15_000;

    @Test
    void mixedLoadRunsWithoutErrorsOrStalls(@TempDir Path dir) throws Exception {
        // 1,000 ids per client: the data reaches its plateau within seconds, then upserts replace
        // records and deletes remove some, so graph rebuilds run during the soak.
        SoakLoad.Options options =
                new SoakLoad.Options(8, 128, 50, 1_000, Duration.ofSeconds(20), 12);
        try (TestServer s =
                TestServer.start(dir, "--wal-path", dir.resolve("wal.jsonl").toString())) {
            SoakLoad load = new SoakLoad(s.channel, options);
            load.createCollection();
            Map<SoakLoad.Op, SoakLoad.Summary> figures = load.run();
            StringBuilder table = new StringBuilder("soak " + options + ":");
            figures.forEach((op, f) -> table.append("\n  ").append(op).append(' ').append(f));
            System.out.println(table);

            assertEquals(List.of(), load.clientErrors(), "clients that died");
            for (var e : figures.entrySet()) {
                SoakLoad.Summary f = e.getValue();
                String what = e.getKey() + " " + f;
                assertEquals(0, f.errors(), what);
                assertTrue(f.calls() > 0, what + ": ran");
                assertTrue(f.p99() < P99_BOUND_MS, what + ": p99 bound " + P99_BOUND_MS);
                assertTrue(f.max() < MAX_BOUND_MS, what + ": max bound " + MAX_BOUND_MS);
            }
            assertTrue(load.count() > 0, "records left");
        }
    }
}
