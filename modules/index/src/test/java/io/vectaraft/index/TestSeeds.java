package io.vectaraft.index;

import java.util.Random;

/**
 * Seeds for randomized tests: a fresh seed per run (more inputs over time), or the one given with
 * {@code -Dvectaraft.seed=N} to reproduce a failure. Every assertion message carries the seed.
 */
public final class TestSeeds {
    private TestSeeds() {}

    public static long seed() {
        Long fixed = Long.getLong("vectaraft.seed");
        return fixed != null ? fixed : new Random().nextLong();
    }

    public static String describe(long seed) {
        return "(reproduce with -Dvectaraft.seed=" + seed + ")";
    }
}
