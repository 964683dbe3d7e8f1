package io.vectaraft.wal;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.FieldIndexSpec;
import io.vectaraft.index.MetadataPatch;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import java.util.List;

/**
 * One change to the database, as the log records it and as {@link MutationApplier} applies it.
 * Upserts carry the records as the client sent them (applying re-validates them, which is
 * deterministic); deletes carry resolved ids, so a delete by filter replays as exactly the records
 * it removed. The one exception is {@link DeleteMatching}, which only a replicated log carries:
 * there the entry's place in the log decides what it sees, so it is resolved when applied.
 */
public sealed interface Mutation {

    /** The collection this mutation changes. */
    String collection();

    /** A collection was created. */
    record Create(CollectionSpec spec) implements Mutation {
        @Override
        public String collection() {
            return spec.name();
        }
    }

    /** A collection and its records were removed. */
    record Drop(String collection) implements Mutation {}

    /**
     * A batch of records was inserted or replaced, all or nothing. {@code stored}: the records are
     * in the form the collection stores (cosine vectors normalized already, by the node that
     * prepared the batch), not as a client sent them.
     */
    record Upsert(String collection, List<VectorRecord> records, boolean stored)
            implements Mutation {
        public Upsert {
            records = List.copyOf(records);
        }

        /** Records as a client sent them. */
        public Upsert(String collection, List<VectorRecord> records) {
            this(collection, records, false);
        }
    }

    /** The records with these ids were removed. */
    record Delete(String collection, List<String> ids) implements Mutation {
        public Delete {
            ids = List.copyOf(ids);
        }
    }

    /**
     * The records matching the filter when this entry is applied were removed. A replicated log
     * (where the submitting node cannot know which writes precede it) carries this; the local log
     * carries the resolved {@link Delete}.
     */
    record DeleteMatching(String collection, Filter filter) implements Mutation {}

    /**
     * The metadata of some records was changed in place (vectors untouched), all or nothing. The
     * local log carries the resolved ids (like {@link Delete}); a replicated log may carry a filter
     * instead, resolved when the entry is applied (like {@link DeleteMatching}). Exactly one of
     * {@code ids} (possibly empty) and {@code filter} is meaningful: {@code filter} null means by
     * ids.
     */
    record UpdateMetadata(String collection, List<String> ids, Filter filter, MetadataPatch patch)
            implements Mutation {
        public UpdateMetadata {
            ids = List.copyOf(ids);
        }
    }

    /** An alias was created, pointing at a collection. */
    record CreateAlias(String alias, String collection) implements Mutation {}

    /** An existing alias was pointed at another collection, in one step. */
    record SwitchAlias(String alias, String collection) implements Mutation {}

    /** An alias was removed (its collection stays). */
    record DeleteAlias(String alias) implements Mutation {
        /** The alias: it names no collection of its own. */
        @Override
        public String collection() {
            return alias;
        }
    }

    /**
     * The whole state was replaced by a snapshot, written with this entry's sequence number just
     * before the entry ({@link StorageEngine#restore}). Recovery starts from that snapshot, so it
     * never replays this entry; replaying it means the snapshot is gone, which it refuses. A
     * replicated log never carries it.
     */
    record Restored(String source) implements Mutation {
        @Override
        public String collection() {
            return "";
        }
    }

    /** A field index was created (built over the present records in the background). */
    record CreateFieldIndex(String collection, FieldIndexSpec index) implements Mutation {}

    /** The field index on this key was removed. */
    record DeleteFieldIndex(String collection, String key) implements Mutation {}
}
