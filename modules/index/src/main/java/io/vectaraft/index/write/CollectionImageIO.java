package io.vectaraft.index.write;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.VectorRecord;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * A collection as a snapshot sees it, both ways: its records in id order plus its index image (the
 * HNSW graph) out, and the same back in on restore. Restore order: {@link #restore} the records in
 * batches, {@link #readIndexImage} (if the snapshot has one), {@link #finishRestore}; then the log
 * is replayed through {@link CollectionWriter}.
 */
public final class CollectionImageIO {
    private final LockedCollection collection;

    CollectionImageIO(LockedCollection collection) {
        this.collection = collection;
    }

    public CollectionSpec spec() {
        return collection.spec();
    }

    /** Whether this collection has an index image for snapshots (an HNSW graph). */
    public boolean hasIndexImage() {
        return collection.hasIndexImage();
    }

    /**
     * Visits every live record in id order (stored form), then writes the index image (nothing for
     * a flat index), both in one read-lock hold: the image, its nodes numbered by id rank among the
     * records visited, then fits exactly those records even while writers are queued (fuzzy
     * snapshots).
     */
    public void forEachThenImage(Consumer<VectorRecord> visitor, DataOutput imageOut)
            throws IOException {
        collection.forEachThenImage(visitor, imageOut, null);
    }

    /**
     * As {@link #forEachThenImage(Consumer, DataOutput)}, and then the quantized codes with their
     * quantizer (a quantized collection only), in the same read-lock hold.
     */
    public void forEachThenImages(
            Consumer<VectorRecord> visitor, DataOutput imageOut, DataOutput codesOut)
            throws IOException {
        collection.forEachThenImage(visitor, imageOut, codesOut);
    }

    /** Whether this collection has quantized codes for snapshots. */
    public boolean hasCodeImage() {
        return collection.hasCodeImage();
    }

    /**
     * Loads codes written by {@link #forEachThenImages} after the records were restored and before
     * the graph image: the restart keeps them bit for bit instead of quantizing again.
     *
     * @return false when they do not fit (other records or parameters): nothing was loaded and
     *     {@link #finishRestore} quantizes anew
     * @throws IOException when the image is malformed or short (nothing was loaded)
     */
    public boolean readCodeImage(DataInput in) throws IOException {
        return collection.readCodeImage(in);
    }

    /**
     * Applies records in stored form, as {@link #forEachThenImage} visited them: validated like an
     * upsert but kept bit for bit (renormalizing a unit vector under COSINE can change its last
     * bits, and a restart must reproduce the state exactly), and not linked into an HNSW graph yet.
     * Batches whose ids ascend in UTF-8 order, as a snapshot stores them, take a bulk path: the ids
     * join the id order in one linear build instead of one tree insert each.
     *
     * @throws io.vectaraft.index.InvalidArgumentException naming the record, as an upsert does;
     *     nothing of the batch was applied
     */
    public void restore(List<VectorRecord> stored) {
        collection.restore(stored);
    }

    /**
     * Loads a graph written by {@link #forEachThenImage} after the records were restored (and
     * before any other write).
     *
     * @return false when the image does not fit (other records or parameters): nothing was loaded
     *     and {@link #finishRestore} will build the graph
     * @throws IOException when the image is malformed or short (nothing was loaded)
     */
    public boolean readIndexImage(DataInput in) throws IOException {
        return collection.readIndexImage(in);
    }

    /** Builds the id order and links restored records no graph image covered. */
    public void finishRestore() {
        collection.finishRestore();
    }

    /** The field indexes' specs in creation order: a snapshot keeps them, a restore rebuilds. */
    public List<io.vectaraft.index.FieldIndexSpec> fieldIndexSpecs() {
        return collection.fieldIndexSpecs();
    }
}
