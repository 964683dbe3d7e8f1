package io.vectaraft.bench.jmh;

import io.vectaraft.index.vector.VectorOps;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scoring one query against every vector of a collection too large for the caches (memory bound):
 * contiguous chunks (the index's layout) against one array per record, one kernel call per vector.
 * (A bulk kernel scoring four stored vectors per pass measured 3-4x slower than these and was
 * removed: docs/benchmarks.md.) Reports scans per second; bytes per scan is {@code n * dim * 4}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "--add-modules",
            "jdk.incubator.vector",
            "-Xms3g",
            "-Xmx3g",
            "-XX:+AlwaysPreTouch",
            "-XX:+UseTransparentHugePages"
        })
public class ScanBenchmark {
    private static final int CHUNK = 4096;

    @Param({"100000"})
    int n;

    @Param({"128", "784"})
    int dim;

    float[] query;
    float[][] chunks;
    float[][] records;
    float[] scores;

    @Setup
    public void setup() {
        Random r = new Random(42);
        query = new float[dim];
        for (int i = 0; i < dim; i++) {
            query[i] = (float) r.nextGaussian();
        }
        chunks = new float[(n + CHUNK - 1) / CHUNK][];
        records = new float[n][];
        for (int c = 0; c < chunks.length; c++) {
            int count = Math.min(CHUNK, n - c * CHUNK);
            chunks[c] = new float[count * dim];
            for (int i = 0; i < chunks[c].length; i++) {
                chunks[c][i] = (float) r.nextGaussian();
            }
        }
        // Records allocated interleaved with garbage, as arrays of a long-lived server would be.
        for (int i = 0; i < n; i++) {
            records[i] = new float[dim];
            System.arraycopy(chunks[i / CHUNK], (i % CHUNK) * dim, records[i], 0, dim);
        }
        scores = new float[CHUNK];
    }

    @Benchmark
    public float chunksPairwise() {
        float best = Float.MAX_VALUE;
        for (float[] chunk : chunks) {
            int count = chunk.length / dim;
            for (int i = 0; i < count; i++) {
                best = Math.min(best, VectorOps.squareDistance(query, 0, chunk, i * dim, dim));
            }
        }
        return best;
    }

    @Benchmark
    public float records() {
        float best = Float.MAX_VALUE;
        for (float[] v : records) {
            best = Math.min(best, VectorOps.squareDistance(query, 0, v, 0, dim));
        }
        return best;
    }
}
