package io.vectaraft.bench;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Match;
import io.vectaraft.index.Metric;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.vector.VectorOps;
import io.vectaraft.index.write.CollectionWriter;
import io.vectaraft.index.write.WritableDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The product: the index module's {@link VectorCollection} with a flat index, loaded with the base
 * vectors under ids {@code "0".."n-1"} (the row numbers, so results compare with ground truth). Its
 * scan pool sizes itself from the available processors, so {@code ./bench.sh} sets {@code
 * -XX:ActiveProcessorCount} from {@code --threads}.
 */
final class CollectionEngine implements FlatEngine {
    private static final int LOAD_BATCH = 10_000;
    private final VectorCollection collection;

    CollectionEngine(Dataset data, String metric) {
        Metric m =
                switch (metric) {
                    case "euclidean" -> Metric.EUCLIDEAN;
                    case "cosine" -> Metric.COSINE;
                    default -> Metric.DOT;
                };
        WritableDatabase db = new WritableDatabase();
        collection = db.create(new CollectionSpec("bench", data.dim(), m, IndexSpec.flat()));
        CollectionWriter writer = db.writer("bench");
        int dim = data.dim();
        for (int from = 0; from < data.n(); from += LOAD_BATCH) {
            int to = Math.min(data.n(), from + LOAD_BATCH);
            List<VectorRecord> batch = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                float[] v = new float[dim];
                System.arraycopy(data.base(), i * dim, v, 0, dim);
                batch.add(new VectorRecord(Integer.toString(i), v, Map.of()));
            }
            writer.upsert(batch);
        }
    }

    @Override
    public String describe() {
        return "collection/" + VectorOps.implementationName();
    }

    @Override
    public void search(float[] query, int k, int[] out) {
        copyIds(search(List.of(query), k).getFirst(), out);
    }

    @Override
    public void searchBatch(float[] queries, int count, int k, int[][] out) {
        int dim = queries.length / count;
        List<float[]> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[] q = new float[dim];
            System.arraycopy(queries, i * dim, q, 0, dim);
            list.add(q);
        }
        List<List<Match>> results = search(list, k);
        for (int i = 0; i < count; i++) {
            copyIds(results.get(i), out[i]);
        }
    }

    /** Ids and scores only, as a client asking for ids gets them: no vector is copied. */
    private List<List<Match>> search(List<float[]> queries, int k) {
        return collection.search(new SearchRequest(queries, k, null, 0, false, false)).matches();
    }

    private static void copyIds(List<Match> matches, int[] out) {
        java.util.Arrays.fill(out, -1);
        for (int i = 0; i < matches.size() && i < out.length; i++) {
            out[i] = Integer.parseInt(matches.get(i).record().id());
        }
    }
}
