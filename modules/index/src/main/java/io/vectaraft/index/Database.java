package io.vectaraft.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The set of collections by name. Thread-safe: lookups do not lock (every request makes one);
 * create and drop are serialized so that create-if-absent is atomic.
 */
public final class Database {
    private final ConcurrentSkipListMap<String, VectorCollection> byName =
            new ConcurrentSkipListMap<>();

    /**
     * Creates a collection, or returns the existing one when it has the same parameters.
     *
     * @throws CollectionConflictException when a collection of that name has other parameters
     */
    public synchronized VectorCollection create(CollectionSpec spec) {
        VectorCollection existing = byName.get(spec.name());
        if (existing != null) {
            if (!existing.spec().equals(spec)) {
                throw new CollectionConflictException(existing.spec(), spec);
            }
            return existing;
        }
        VectorCollection created = new VectorCollection(spec);
        byName.put(spec.name(), created);
        return created;
    }

    /** The collection of that name, if any. */
    public Optional<VectorCollection> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The collection of that name.
     *
     * @throws CollectionNotFoundException when there is none
     */
    public VectorCollection get(String name) {
        return find(name).orElseThrow(() -> new CollectionNotFoundException(name));
    }

    /**
     * Removes a collection and its records.
     *
     * @throws CollectionNotFoundException when there is none
     */
    public synchronized void drop(String name) {
        if (byName.remove(name) == null) {
            throw new CollectionNotFoundException(name);
        }
    }

    /** Every collection, by name. */
    public List<VectorCollection> list() {
        return new ArrayList<>(byName.values());
    }
}
