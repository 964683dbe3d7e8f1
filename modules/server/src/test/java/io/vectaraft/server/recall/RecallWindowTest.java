package io.vectaraft.server.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The moving window behind the recall estimate. */
class RecallWindowTest {
    @Test
    void emptyWindowHasNoEstimate() {
        RecallEstimate e = new RecallWindow().estimate();
        assertEquals(0, e.samples(), "samples");
        assertTrue(Double.isNaN(e.recallAtK()), "NaN before the first sample");
    }

    @Test
    void estimateIsFoundOverExpectedIdsOfTheWindow() {
        RecallWindow w = new RecallWindow();
        w.add(9, 10);
        w.add(3, 5); // a query whose filter matched only 5
        assertEquals(12.0 / 15, w.estimate().recallAtK(), 0, "micro-average");
        assertEquals(2, w.estimate().samples());
    }

    @Test
    void oldSamplesLeaveTheWindow() {
        RecallWindow w = new RecallWindow();
        for (int i = 0; i < RecallWindow.CAPACITY; i++) {
            w.add(0, 10);
        }
        assertEquals(0.0, w.estimate().recallAtK(), 0, "all misses");
        for (int i = 0; i < RecallWindow.CAPACITY / 2; i++) {
            w.add(10, 10);
        }
        assertEquals(0.5, w.estimate().recallAtK(), 0, "half the window replaced");
        for (int i = 0; i < RecallWindow.CAPACITY / 2; i++) {
            w.add(10, 10);
        }
        assertEquals(1.0, w.estimate().recallAtK(), 0, "the misses have left");
        assertEquals(2L * RecallWindow.CAPACITY, w.estimate().samples(), "all samples counted");
    }
}
