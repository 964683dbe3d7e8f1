package io.vectaraft.wal;

import io.vectaraft.index.write.UpsertBatch;
import io.vectaraft.index.write.WritableDatabase;

/**
 * The one place a logged mutation changes the database. Every writer goes through it in two steps:
 * {@link #prepare} checks a mutation against the database and changes nothing (so a bad request is
 * refused before it is logged), {@link #apply} applies a prepared mutation and cannot fail on
 * input. {@link StorageEngine} prepares a live write, logs it, waits until it is durable and
 * applies it; {@link Recovery} replays the log through {@link #apply(Mutation)}; a replicated state
 * machine applies committed entries the same way, without writing this log.
 *
 * <p>The caller orders the calls: mutations of one collection are applied in log order, and
 * creating or dropping a collection does not overlap other writes to it. Otherwise thread-safe.
 */
public final class MutationApplier {
    private final WritableDatabase database;

    public MutationApplier(WritableDatabase database) {
        this.database = database;
    }

    /**
     * A mutation checked against the database and ready to apply (an upsert's records validated and
     * normalized). Only {@link #prepare} makes one.
     */
    public static final class Prepared {
        private final Mutation mutation;
        private final UpsertBatch batch;

        private Prepared(Mutation mutation, UpsertBatch batch) {
            this.mutation = mutation;
            this.batch = batch;
        }

        public Mutation mutation() {
            return mutation;
        }

        /**
         * The mutation with an upsert's records in the form the collection stores them, for a log
         * whose every replica applies it: they then skip normalizing cosine vectors again, with the
         * same result bit for bit.
         */
        public Mutation stored() {
            return mutation instanceof Mutation.Upsert u && !u.stored()
                    ? new Mutation.Upsert(u.collection(), batch.records(), true)
                    : mutation;
        }
    }

    /**
     * Checks a mutation against the database; changes nothing.
     *
     * @throws io.vectaraft.index.InvalidArgumentException naming the bad record
     * @throws io.vectaraft.index.CollectionNotFoundException for a write to a missing collection
     * @throws io.vectaraft.index.FieldIndexConflictException creating an index on an indexed key
     * @throws io.vectaraft.index.FieldIndexNotFoundException deleting an index that does not exist
     */
    public Prepared prepare(Mutation mutation) {
        return switch (mutation) {
            case Mutation.Upsert u -> {
                var writer = database.writer(u.collection());
                yield new Prepared(
                        u,
                        u.stored()
                                ? writer.prepareStoredUpsert(u.records())
                                : writer.prepareUpsert(u.records()));
            }
            case Mutation.Delete d -> {
                database.writer(d.collection());
                yield new Prepared(d, null);
            }
            case Mutation.DeleteMatching d -> {
                database.writer(d.collection());
                yield new Prepared(d, null);
            }
            case Mutation.UpdateMetadata u -> {
                database.writer(u.collection());
                u.patch().validated();
                yield new Prepared(u, null);
            }
            case Mutation.CreateAlias a -> {
                database.checkCreateAlias(a.alias(), a.collection());
                yield new Prepared(a, null);
            }
            case Mutation.SwitchAlias a -> {
                database.checkSwitchAlias(a.alias(), a.collection());
                yield new Prepared(a, null);
            }
            // Removing an alias that is gone already changes nothing (a replay may repeat it).
            case Mutation.DeleteAlias a -> new Prepared(a, null);
            case Mutation.Restored r ->
                    throw new io.vectaraft.index.PreconditionException(
                            "restore of "
                                    + r.source()
                                    + ": the snapshot written with this entry is missing, so the"
                                    + " state it installed cannot be rebuilt from the log");
            case Mutation.Create c -> new Prepared(c, null);
            case Mutation.Drop d -> new Prepared(d, null);
            case Mutation.CreateFieldIndex c -> {
                database.writer(c.collection()).prepareCreateFieldIndex(c.index());
                yield new Prepared(c, null);
            }
            case Mutation.DeleteFieldIndex d -> {
                database.writer(d.collection()).prepareDeleteFieldIndex(d.key());
                yield new Prepared(d, null);
            }
        };
    }

    /**
     * Applies a prepared mutation.
     *
     * @return the records it upserted, deleted or updated (0 for creating or dropping a collection,
     *     an alias or a field index; field index entries are idempotent when replayed: an index on
     *     a key that has one already is kept, deleting a missing one changes nothing)
     */
    public int apply(Prepared prepared) {
        return switch (prepared.mutation) {
            case Mutation.Create c -> {
                database.create(c.spec());
                yield 0;
            }
            case Mutation.Drop d -> {
                database.drop(d.collection());
                yield 0;
            }
            case Mutation.Upsert u -> {
                database.writer(u.collection()).apply(prepared.batch);
                yield prepared.batch.size();
            }
            case Mutation.Delete d -> database.writer(d.collection()).delete(d.ids());
            case Mutation.DeleteMatching d -> {
                var writer = database.writer(d.collection());
                yield writer.delete(writer.idsMatching(d.filter()));
            }
            case Mutation.Restored r -> throw new AssertionError("prepare refuses it");
            case Mutation.CreateAlias a -> {
                database.createAlias(a.alias(), a.collection());
                yield 0;
            }
            case Mutation.SwitchAlias a -> {
                database.switchAlias(a.alias(), a.collection());
                yield 0;
            }
            case Mutation.DeleteAlias a -> database.deleteAlias(a.alias()) ? 1 : 0;
            case Mutation.UpdateMetadata u -> {
                var writer = database.writer(u.collection());
                yield writer.updateMetadata(
                        u.filter() == null ? u.ids() : writer.idsMatching(u.filter()), u.patch());
            }
            case Mutation.CreateFieldIndex c -> {
                database.writer(c.collection()).createFieldIndex(c.index());
                yield 0;
            }
            case Mutation.DeleteFieldIndex d -> {
                database.writer(d.collection()).deleteFieldIndex(d.key());
                yield 0;
            }
        };
    }

    /** {@code apply(prepare(mutation))}: a mutation read back from a log. */
    public int apply(Mutation mutation) {
        return apply(prepare(mutation));
    }
}
