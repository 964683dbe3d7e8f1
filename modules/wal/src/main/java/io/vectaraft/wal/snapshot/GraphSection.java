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
 * give other approximate results); and, as {@link #codes()} (tag {@value #CODES_TAG}), the
 * quantized codes of a quantized collection with their quantizer, so a restart restores them bit
 * for bit instead of quantizing again. The codes section is written before the graph: loading the
 * graph scores its links on the codes.
 *
 * <p>One instance serves one snapshot. The graph image must number exactly the records the snapshot
 * stores, and writers continue during a (fuzzy) snapshot, so the image is captured in the same
 * read-lock hold as the records ({@link CollectionImageIO#forEachThenImage}) and written out here
 * afterwards.
 */
public final class GraphSection implements SnapshotSection {
    public static final String TAG = "hnsw-graph";
    public static final String CODES_TAG = "codes";

    private final Map<String, ByteArrayOutputStream> images = new HashMap<>();
    private final Map<String, ByteArrayOutputStream> codeImages = new HashMap<>();

    /** What the snapshot stores of this collection: its records, and its graph if it has one. */
    public CollectionImage image(CollectionImageIO c) {
        return new CollectionImage(
                c.spec(),
                visitor -> {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    ByteArrayOutputStream codeBytes = new ByteArrayOutputStream();
                    try {
                        c.forEachThenImages(
                                visitor,
                                new DataOutputStream(bytes),
                                new DataOutputStream(codeBytes));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e); // in memory: cannot happen
                    }
                    if (c.hasIndexImage()) {
                        images.put(c.spec().name(), bytes);
                    }
                    if (c.hasCodeImage()) {
                        codeImages.put(c.spec().name(), codeBytes);
                    }
                });
    }

    /** The section of the codes captured by {@link #image}. */
    public SnapshotSection codes() {
        return new SnapshotSection() {
            @Override
            public String tag() {
                return CODES_TAG;
            }

            @Override
            public boolean appliesTo(CollectionImage collection) {
                return codeImages.containsKey(collection.spec().name());
            }

            @Override
            public void write(CollectionImage collection, DataOutputStream out) throws IOException {
                codeImages.remove(collection.spec().name()).writeTo(out);
            }
        };
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
