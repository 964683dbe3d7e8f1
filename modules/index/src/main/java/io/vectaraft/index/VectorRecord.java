package io.vectaraft.index;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One stored item: its id, its vector and its metadata. The vector array is owned by the record
 * once constructed; callers must not modify it afterwards.
 */
public record VectorRecord(String id, float[] vector, Map<String, MetadataValue> metadata) {
    public VectorRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(vector, "vector");
        metadata = Map.copyOf(metadata);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VectorRecord r
                && id.equals(r.id)
                && Arrays.equals(vector, r.vector)
                && metadata.equals(r.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(vector), metadata);
    }

    @Override
    public String toString() {
        // Never print vector contents: they may be large and sensitive.
        return "VectorRecord[id="
                + id
                + ", dimension="
                + vector.length
                + ", metadata="
                + metadata.keySet()
                + "]";
    }
}
