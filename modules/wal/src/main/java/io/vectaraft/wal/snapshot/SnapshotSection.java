package io.vectaraft.wal.snapshot;

import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Extension point: extra per-collection data in a snapshot, e.g. an HNSW graph, so a restart need
 * not rebuild it. Each section is stored as (tag, length, bytes) after the records; a reader hands
 * sections to its {@link SnapshotLoader} and a loader that does not know a tag ignores it, so old
 * readers can load newer snapshots and vice versa.
 */
public interface SnapshotSection {

    /** A short stable name, e.g. {@code "hnsw-graph"}. */
    String tag();

    /** Whether this collection has data for this section. */
    boolean appliesTo(CollectionImage collection);

    /** Writes the section's bytes (the writer adds the tag and length around them). */
    void write(CollectionImage collection, DataOutputStream out) throws IOException;
}
