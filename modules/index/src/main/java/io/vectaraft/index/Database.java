package io.vectaraft.index;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

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

    /** Every alias and the collection it points at, sorted by alias. */
    default SortedMap<String, String> aliases() {
        return new TreeMap<>();
    }

    /**
     * The collection a request's name means: the alias's target when {@code name} is an alias, else
     * {@code name} itself (which may name no collection). Alias and collection names never
     * coincide, so the answer is unambiguous.
     */
    default String resolve(String name) {
        String target = aliases().get(name);
        return target != null ? target : name;
    }
}
