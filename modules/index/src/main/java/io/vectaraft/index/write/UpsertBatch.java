package io.vectaraft.index.write;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.VectorRecord;
import java.util.List;

/**
 * A batch of records validated against one collection and ready to apply (cosine vectors
 * normalized). Only {@link CollectionWriter#prepareUpsert} makes one, so applying it cannot fail on
 * input: that is what lets the storage layer log a batch before it is applied.
 */
public final class UpsertBatch {
    private final CollectionSpec spec;
    private final List<VectorRecord> records;

    UpsertBatch(CollectionSpec spec, List<VectorRecord> records) {
        this.spec = spec;
        this.records = List.copyOf(records);
    }

    public CollectionSpec spec() {
        return spec;
    }

    /** The records as they will be stored (normalized for cosine). */
    public List<VectorRecord> records() {
        return records;
    }

    public int size() {
        return records.size();
    }
}
