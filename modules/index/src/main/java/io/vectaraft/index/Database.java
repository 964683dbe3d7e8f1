package io.vectaraft.index;

import java.util.List;
import java.util.Optional;

/** The set of collections by name. Thread-safe. */
public final class Database {

    /**
     * Creates a collection, or returns the existing one when it has the same parameters.
     *
     * @throws CollectionConflictException when a collection of that name has other parameters
     */
    public Collection create(CollectionSpec spec) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The collection of that name, if any. */
    public Optional<Collection> find(String name) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * The collection of that name.
     *
     * @throws CollectionNotFoundException when there is none
     */
    public Collection get(String name) {
        return find(name).orElseThrow(() -> new CollectionNotFoundException(name));
    }

    /**
     * Removes a collection and its records.
     *
     * @throws CollectionNotFoundException when there is none
     */
    public void drop(String name) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Every collection, by name. */
    public List<Collection> list() {
        throw new UnsupportedOperationException("TODO");
    }
}
