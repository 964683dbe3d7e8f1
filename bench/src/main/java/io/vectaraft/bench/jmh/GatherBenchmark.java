package io.vectaraft.bench.jmh;

import io.vectaraft.index.vector.VectorOps;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scoring rows picked at random from a store larger than the caches, as a graph walk does: one
 * kernel call per row ({@code single}) against four rows per call of {@link
 * VectorOps#squareDistance4} ({@code gathered}), whose rows' loads overlap. Reports nanoseconds per
 * row. Rows picked uniformly from DRAM run alike both ways (each waits for a TLB walk and a DRAM
 * line), while HNSW searches gain (docs/benchmarks.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms3g", "-Xmx3g"})
public class GatherBenchmark {
    private static final int ROWS_PER_CHUNK = 1300;
    private static final int PICKS = 1 << 16;

    @Param({"100000"})
    int n;

    @Param({"128", "256", "768"})
    int dim;

    float[] query;
    float[][] chunks;
    int[] picks;
    final float[][] rows = new float[4][];
    final int[] offsets = new int[4];
    final float[] four = new float[4];

    @Setup
    public void setup() {
        Random r = new Random(42);
        query = new float[dim];
        for (int i = 0; i < dim; i++) {
            query[i] = (float) r.nextGaussian();
        }
        chunks = new float[(n + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK][ROWS_PER_CHUNK * dim];
        for (float[] chunk : chunks) {
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (float) r.nextGaussian();
            }
        }
        picks = new int[PICKS];
        for (int i = 0; i < PICKS; i++) {
            picks[i] = r.nextInt(n);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PICKS)
    public float single() {
        float sum = 0;
        for (int row : picks) {
            sum +=
                    VectorOps.squareDistance(
                            query, 0, chunks[row / ROWS_PER_CHUNK], offset(row), dim);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(PICKS)
    public float gathered() {
        float sum = 0;
        for (int i = 0; i < PICKS; i += 4) {
            for (int k = 0; k < 4; k++) {
                rows[k] = chunks[picks[i + k] / ROWS_PER_CHUNK];
                offsets[k] = offset(picks[i + k]);
            }
            VectorOps.squareDistance4(query, 0, rows, offsets, dim, four);
            sum += four[0] + four[1] + four[2] + four[3];
        }
        return sum;
    }

    private int offset(int row) {
        return row % ROWS_PER_CHUNK * dim;
    }
}
