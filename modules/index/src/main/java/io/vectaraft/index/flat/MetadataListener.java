package io.vectaraft.index.flat;

import io.vectaraft.index.MetadataValue;
import java.util.Map;

/**
 * Told of every change of a slot's metadata in a {@link SlotStore} (insert, replace, remove, a
 * metadata-only update), so derived structures such as field indexes follow every write path.
 */
public interface MetadataListener {
    /**
     * @param before the slot's metadata until now (null: the slot held no record)
     * @param after its metadata from now on (null: the record was removed)
     */
    void changed(int slot, Map<String, MetadataValue> before, Map<String, MetadataValue> after);
}
