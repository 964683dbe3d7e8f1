package io.vectaraft.index.hnsw;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vectaraft.index.TestSeeds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NeighborQueueTest {

    @Test
    void maxQueuePopsBestFirstAndMinQueueKeepsTheBestBounded() {
        long seed = TestSeeds.seed();
        Random random = new Random(seed);
        NeighborQueue max = new NeighborQueue(2, true);
        NeighborQueue bounded = new NeighborQueue(2, false);
        List<float[]> all = new ArrayList<>();
        for (int node = 0; node < 500; node++) {
            float score =
                    switch (random.nextInt(4)) {
                        case 0 -> -random.nextFloat() * 1e6f;
                        case 1 -> random.nextFloat();
                        case 2 -> Float.NEGATIVE_INFINITY;
                        default -> (float) random.nextGaussian();
                    };
            max.add(node, score);
            bounded.insertWithOverflow(node, score, 50);
            all.add(new float[] {score, node});
        }
        all.sort(Comparator.comparingDouble((float[] e) -> e[0]).reversed());
        float previous = Float.POSITIVE_INFINITY;
        while (max.size() > 0) {
            float s = max.topScore();
            max.pop();
            assertEquals(true, s <= previous, "best first " + TestSeeds.describe(seed));
            previous = s;
        }
        assertEquals(50, bounded.size());
        float worstKept = all.get(49)[0];
        assertEquals(worstKept, bounded.topScore(), "top of the bounded queue is the 50th best");
    }
}
