package io.vectaraft.index.flat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A full chunk, with its array header, fills a 4 MiB block to within one row at every dimension, so
 * that G1's regions hold it without a spare region (see {@link ChunkSize}); rows per chunk rounded
 * down to a power of two, as they were, left up to half the block empty and a 16-byte header past
 * it.
 */
class ChunkSizeTest {
    private static final int HEADER = 16;

    @Test
    void aFullVectorChunkFillsItsBlockToWithinOneRow() {
        for (int dim = 1; dim <= 4096; dim++) {
            long bytes = HEADER + (long) Float.BYTES * dim * new SlotStore(dim).rowsPerChunk();
            assertTrue(bytes <= ChunkSize.BYTES, "dimension " + dim + ": " + bytes + " bytes");
            assertTrue(
                    bytes > ChunkSize.BYTES - Float.BYTES * dim,
                    "dimension " + dim + ": " + bytes + " bytes leave a row's room unused");
        }
    }

    @Test
    void aDimensionLargerThanABlockStillGetsOneRowPerChunk() {
        assertEquals(1, ChunkSize.rows(ChunkSize.BYTES, Float.BYTES));
    }
}
