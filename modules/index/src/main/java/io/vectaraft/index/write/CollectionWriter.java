package io.vectaraft.index.write;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.FieldIndexSpec;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import java.util.Collection;
import java.util.List;

/**
 * The write side of one collection, for the storage layer's apply path: validate a batch ({@link
 * #prepareUpsert}, changes nothing), then apply it ({@link #apply}, cannot fail on input), and
 * delete by id. Thread-safe; callers order their writes (the log's order is the apply order).
 */
public final class CollectionWriter {
    private final LockedCollection collection;

    CollectionWriter(LockedCollection collection) {
        this.collection = collection;
    }

    public CollectionSpec spec() {
        return collection.spec();
    }

    /**
     * Validates a batch (ids, dimensions, finite values, no duplicate ids, no zero vector under
     * cosine, non-empty metadata keys) and prepares it for {@link #apply}. Changes nothing. Errors
     * name the record, e.g. {@code record[3] id "a7": expected dimension 128, got 127}.
     */
    public UpsertBatch prepareUpsert(List<VectorRecord> batch) {
        return collection.prepare(batch, UpsertValidator.Form.RECEIVED);
    }

    /**
     * {@link #prepareUpsert} for records already in stored form (the records of a batch prepared
     * before, as a replicated log carries them): validated alike, but kept bit for bit, since
     * normalizing a unit vector again can change its last bits.
     */
    public UpsertBatch prepareStoredUpsert(List<VectorRecord> batch) {
        return collection.prepare(batch, UpsertValidator.Form.STORED);
    }

    /**
     * Inserts or replaces every record of a prepared batch, atomically for readers. An HNSW
     * collection links the records into its graph in the background (searches find them by an exact
     * scan until then): this returns without waiting for the graph.
     */
    public void apply(UpsertBatch batch) {
        collection.applyUnlinked(batch);
        collection.maintainLater();
    }

    /** {@code apply(prepareUpsert(records))}. */
    public void upsert(List<VectorRecord> batch) {
        apply(prepareUpsert(batch));
    }

    /** Removes the records with these ids; returns how many existed. */
    public int delete(Collection<String> ids) {
        int removed = collection.delete(ids);
        collection.maintainLater(); // a rebuild may be due
        return removed;
    }

    /**
     * Applies a validated metadata patch to the records with these ids (missing ids are skipped),
     * atomically for readers; vectors and the graph are untouched. Returns how many existed.
     */
    public int updateMetadata(Collection<String> ids, io.vectaraft.index.MetadataPatch patch) {
        return collection.updateMetadata(ids, patch);
    }

    /**
     * Waits until the background graph maintenance asked for by the writes so far is done: every
     * record they stored is linked (tests and benchmarks that need the whole graph).
     */
    public void awaitGraph() throws InterruptedException {
        collection.awaitMaintained();
    }

    /**
     * The ids of the records matching a filter (null: all), in id order: a delete by filter is
     * logged and applied as a delete of these ids.
     */
    public List<String> idsMatching(Filter filter) {
        return collection.idsMatching(filter);
    }

    /**
     * Checks a field index may be created (no index on its key yet); changes nothing.
     *
     * @throws io.vectaraft.index.FieldIndexConflictException otherwise
     */
    public void prepareCreateFieldIndex(FieldIndexSpec index) {
        collection.checkCreateFieldIndex(index);
    }

    /**
     * Adds a field index, maintained by every later write and built over the present records in the
     * background (filters on its key check records until it is built). Kept as it is when the key
     * has one already. Returns whether it was added.
     */
    public boolean createFieldIndex(FieldIndexSpec index) {
        return collection.createFieldIndex(index);
    }

    /**
     * Checks a field index on this key exists; changes nothing.
     *
     * @throws io.vectaraft.index.FieldIndexNotFoundException otherwise
     */
    public void prepareDeleteFieldIndex(String key) {
        collection.checkDeleteFieldIndex(key);
    }

    /** Removes the field index on this key; returns whether there was one. */
    public boolean deleteFieldIndex(String key) {
        return collection.deleteFieldIndex(key);
    }

    /** The field indexes' specs in creation order (what a snapshot keeps). */
    public List<FieldIndexSpec> fieldIndexSpecs() {
        return collection.fieldIndexSpecs();
    }
}
