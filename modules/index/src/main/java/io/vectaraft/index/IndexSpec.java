package io.vectaraft.index;

/** The search structure of a collection. */
public sealed interface IndexSpec {

    /** Exact search: every query scores every vector. */
    record Flat() implements IndexSpec {}

    /**
     * A hierarchical navigable small-world graph (Malkov and Yashunin). {@code m} is the number of
     * neighbours kept per node on the upper layers ({@code 2*m} on layer 0), {@code efConstruction}
     * the beam width while inserting, {@code efSearch} the default beam width while searching.
     */
    record Hnsw(int m, int efConstruction, int efSearch) implements IndexSpec {
        public static final int DEFAULT_M = 16;
        public static final int DEFAULT_EF_CONSTRUCTION = 200;
        public static final int DEFAULT_EF_SEARCH = 64;
        public static final int MIN_M = 2;
        public static final int MAX_M = 512;
        public static final int MAX_EF = 4096;

        public Hnsw {
            Checks.inRange("hnsw.m", m, MIN_M, MAX_M);
            Checks.inRange("hnsw.ef_construction", efConstruction, 1, MAX_EF);
            Checks.inRange("hnsw.ef_search", efSearch, 1, MAX_EF);
        }

        public static Hnsw defaults() {
            return new Hnsw(DEFAULT_M, DEFAULT_EF_CONSTRUCTION, DEFAULT_EF_SEARCH);
        }
    }

    static IndexSpec flat() {
        return new Flat();
    }
}
