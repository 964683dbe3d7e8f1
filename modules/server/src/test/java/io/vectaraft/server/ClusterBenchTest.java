package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./bench.sh cluster}'s driver end to end on a tiny load (one-second phases, small batches,
 * one leader kill): it starts its processes, prints one JSON line per measurement with the fields
 * docs/benchmarks.md quotes, and stops them.
 */
class ClusterBenchTest {
    @Test
    void tinyRunPrintsEveryMeasurement(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ClusterBench(
                        Map.of(
                                "dir", dir.toString(),
                                "seconds", "1",
                                "writers", "2",
                                "batch", "5",
                                "dim", "8",
                                "readers", "2",
                                "passes", "1",
                                "latency-reads", "5",
                                "kills", "1"),
                        new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .run();
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(4, lines.size(), "start, upserts, queries, failover: " + lines);
        assertTrue(
                lines.get(1).contains("\"standalone_fsync_always_records_per_s\":")
                        && lines.get(1).contains("\"ratio_to_standalone\":"),
                lines.get(1));
        assertTrue(
                lines.get(2).contains("\"ratio_linearizable_to_local\":")
                        && lines.get(2).contains("\"follower_linearizable_p50_us\":")
                        && lines.get(2).contains("\"leader_linearizable_p50_us\":"),
                lines.get(2));
        assertTrue(
                lines.get(3).contains("\"p99_ms\":") && lines.get(3).contains("\"kills\":1"),
                lines.get(3));
        lines.forEach(l -> assertTrue(l.startsWith("{\"bench\":\"cluster\""), l));
    }
}
