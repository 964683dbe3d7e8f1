package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.flat.FlatScanner;
import io.vectaraft.index.flat.ScanPool;
import io.vectaraft.index.write.TestCollection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A batch spanning several query blocks, split across a pool, equals one search per query: exactly
 * (same matches, same score bits), as a Euclidean batch rescores its candidates with the kernel of
 * a single query.
 */
class BatchSearchTest {

    @Test
    void batchOfManyBlocksEqualsSingleSearches() {
        long seed = TestSeeds.seed();
        Random random = new Random(seed);
        int dim = 512; // 128 KiB blocks hold 64 queries: 150 queries make 3 blocks
        CollectionSpec spec = new CollectionSpec("c", dim, Metric.EUCLIDEAN, IndexSpec.flat());
        TestCollection parallel =
                TestCollection.of(spec, new FlatScanner(new ScanPool(3), 0, 4096));
        TestCollection serial =
                TestCollection.of(spec, new FlatScanner(new ScanPool(1), Long.MAX_VALUE, 4096));
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            records.add(
                    new VectorRecord(
                            "r" + i,
                            SearchReferenceTest.randomVector(random, dim, false, Metric.EUCLIDEAN),
                            Map.of("odd", MetadataValue.of(i % 2 == 1))));
        }
        parallel.upsert(records);
        serial.upsert(records);
        List<float[]> queries = new ArrayList<>();
        for (int q = 0; q < 150; q++) {
            queries.add(SearchReferenceTest.randomVector(random, dim, false, Metric.EUCLIDEAN));
        }
        Filter odd = Filter.eq("odd", MetadataValue.of(true));
        List<List<Match>> batch = parallel.searchBatch(queries, 7, odd);
        assertEquals(queries.size(), batch.size());
        for (int q = 0; q < queries.size(); q++) {
            assertEquals(
                    serial.search(SearchRequest.of(queries.get(q), 7, odd)),
                    batch.get(q),
                    "query " + q + " " + TestSeeds.describe(seed));
        }
    }
}
