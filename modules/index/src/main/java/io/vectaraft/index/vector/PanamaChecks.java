package io.vectaraft.index.vector;

import static io.vectaraft.index.vector.PanamaLanes.LANES;
import static io.vectaraft.index.vector.PanamaLanes.SPECIES;
import static io.vectaraft.index.vector.PanamaLanes.load;

import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Checks of vector values on the Java Vector API: what every upsert and query runs once per vector
 * before it is stored or searched. C2 does not vectorize the scalar loop (it exits early), which
 * made the finiteness check about 15% of a 768-dimension upsert's server time (docs/benchmarks.md,
 * "Python ingest").
 */
final class PanamaChecks {
    private PanamaChecks() {}

    /** {@link VectorKernels#firstNonFinite}: a lane test per {@code LANES} floats, scalar tail. */
    static int firstNonFinite(float[] v, int offset, int length) {
        int i = 0;
        for (int bound = SPECIES.loopBound(length); i < bound; i += LANES) {
            // IS_FINITE: the exponent bits are not all ones (NaN and both infinities have them).
            VectorMask<Float> finite = load(v, offset + i).test(VectorOperators.IS_FINITE);
            if (!finite.allTrue()) {
                return i + finite.not().firstTrue();
            }
        }
        for (; i < length; i++) {
            if (!Float.isFinite(v[offset + i])) {
                return i;
            }
        }
        return -1;
    }
}
