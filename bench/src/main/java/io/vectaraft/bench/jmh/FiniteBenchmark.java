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
 * The check every upserted and queried vector passes (all values finite): the facade ({@code
 * VectorOps.firstNonFinite}, Vector API) against the scalar loop the validation ran before it
 * (finiteness and all-zero in one pass, copied here), on a cache-resident finite vector.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FiniteBenchmark {
    @Param({"128", "768"})
    int dim;

    float[] v;

    @Setup
    public void setup() {
        Random r = new Random(42);
        v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) r.nextGaussian();
        }
    }

    @Benchmark
    public int facade() {
        return VectorOps.firstNonFinite(v);
    }

    @Benchmark
    public int scalarBefore() {
        boolean allZero = true;
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            if (!Float.isFinite(x)) {
                return i;
            }
            allZero &= x == 0f;
        }
        return allZero ? -2 : -1;
    }
}
