package io.vectaraft.wal.snapshot;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.VectorRecord;
import java.util.List;

/** Receives a snapshot's contents as it is read, collection by collection. */
public interface SnapshotLoader {

    void collection(CollectionSpec spec);

    /** Records of the collection last announced, in stored form, in batches. */
    void records(CollectionSpec spec, List<VectorRecord> batch);

    /** An extension section (see {@link SnapshotSection}); ignored unless overridden. */
    default void section(CollectionSpec spec, String tag, byte[] bytes) {}
}
