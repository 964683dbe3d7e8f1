package io.vectaraft.bench.jmh;

import io.vectaraft.index.vector.VectorOps;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.apache.lucene.util.VectorUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
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
 * Squared distances to rows picked at random from more rows than the caches hold, each row its own
 * array, as Lucene's {@code VectorUtil.squareDistance(float[], float[])} takes them: our facade,
 * Lucene 10.6's, and local copies of a four-accumulator loop (the row read from an offset; the
 * query from an offset too; the pair kernel's own shape), copied here so that each difference's
 * cost is decided by measurement. Nanoseconds per row (docs/benchmarks.md, issue 17).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
        value = 3,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms3g", "-Xmx3g"})
public class RandomRowBenchmark {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final int PICKS = 1 << 16;
    private static final VectorShuffle<Float> XOR8 = xor(8);
    private static final VectorShuffle<Float> XOR4 = xor(4);
    private static final VectorShuffle<Float> XOR2 = xor(2);
    private static final VectorShuffle<Float> XOR1 = xor(1);

    private static VectorShuffle<Float> xor(int h) {
        return VectorShuffle.fromOp(SPECIES, i -> (i ^ h) % LANES);
    }

    @Param({"60000"})
    int n;

    @Param({"784"})
    int dim;

    float[] query;
    float[][] rows;
    int[] picks;

    @Setup
    public void setup() {
        Random r = new Random(42);
        query = new float[dim];
        for (int i = 0; i < dim; i++) {
            query[i] = (float) r.nextGaussian();
        }
        rows = new float[n][dim];
        for (float[] row : rows) {
            for (int i = 0; i < dim; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        picks = new int[PICKS];
        for (int i = 0; i < PICKS; i++) {
            picks[i] = r.nextInt(n);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PICKS)
    public float vectorOps() {
        float sum = 0;
        for (int row : picks) {
            sum += VectorOps.squareDistance(query, 0, rows[row], 0, dim);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(PICKS)
    public float lucene() {
        float sum = 0;
        for (int row : picks) {
            sum += VectorUtil.squareDistance(query, rows[row]);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(PICKS)
    public float loopWithRowOffset() {
        float sum = 0;
        for (int row : picks) {
            sum += withRowOffset(query, rows[row], 0, dim);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(PICKS)
    public float loopWithQueryOffset() {
        float sum = 0;
        for (int row : picks) {
            sum += withQueryOffset(query, 0, rows[row], 0, dim);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(PICKS)
    public float loopAsPairKernel() {
        float sum = 0;
        for (int row : picks) {
            sum += asPairKernel(query, 0, rows[row], 0, dim);
        }
        return sum;
    }

    /** Four accumulators, then one vector at a time, the row read from {@code offset}. */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static float withRowOffset(float[] q, float[] row, int offset, int length) {
        FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        int bound = SPECIES.loopBound(length);
        int i = 0;
        for (; i < bound - 3 * LANES; i += 4 * LANES) {
            acc0 = step(q, i, row, offset + i, acc0);
            acc1 = step(q, i + LANES, row, offset + i + LANES, acc1);
            acc2 = step(q, i + 2 * LANES, row, offset + i + 2 * LANES, acc2);
            acc3 = step(q, i + 3 * LANES, row, offset + i + 3 * LANES, acc3);
        }
        for (; i < bound; i += LANES) {
            acc0 = step(q, i, row, offset + i, acc0);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            float d = q[i] - row[offset + i];
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }

    /** {@link #withRowOffset} with the query read from {@code qOffset} too: the one difference. */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static float withQueryOffset(
            float[] q, int qOffset, float[] row, int offset, int length) {
        FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        int bound = SPECIES.loopBound(length);
        int i = 0;
        for (; i < bound - 3 * LANES; i += 4 * LANES) {
            acc0 = step(q, qOffset + i, row, offset + i, acc0);
            acc1 = step(q, qOffset + i + LANES, row, offset + i + LANES, acc1);
            acc2 = step(q, qOffset + i + 2 * LANES, row, offset + i + 2 * LANES, acc2);
            acc3 = step(q, qOffset + i + 3 * LANES, row, offset + i + 3 * LANES, acc3);
        }
        for (; i < bound; i += LANES) {
            acc0 = step(q, qOffset + i, row, offset + i, acc0);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            float d = q[qOffset + i] - row[offset + i];
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }

    /**
     * The shape of {@code PanamaPairKernels.squareDistance}: four accumulators to the last whole
     * block of four vectors, then a second pass with its own accumulator and lane sum.
     */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static float asPairKernel(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float sum = 0f;
        if (length >= 4 * 4 * LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            int bound = length - 4 * LANES;
            for (; i <= bound; i += 4 * LANES) {
                acc0 = step(a, aOffset + i, b, bOffset + i, acc0);
                acc1 = step(a, aOffset + i + LANES, b, bOffset + i + LANES, acc1);
                acc2 = step(a, aOffset + i + 2 * LANES, b, bOffset + i + 2 * LANES, acc2);
                acc3 = step(a, aOffset + i + 3 * LANES, b, bOffset + i + 3 * LANES, acc3);
            }
            sum = butterfly(acc0.add(acc1).add(acc2.add(acc3)));
        }
        if (length - i >= LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int bound = length - LANES; i <= bound; i += LANES) {
                acc = step(a, aOffset + i, b, bOffset + i, acc);
            }
            sum += butterfly(acc);
        }
        for (; i < length; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }

    private static float butterfly(FloatVector v) {
        v = v.add(v.rearrange(XOR8));
        v = v.add(v.rearrange(XOR4));
        v = v.add(v.rearrange(XOR2));
        return v.add(v.rearrange(XOR1)).lane(0);
    }

    private static FloatVector step(float[] q, int qAt, float[] row, int rowAt, FloatVector acc) {
        FloatVector d =
                FloatVector.fromArray(SPECIES, q, qAt)
                        .sub(FloatVector.fromArray(SPECIES, row, rowAt));
        return d.fma(d, acc);
    }
}
