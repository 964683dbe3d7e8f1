package io.vectaraft.wal;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.Database;
import io.vectaraft.index.VectaraftException;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.write.WritableDatabase;
import io.vectaraft.wal.log.BinaryUpsertCodec;
import io.vectaraft.wal.log.EntryCodec;
import io.vectaraft.wal.snapshot.CollectionImage;
import io.vectaraft.wal.snapshot.GraphSection;
import io.vectaraft.wal.snapshot.SnapshotFiles;
import io.vectaraft.wal.snapshot.SnapshotReader;
import io.vectaraft.wal.snapshot.SnapshotWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The database of a replica whose log is kept elsewhere (a Raft log): it checks mutations before
 * they are submitted, applies committed entries through the one apply path ({@link
 * MutationApplier}), and writes and loads its state as this project's snapshot files. Entries use
 * the local log's JSON encoding, upserts a binary one ({@link #encode}).
 *
 * <p>The caller applies entries one at a time, in log order, and does not write or load a snapshot
 * while it applies (a Raft state machine's updater thread does exactly that). {@link #database()}
 * may be read concurrently; loading a snapshot swaps the whole database at once.
 */
public final class ReplicaState {
    private final Path vectorDir;
    private volatile WritableDatabase current;
    private volatile MutationApplier applier;
    private final Database view =
            new Database() {
                @Override
                public Optional<VectorCollection> find(String name) {
                    return current.find(name);
                }

                @Override
                public List<VectorCollection> list() {
                    return current.list();
                }

                @Override
                public java.util.SortedMap<String, String> aliases() {
                    return current.aliases();
                }
            };

    /**
     * @param vectorDir where {@code on_disk} collections keep their vector files (caches, deleted
     *     and refilled at start)
     */
    public ReplicaState(Path vectorDir) {
        this.vectorDir = vectorDir;
        try {
            WritableDatabase.deleteVectorFiles(vectorDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        swap(new WritableDatabase(vectorDir));
    }

    private void swap(WritableDatabase database) {
        current = database;
        applier = new MutationApplier(database);
    }

    /** The collections, read-only; always the latest state applied. */
    public Database database() {
        return view;
    }

    /**
     * Checks a mutation against the current state, changing nothing: what would fail now is refused
     * before it is submitted. (It is checked again when applied, against the state at its place in
     * the log.)
     *
     * @return the mutation to submit: an upsert's records in stored form ({@link
     *     MutationApplier.Prepared#stored}), so that no replica normalizes them again
     * @throws VectaraftException saying what is wrong
     */
    public Mutation check(Mutation mutation) {
        if (mutation instanceof Mutation.Create c) {
            Optional<VectorCollection> existing = current.find(c.spec().name());
            if (existing.isPresent() && !existing.get().spec().equals(c.spec())) {
                throw new io.vectaraft.index.CollectionConflictException(
                        existing.get().spec(), c.spec());
            }
            return mutation;
        }
        if (mutation instanceof Mutation.DeleteAlias a) {
            current.requireAlias(a.alias());
        }
        return applier.prepare(mutation).stored();
    }

    /**
     * The entry of a mutation in the log: the local log's JSON encoding, except upserts, the bulk
     * of the log, which are binary ({@link BinaryUpsertCodec}) since every replica decodes every
     * entry.
     */
    public static byte[] encode(Mutation mutation) {
        if (mutation instanceof Mutation.Upsert u) {
            return BinaryUpsertCodec.encode(u);
        }
        return EntryCodec.encode(mutation);
    }

    private static byte[] json(ByteBuffer entry) {
        byte[] bytes = new byte[entry.remaining()];
        entry.duplicate().get(bytes);
        return bytes;
    }

    /** What applying one entry did: records changed, or why it changed nothing. */
    public record Applied(int count, VectaraftException refused) {}

    /**
     * Applies a committed entry. An entry that the state at its place in the log refuses (its
     * collection was dropped by an earlier entry, say) changes nothing, on every replica alike.
     * Creating a collection that exists with the same spec is a no-op.
     *
     * @throws IllegalArgumentException when the entry does not decode (a bug or a damaged log)
     */
    public Applied apply(byte[] entry) {
        return apply(ByteBuffer.wrap(entry));
    }

    /**
     * {@link #apply(byte[])} of the bytes from {@code entry}'s position to its limit: a Raft log
     * entry's data as a read-only view, so that an upsert's vectors are copied once, into the
     * records, not first into an array of the whole entry.
     */
    public Applied apply(ByteBuffer entry) {
        // Logs written before upserts were binary hold JSON ones: both forms decode.
        Mutation mutation =
                BinaryUpsertCodec.is(entry)
                        ? BinaryUpsertCodec.decode(entry)
                        : EntryCodec.decode(json(entry), 0, entry.remaining());
        try {
            if (mutation instanceof Mutation.Create c) {
                Optional<VectorCollection> existing = current.find(c.spec().name());
                if (existing.isPresent()) {
                    check(mutation);
                    return new Applied(0, null);
                }
            }
            return new Applied(applier.apply(applier.prepare(mutation)), null);
        } catch (VectaraftException e) {
            return new Applied(0, e);
        }
    }

    /** Writes every collection into {@code dir} as the snapshot of log position {@code index}. */
    public SnapshotFile writeSnapshot(Path dir, long index) {
        GraphSection graphs = new GraphSection();
        WritableDatabase db = current;
        List<CollectionImage> images =
                db.list().stream()
                        .map(VectorCollection::spec)
                        .map(CollectionSpec::name)
                        .map(name -> graphs.image(db.imageIO(name)))
                        .toList();
        try {
            return new SnapshotWriter(Snapshotter.sections(graphs, db.aliases()))
                    .write(dir, index, images);
        } catch (IOException e) {
            throw new SnapshotException("snapshot in " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** The name {@link #writeSnapshot} gives the snapshot of {@code index} in {@code dir}. */
    public static Path snapshotPath(Path dir, long index) {
        return SnapshotFiles.path(dir, index);
    }

    /**
     * Replaces the whole state with a snapshot file's.
     *
     * @return the log position the snapshot covers
     * @throws LogCorruptException or another storage failure when the file is damaged; the state is
     *     then unchanged
     */
    public long load(Path file) {
        WritableDatabase db = new WritableDatabase(vectorDir);
        try {
            long index = SnapshotReader.read(file, Recovery.loaderInto(db));
            for (VectorCollection c : db.list()) {
                db.imageIO(c.spec().name()).finishRestore();
            }
            WritableDatabase old = current;
            swap(db);
            for (VectorCollection c : old.list()) {
                old.drop(c.spec().name()); // releases vector files of on_disk collections
            }
            return index;
        } catch (IOException e) {
            throw new SnapshotException("loading snapshot " + file + ": " + e.getMessage(), e);
        }
    }
}
