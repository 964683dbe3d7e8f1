package io.vectaraft.index.hnsw;

import io.vectaraft.index.Quantization;
import io.vectaraft.index.flat.ExactScorer;
import io.vectaraft.index.flat.QueryScorer;
import io.vectaraft.index.flat.SlotStore;
import io.vectaraft.index.quant.CodeStore;

/**
 * Which vectors a graph walk scores: the quantized codes once they are trained, else the
 * full-precision vectors ({@link ExactScorer}).
 *
 * <p>Building: int8 graphs link with int8 distances (the inserted vector's full precision as the
 * query against its neighbours' codes, as Lucene builds its quantized graphs); 1-bit graphs link
 * with full-precision distances, since 1-bit estimates are too coarse to choose good neighbours
 * (the 1-bit codes then serve searches only). Callers hold the collection's lock.
 */
final class GraphScorer {
    private final SlotStore store;
    private final ExactScorer exact;
    private final CodeStore codes;

    GraphScorer(SlotStore store, ExactScorer exact, CodeStore codes) {
        this.store = store;
        this.exact = exact;
        this.codes = codes;
    }

    /** Whether searches score codes (and must rescore with {@link #exact()}). */
    boolean quantized() {
        return codes != null && codes.active();
    }

    /** The bytes one score reads: a code's once trained, else a full-precision vector's. */
    int bytesPerScore() {
        return quantized() ? codes.codeBytes() : store.dimension() * Float.BYTES;
    }

    ExactScorer exact() {
        return exact;
    }

    /** The scorer of a search query: codes when trained. */
    QueryScorer search(float[] query) {
        return quantized() ? codes.scorer(query, store) : exact.query(query);
    }

    /** The scorer whose query is the vector in slot {@code node}, for linking. */
    QueryScorer link(int node) {
        return quantized() && codes.kind() == Quantization.Kind.INT8
                ? codes.nodeScorer(node, store)
                : exact.node(node);
    }
}
