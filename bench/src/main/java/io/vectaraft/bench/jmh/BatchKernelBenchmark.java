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
 * The inner loop of a batch search: a block of queries against a tile of stored vectors, both
 * cache-resident. One pair at a time ({@code pairwise}, what a plain batch scan does), one stored
 * vector against four queries per pass ({@code multiQuery}), and a 4 x 4 register tile ({@code
 * tile}). Score: pairs per millisecond = ops/ms x queries x vectors.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BatchKernelBenchmark {
    @Param({"128", "784"})
    int dim;

    @Param({"32"})
    int queries;

    @Param({"64"})
    int vectors;

    float[][] qs;
    float[] data;
    float[] scores;
    float[] sink;
    float[] tileScores;

    @Setup
    public void setup() {
        Random r = new Random(42);
        qs = new float[queries][dim];
        for (float[] q : qs) {
            for (int j = 0; j < dim; j++) {
                q[j] = (float) r.nextGaussian();
            }
        }
        data = new float[vectors * dim];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        scores = new float[Math.max(queries, vectors)];
        tileScores = new float[queries * vectors];
        sink = new float[queries];
    }

    @Benchmark
    public float[] pairwise() {
        for (int v = 0; v < vectors; v++) {
            for (int q = 0; q < queries; q++) {
                sink[q] = Math.max(sink[q], VectorOps.dot(qs[q], 0, data, v * dim, dim));
            }
        }
        return sink;
    }

    @Benchmark
    public float[] multiQuery() {
        for (int v = 0; v < vectors; v++) {
            VectorOps.dotQueries(qs, 0, queries, data, v * dim, scores);
            for (int q = 0; q < queries; q++) {
                sink[q] = Math.max(sink[q], scores[q]);
            }
        }
        return sink;
    }

    @Benchmark
    public float[] tile() {
        VectorOps.dotTile(qs, 0, queries, data, 0, vectors, tileScores);
        for (int q = 0; q < queries; q++) {
            float best = sink[q];
            for (int v = 0; v < vectors; v++) {
                best = Math.max(best, tileScores[q * vectors + v]);
            }
            sink[q] = best;
        }
        return sink;
    }
}
