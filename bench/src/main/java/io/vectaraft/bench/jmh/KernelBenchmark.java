package io.vectaraft.bench.jmh;

import io.vectaraft.index.vector.VectorOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * Single-pair kernels on cache-resident vectors: the facade ({@code VectorOps}, one accumulator)
 * against a four-accumulator Vector API loop and a plain scalar loop, which are copied here so the
 * accumulator count is decided by measurement (docs/benchmarks.md). The server's rows come from
 * memory, not the caches, and there one accumulator measured faster (ADR 0008).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBenchmark {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Param({"128", "784", "1021"})
    int dim;

    float[] a;
    float[] b;

    /** {@code b} off the heap, as an {@code on_disk} row is read. */
    MemorySegment bSegment;

    @Setup
    public void setup() {
        Random r = new Random(42);
        a = new float[dim];
        b = new float[dim];
        for (int i = 0; i < dim; i++) {
            a[i] = (float) r.nextGaussian();
            b[i] = (float) r.nextGaussian();
        }
        bSegment = Arena.ofAuto().allocate(4L * dim, 64);
        MemorySegment.copy(b, 0, bSegment, ValueLayout.JAVA_FLOAT, 0, dim);
    }

    @Benchmark
    public float dotFacade() {
        return VectorOps.dot(a, 0, b, 0, dim);
    }

    @Benchmark
    public float dotSegment() {
        return VectorOps.dot(a, 0, bSegment, 0, dim);
    }

    @Benchmark
    public float squareDistanceSegment() {
        return VectorOps.squareDistance(a, 0, bSegment, 0, dim);
    }

    @Benchmark
    public float dotFourAccumulators() {
        int i = 0;
        int step = 4 * SPECIES.length();
        FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int bound = dim - step; i <= bound; i += step) {
            acc0 = lane(a, i, 0).fma(lane(b, i, 0), acc0);
            acc1 = lane(a, i, 1).fma(lane(b, i, 1), acc1);
            acc2 = lane(a, i, 2).fma(lane(b, i, 2), acc2);
            acc3 = lane(a, i, 3).fma(lane(b, i, 3), acc3);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            sum = Math.fma(a[i], b[i], sum);
        }
        return sum;
    }

    @Benchmark
    public float dotScalar() {
        float sum = 0;
        for (int i = 0; i < dim; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Benchmark
    public float squareDistanceFacade() {
        return VectorOps.squareDistance(a, 0, b, 0, dim);
    }

    @Benchmark
    public float squareDistanceFourAccumulators() {
        int i = 0;
        int step = 4 * SPECIES.length();
        FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int bound = dim - step; i <= bound; i += step) {
            FloatVector d0 = lane(a, i, 0).sub(lane(b, i, 0));
            FloatVector d1 = lane(a, i, 1).sub(lane(b, i, 1));
            FloatVector d2 = lane(a, i, 2).sub(lane(b, i, 2));
            FloatVector d3 = lane(a, i, 3).sub(lane(b, i, 3));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
            acc2 = d2.fma(d2, acc2);
            acc3 = d3.fma(d3, acc3);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            float d = a[i] - b[i];
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }

    /** The {@code block}-th vector of floats from {@code from}. */
    private static FloatVector lane(float[] v, int from, int block) {
        return FloatVector.fromArray(SPECIES, v, from + block * SPECIES.length());
    }
}
