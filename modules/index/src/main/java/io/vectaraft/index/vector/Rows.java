package io.vectaraft.index.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A stored vector's components, read alike from a heap array (offsets in floats) or a memory
 * segment of little-endian floats (an {@code on_disk} collection's mapping; offsets in bytes), so
 * one kernel template reads either kind of row.
 */
final class Rows {
    static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Rows() {}

    /** Float {@code index} of an array row that starts at {@code offset}. */
    static float get(float[] row, int offset, int index) {
        return row[offset + index];
    }

    /** Float {@code index} of a segment row that starts at byte {@code base}. */
    static float get(MemorySegment row, long base, int index) {
        return row.get(FLOAT_LE, base + 4L * index);
    }
}
