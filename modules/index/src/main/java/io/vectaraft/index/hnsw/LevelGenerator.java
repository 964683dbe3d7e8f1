package io.vectaraft.index.hnsw;

import java.util.SplittableRandom;

/**
 * Draws each new node's top layer as {@code floor(-ln(U) * mL)} with {@code mL = 1/ln(M)} (the
 * paper's level normalization), from a seeded source: the same inserts in the same order build the
 * same graph. Not thread-safe.
 */
final class LevelGenerator {
    /** Levels are stored in a byte; with M >= 2 reaching this needs odds below 2^-31. */
    static final int MAX_LEVEL = 31;

    private final double ml;
    private final SplittableRandom random;

    LevelGenerator(int m, long seed) {
        this.ml = 1 / Math.log(m);
        this.random = new SplittableRandom(seed);
    }

    int next() {
        double u = 1 - random.nextDouble(); // (0, 1]
        return (int) Math.min(MAX_LEVEL, Math.floor(-Math.log(u) * ml));
    }
}
