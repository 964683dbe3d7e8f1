package io.vectaraft.index.write;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexStats;
import io.vectaraft.index.Match;
import io.vectaraft.index.Page;
import io.vectaraft.index.ScrollRequest;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.SearchResults;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.flat.FlatScanner;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A collection for tests, driven through its three sides (the {@link VectorCollection} view, the
 * {@link CollectionWriter} and the {@link CollectionImageIO}), with one-line shorthands for the
 * calls tests repeat.
 */
public final class TestCollection {
    private final LockedCollection collection;

    private TestCollection(LockedCollection collection) {
        this.collection = collection;
    }

    public static TestCollection of(CollectionSpec spec) {
        return of(spec, FlatScanner.shared());
    }

    public static TestCollection of(CollectionSpec spec, FlatScanner scanner) {
        return new TestCollection(
                new LockedCollection(spec, scanner, new WritableDatabase().maintenance(), null));
    }

    /** A collection whose graph maintenance runs on {@code maintenance} (tests that hold it). */
    public static TestCollection of(CollectionSpec spec, Executor maintenance) {
        return new TestCollection(
                new LockedCollection(spec, FlatScanner.shared(), maintenance, null));
    }

    public VectorCollection view() {
        return collection;
    }

    public CollectionWriter writer() {
        return collection.writer();
    }

    public CollectionImageIO imageIO() {
        return collection.imageIO();
    }

    public CollectionSpec spec() {
        return collection.spec();
    }

    /** Upserts, then waits for the graph to link the records (the graph as a writer saw it). */
    public void upsert(List<VectorRecord> records) {
        writer().upsert(records);
        awaitGraph();
    }

    public UpsertBatch prepareUpsert(List<VectorRecord> records) {
        return writer().prepareUpsert(records);
    }

    /** Applies, then waits for the graph to link the records. */
    public void apply(UpsertBatch batch) {
        writer().apply(batch);
        awaitGraph();
    }

    /** Deletes, then waits for a rebuild the delete made due. */
    public int delete(Collection<String> ids) {
        int deleted = writer().delete(ids);
        awaitGraph();
        return deleted;
    }

    /** Waits until the background graph maintenance asked for so far is done. */
    public void awaitGraph() {
        try {
            writer().awaitGraph();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for the graph", e);
        }
    }

    public List<String> idsMatching(Filter filter) {
        return writer().idsMatching(filter);
    }

    /** The matches of a single-query request. */
    public List<Match> search(SearchRequest request) {
        return collection.search(request).matches().getFirst();
    }

    public SearchResults searchCounted(SearchRequest request) {
        return collection.search(request);
    }

    public List<List<Match>> searchBatch(List<float[]> queries, int k, Filter filter) {
        return searchBatch(queries, k, filter, 0, false);
    }

    public List<List<Match>> searchBatch(
            List<float[]> queries, int k, Filter filter, int ef, boolean exact) {
        return searchBatchCounted(queries, k, filter, ef, exact).matches();
    }

    public SearchResults searchBatchCounted(
            List<float[]> queries, int k, Filter filter, int ef, boolean exact) {
        return collection.search(new SearchRequest(queries, k, filter, ef, exact, true));
    }

    public List<VectorRecord> get(List<String> ids) {
        return collection.get(ids, true);
    }

    public Page scroll(Filter filter, String afterId, int limit) {
        return collection.scroll(new ScrollRequest(filter, afterId, limit, true));
    }

    public long count(Filter filter) {
        return collection.count(filter);
    }

    public long size() {
        return collection.size();
    }

    public IndexStats stats() {
        return collection.stats();
    }

    public long writeCount() {
        return collection.writeCount();
    }

    /** Every live record in id order, in stored form. */
    public void forEach(Consumer<VectorRecord> visitor) {
        try {
            imageIO().forEachThenImage(visitor, new DataOutputStream(new ByteArrayOutputStream()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public void writeIndexImage(DataOutput out) throws IOException {
        imageIO().forEachThenImage(r -> {}, out);
    }

    /** Graph image then code image, as a snapshot captures them. */
    public void writeImages(DataOutput graphOut, DataOutput codesOut) throws IOException {
        imageIO().forEachThenImages(r -> {}, graphOut, codesOut);
    }

    public boolean readCodeImage(DataInput in) throws IOException {
        return imageIO().readCodeImage(in);
    }

    public int codeTrainings() {
        return collection.codeTrainings();
    }

    public void restore(List<VectorRecord> stored) {
        imageIO().restore(stored);
    }

    public boolean readIndexImage(DataInput in) throws IOException {
        return imageIO().readIndexImage(in);
    }

    public void finishRestore() {
        imageIO().finishRestore();
        awaitGraph();
    }

    /** The collection's cosine normalization (reference computations of tests). */
    public static float[] normalized(float[] vector) {
        return Vectors.normalized(vector);
    }
}
