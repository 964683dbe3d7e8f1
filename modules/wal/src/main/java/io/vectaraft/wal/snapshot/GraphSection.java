package io.vectaraft.wal.snapshot;

import io.vectaraft.index.FieldIndexSpec;
import io.vectaraft.index.write.CollectionImageIO;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
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
    public static final String FIELD_INDEXES_TAG = "field-indexes";

    /** Longest field index key read back: no request (64 MiB at most) carries a longer one. */
    private static final int MAX_KEY_BYTES = 64 << 20;

    private final Map<String, ByteArrayOutputStream> images = new HashMap<>();
    private final Map<String, ByteArrayOutputStream> codeImages = new HashMap<>();
    private final Map<String, List<FieldIndexSpec>> fieldIndexes = new HashMap<>();

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
                    List<FieldIndexSpec> specs = c.fieldIndexSpecs();
                    if (!specs.isEmpty()) {
                        fieldIndexes.put(c.spec().name(), specs);
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

    /**
     * The section of the field indexes (tag {@value #FIELD_INDEXES_TAG}): their keys and types in
     * creation order, as {@code int count, then (UTF key, UTF type)}. The postings are not stored:
     * a restore creates the indexes after the records and builds them in the background (filters
     * check records meanwhile), which costs one pass over the metadata and keeps the format free of
     * the postings' layout.
     */
    public SnapshotSection fieldIndexes() {
        return new SnapshotSection() {
            @Override
            public String tag() {
                return FIELD_INDEXES_TAG;
            }

            @Override
            public boolean appliesTo(CollectionImage collection) {
                return fieldIndexes.containsKey(collection.spec().name());
            }

            @Override
            public void write(CollectionImage collection, DataOutputStream out) throws IOException {
                List<FieldIndexSpec> specs = fieldIndexes.remove(collection.spec().name());
                out.writeInt(specs.size());
                for (FieldIndexSpec spec : specs) {
                    // Keys are client text of any length: writeUTF stops at 64 KB.
                    byte[] key = spec.key().getBytes(StandardCharsets.UTF_8);
                    out.writeInt(key.length);
                    out.write(key);
                    out.writeUTF(spec.type().wireName());
                }
            }
        };
    }

    /** Reads what {@link #fieldIndexes()} wrote. */
    public static List<FieldIndexSpec> readFieldIndexes(java.io.DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 16) {
            throw new IOException("field indexes: expected a count in [0, 65536], got " + n);
        }
        List<FieldIndexSpec> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int length = in.readInt();
            if (length < 0 || length > MAX_KEY_BYTES) {
                throw new IOException(
                        "field index key: expected [0, "
                                + MAX_KEY_BYTES
                                + "] bytes, got "
                                + length);
            }
            byte[] key = new byte[length];
            in.readFully(key);
            out.add(
                    new FieldIndexSpec(
                            new String(key, StandardCharsets.UTF_8),
                            FieldIndexSpec.Type.parse(in.readUTF())));
        }
        return out;
    }

    /** The sections of one snapshot, in the order they are written. */
    public List<SnapshotSection> sections() {
        return List.of(codes(), this, fieldIndexes());
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
