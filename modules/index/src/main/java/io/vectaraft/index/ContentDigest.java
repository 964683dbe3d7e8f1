package io.vectaraft.index;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A digest of a collection's records (ids, vectors, metadata) that does not depend on the order
 * they were written or are stored in: the lane-wise sum, modulo 2^64, of the first 128 bits of each
 * record's SHA-256 over a canonical encoding (id; vector as IEEE 754 bits; metadata sorted by key,
 * each value with its type). Replicas that applied the same writes agree on it whatever their
 * slots, graphs or snapshots; any differing record changes it (but for a 2^-64 chance per lane).
 *
 * <p>Read as a consistent cut: the collection is paged through in id order, and the whole read is
 * repeated when a write landed in between ({@link VectorCollection#writeCount}).
 */
public final class ContentDigest {
    private static final int PAGE = 1_000;
    private static final int ATTEMPTS = 5;

    private long lane0;
    private long lane1;
    private final MessageDigest sha;
    private ByteBuffer buffer = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);

    private ContentDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * The digest of {@code collection}'s records, as 32 hex digits.
     *
     * @throws PreconditionException when writes kept landing during every attempt
     */
    public static String of(VectorCollection collection) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long writes = collection.writeCount();
            ContentDigest d = new ContentDigest();
            String after = null;
            do {
                Page page = collection.scroll(new ScrollRequest(null, after, PAGE, true));
                page.records().forEach(d::add);
                after = page.lastId();
            } while (after != null);
            if (collection.writeCount() == writes) {
                return d.hex();
            }
        }
        throw new PreconditionException(
                "digest of collection "
                        + ClientText.quote(collection.spec().name())
                        + ": writes landed during each of "
                        + ATTEMPTS
                        + " reads; retry when writes pause, or compare at a log position"
                        + " (min_lsn)");
    }

    /** Adds one record. */
    void add(VectorRecord r) {
        buffer.clear();
        text(r.id());
        ensure(4 + 4 * r.vector().length);
        buffer.putInt(r.vector().length);
        for (float v : r.vector()) {
            buffer.putInt(Float.floatToIntBits(v));
        }
        Map<String, MetadataValue> sorted = new TreeMap<>(r.metadata());
        ensure(4);
        buffer.putInt(sorted.size());
        sorted.forEach(
                (k, v) -> {
                    text(k);
                    value(v);
                });
        sha.update(buffer.array(), 0, buffer.position());
        ByteBuffer hash = ByteBuffer.wrap(sha.digest()).order(ByteOrder.LITTLE_ENDIAN);
        lane0 += hash.getLong(0);
        lane1 += hash.getLong(8);
    }

    private void value(MetadataValue v) {
        ensure(9);
        switch (v) {
            case MetadataValue.Text t -> {
                buffer.put((byte) 1);
                text(t.value());
            }
            case MetadataValue.Int i -> buffer.put((byte) 2).putLong(i.value());
            case MetadataValue.Real d ->
                    buffer.put((byte) 3).putLong(Double.doubleToLongBits(d.value()));
            case MetadataValue.Bool b -> buffer.put((byte) 4).put((byte) (b.value() ? 1 : 0));
            case MetadataValue.TextList l -> {
                buffer.put((byte) 5).putInt(l.values().size());
                l.values().forEach(this::text);
            }
        }
    }

    private void text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ensure(4 + b.length);
        buffer.putInt(b.length).put(b);
    }

    private void ensure(int more) {
        if (buffer.remaining() < more) {
            int size = Math.max(buffer.capacity() * 2, buffer.position() + more);
            ByteBuffer bigger = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
    }

    String hex() {
        HexFormat h = HexFormat.of();
        return h.toHexDigits(lane1) + h.toHexDigits(lane0);
    }
}
