package io.vectaraft.index.write;

import io.vectaraft.index.ClientText;
import io.vectaraft.index.CollectionConflictException;
import io.vectaraft.index.CollectionNotFoundException;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.Database;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.flat.FlatScanner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * The set of collections by name, with the ways to change them: create and drop, and each
 * collection's {@link CollectionWriter} and {@link CollectionImageIO}. This package is exported to
 * the storage layer only, whose log orders every change; everyone else holds the read-only {@link
 * Database} view.
 *
 * <p>Thread-safe: lookups do not lock (every request makes one); create and drop are serialized so
 * that create-if-absent is atomic.
 */
public final class WritableDatabase implements Database {
    private final ConcurrentSkipListMap<String, LockedCollection> byName =
            new ConcurrentSkipListMap<>();

    /** Alias to collection; changed under this object's monitor, read without a lock. */
    private volatile SortedMap<String, String> aliases = Collections.emptySortedMap();

    private final FlatScanner scanner;
    private final Path vectorDir;
    private final Executor maintenance;

    /**
     * Graph maintenance of every database without an injected executor: one platform thread per
     * collection with work, ended when the work is (see {@link GraphMaintainer}).
     */
    private static final Executor BACKGROUND =
            Executors.newThreadPerTaskExecutor(
                    Thread.ofPlatform().daemon().name("vectaraft-graph-", 0).factory());

    /** Vector files of {@code on_disk} collections go to a temporary directory. */
    public WritableDatabase() {
        this(FlatScanner.shared(), null, BACKGROUND);
    }

    /**
     * @param vectorDir where {@code on_disk} collections keep their vector files (null: a temporary
     *     directory); the files are caches that a restart fills again from the log and snapshots,
     *     so whatever is in the directory at start-up can be deleted ({@link #deleteVectorFiles})
     */
    public WritableDatabase(Path vectorDir) {
        this(FlatScanner.shared(), vectorDir, BACKGROUND);
    }

    /**
     * @param maintenance runs the background graph maintenance (linking, rebuilds) of HNSW
     *     collections; tests pass one they control to hold it back
     */
    public WritableDatabase(Path vectorDir, Executor maintenance) {
        this(FlatScanner.shared(), vectorDir, maintenance);
    }

    /** Collections searched by this scanner (tests use one with other thresholds or pool). */
    WritableDatabase(FlatScanner scanner) {
        this(scanner, null, BACKGROUND);
    }

    private WritableDatabase(FlatScanner scanner, Path vectorDir, Executor maintenance) {
        this.scanner = scanner;
        this.vectorDir = vectorDir;
        this.maintenance = maintenance;
    }

    /** The executor of this database's graph maintenance. */
    Executor maintenance() {
        return maintenance;
    }

    /** Waits until the graph maintenance of every collection asked for so far is done. */
    public void awaitGraphs() throws InterruptedException {
        for (LockedCollection c : byName.values()) {
            c.awaitMaintained();
        }
    }

    /** Deletes the vector files left in a directory by an earlier process (at start-up). */
    public static void deleteVectorFiles(Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return;
        }
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().endsWith(".f32")) {
                    java.nio.file.Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Creates a collection, or returns the existing one when it has the same parameters.
     *
     * @throws CollectionConflictException when a collection of that name has other parameters
     */
    public synchronized VectorCollection create(CollectionSpec spec) {
        if (aliases.containsKey(spec.name())) {
            throw new CollectionConflictException(
                    "collection "
                            + ClientText.quote(spec.name())
                            + ": the name is an alias (of collection "
                            + ClientText.quote(aliases.get(spec.name()))
                            + "); expected a name that is not an alias");
        }
        LockedCollection existing = byName.get(spec.name());
        if (existing != null) {
            if (!existing.spec().equals(spec)) {
                throw new CollectionConflictException(existing.spec(), spec);
            }
            return existing;
        }
        LockedCollection created = new LockedCollection(spec, scanner, maintenance, vectorDir);
        byName.put(spec.name(), created);
        return created;
    }

    /**
     * Removes a collection and its records.
     *
     * @throws CollectionNotFoundException when there is none
     */
    public synchronized void drop(String name) {
        LockedCollection removed = byName.remove(name);
        if (removed == null) {
            throw new CollectionNotFoundException(name);
        }
        // An alias never points at a missing collection: the collection's aliases go with it.
        SortedMap<String, String> kept = new TreeMap<>(aliases);
        kept.values().removeIf(name::equals);
        aliases = Collections.unmodifiableSortedMap(kept);
        removed.close();
    }

    /**
     * Takes over every collection and alias of {@code restored} (a database built on the same
     * vector directory, which is not used afterwards) and releases its own. Each lookup sees a
     * collection's old or new state; the caller holds back writes meanwhile.
     */
    public synchronized void replaceWith(WritableDatabase restored) {
        List<LockedCollection> old = new ArrayList<>(byName.values());
        byName.putAll(restored.byName);
        byName.keySet().retainAll(restored.byName.keySet());
        aliases = restored.aliases;
        for (LockedCollection c : old) {
            c.close(); // releases vector files of on_disk collections
        }
    }

    /**
     * Checks that {@code alias} may be created pointing at {@code collection} (or is already
     * exactly that); changes nothing.
     *
     * @throws InvalidArgumentException when the alias is not a valid name
     * @throws CollectionNotFoundException when the collection does not exist
     * @throws CollectionConflictException when the name is a collection or another alias
     */
    public void checkCreateAlias(String alias, String collection) {
        CollectionSpec.checkName(alias);
        if (byName.containsKey(alias)) {
            throw new CollectionConflictException(
                    "alias "
                            + ClientText.quote(alias)
                            + ": a collection has that name; expected a name that is not a"
                            + " collection");
        }
        String current = aliases.get(alias);
        if (current != null && !current.equals(collection)) {
            throw new CollectionConflictException(
                    "alias "
                            + ClientText.quote(alias)
                            + " already exists (pointing at "
                            + ClientText.quote(current)
                            + "); SwitchAlias points it elsewhere");
        }
        targetOf(alias, collection);
    }

    /**
     * Creates an alias (a no-op when it exists with this target); see {@link #checkCreateAlias}.
     */
    public synchronized void createAlias(String alias, String collection) {
        checkCreateAlias(alias, collection);
        put(alias, collection);
    }

    /**
     * Checks that {@code alias} exists and {@code collection} does; changes nothing.
     *
     * @throws CollectionNotFoundException for a missing alias or collection
     */
    public void checkSwitchAlias(String alias, String collection) {
        requireAlias(alias);
        targetOf(alias, collection);
    }

    /** Points an existing alias at another collection, in one step for readers. */
    public synchronized void switchAlias(String alias, String collection) {
        checkSwitchAlias(alias, collection);
        put(alias, collection);
    }

    /**
     * @throws CollectionNotFoundException when there is no such alias
     */
    public void requireAlias(String alias) {
        if (!aliases.containsKey(alias)) {
            throw CollectionNotFoundException.described(
                    "alias " + ClientText.quote(alias) + " does not exist");
        }
    }

    /** Removes an alias; returns whether it existed (the collection stays). */
    public synchronized boolean deleteAlias(String alias) {
        if (!aliases.containsKey(alias)) {
            return false;
        }
        SortedMap<String, String> next = new TreeMap<>(aliases);
        next.remove(alias);
        aliases = Collections.unmodifiableSortedMap(next);
        return true;
    }

    private void targetOf(String alias, String collection) {
        if (!byName.containsKey(collection)) {
            throw CollectionNotFoundException.described(
                    "alias "
                            + ClientText.quote(alias)
                            + ": collection "
                            + ClientText.quote(collection)
                            + " does not exist"
                            + (aliases.containsKey(collection)
                                    ? " (it is an alias; an alias points at a collection)"
                                    : ""));
        }
    }

    private void put(String alias, String collection) {
        SortedMap<String, String> next = new TreeMap<>(aliases);
        next.put(alias, collection);
        aliases = Collections.unmodifiableSortedMap(next);
    }

    @Override
    public SortedMap<String, String> aliases() {
        return aliases;
    }

    /**
     * The write side of a collection.
     *
     * @throws CollectionNotFoundException when there is none
     */
    public CollectionWriter writer(String name) {
        return locked(name).writer();
    }

    /**
     * The snapshot and restore side of a collection.
     *
     * @throws CollectionNotFoundException when there is none
     */
    public CollectionImageIO imageIO(String name) {
        return locked(name).imageIO();
    }

    private LockedCollection locked(String name) {
        LockedCollection c = byName.get(name);
        if (c == null) {
            throw new CollectionNotFoundException(name);
        }
        return c;
    }

    @Override
    public Optional<VectorCollection> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public List<VectorCollection> list() {
        return new ArrayList<>(byName.values());
    }
}
