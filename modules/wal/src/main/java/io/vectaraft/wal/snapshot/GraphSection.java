package io.vectaraft.wal.snapshot;

import io.vectaraft.index.write.CollectionImageIO;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The HNSW graph of a collection in a snapshot (tag {@value #TAG}), so a restart loads the graph
 * instead of rebuilding it (a rebuild is slow and, records being re-inserted in another order, can
 * give other approximate results).
 *
 * <p>One instance serves one snapshot. The graph image must number exactly the records the snapshot
 * stores, and writers continue during a (fuzzy) snapshot, so the image is captured in the same
 * read-lock hold as the records ({@link CollectionImageIO#forEachThenImage}) and written out here
 * afterwards.
 */
public final class GraphSection implements SnapshotSection {
    public static final String TAG = "hnsw-graph";

    private final Map<String, ByteArrayOutputStream> images = new HashMap<>();

    /** What the snapshot stores of this collection: its records, and its graph if it has one. */
    public CollectionImage image(CollectionImageIO c) {
        return new CollectionImage(
                c.spec(),
                visitor -> {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    try {
                        c.forEachThenImage(visitor, new DataOutputStream(bytes));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e); // in memory: cannot happen
                    }
                    if (c.hasIndexImage()) {
                        images.put(c.spec().name(), bytes);
                    }
                });
    }

    @Override
    public String tag() {
        return TAG;
    }

    @Override
    public boolean appliesTo(CollectionImage collection) {
        return images.containsKey(collection.spec().name());
    }

    @Override
    public void write(CollectionImage collection, DataOutputStream out) throws IOException {
        images.remove(collection.spec().name()).writeTo(out);
    }
}
