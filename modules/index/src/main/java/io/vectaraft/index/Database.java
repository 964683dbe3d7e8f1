package io.vectaraft.index;

import java.util.List;
import java.util.Optional;

/**
 * The collections by name, for reading. Creating and dropping collections, like every other write,
 * goes through the storage layer's log. Thread-safe; lookups do not lock.
 */
public interface Database {

    /** The collection of that name, if any. */
    Optional<VectorCollection> find(String name);

    /**
     * The collection of that name.
     *
     * @throws CollectionNotFoundException when there is none
     */
    default VectorCollection get(String name) {
        return find(name).orElseThrow(() -> new CollectionNotFoundException(name));
    }

    /** Every collection, by name. */
    List<VectorCollection> list();
}
