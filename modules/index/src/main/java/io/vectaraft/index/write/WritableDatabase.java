package io.vectaraft.index.write;

import io.vectaraft.index.CollectionConflictException;
import io.vectaraft.index.CollectionNotFoundException;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.Database;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.flat.FlatScanner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
        removed.close();
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
