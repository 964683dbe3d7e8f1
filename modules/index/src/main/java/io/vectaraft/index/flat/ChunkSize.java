package io.vectaraft.index.flat;

/**
 * How large the arrays that hold rows of vectors or codes are. G1 places an object in regions of a
 * power-of-two size (1 to 32 MiB, by heap size) and never splits one across them: an array of more
 * than half a region takes whole regions, and smaller ones leave the rest of a region unused when
 * the next one does not fit. A full chunk is therefore {@link #BYTES} (a power of two) in all,
 * header included, less at most part of a row: it fills its regions to within that part at every
 * region size, as a humongous object below 8 MiB regions and two or more to a region above.
 * Power-of-two row counts did not: 4 MiB of floats plus the 16-byte header took 6 MiB of a 4 GiB
 * heap (2 MiB regions), and 1,024 rows of 784 floats (3.06 MiB) took 4 MiB.
 */
public final class ChunkSize {
    /** The size of a full chunk, header included. */
    public static final int BYTES = 1 << 22;

    /**
     * Array header bytes: 16 with compressed class pointers, 12 (+4 padding) with compact headers.
     */
    private static final int HEADER = 16;

    private ChunkSize() {}

    /** The most elements of {@code elementBytes} each in an array of {@code bytes} in all. */
    public static int elements(int bytes, int elementBytes) {
        return (bytes - HEADER) / elementBytes;
    }

    /** Rows of {@code rowElements} each in a full chunk of elements of {@code elementBytes}. */
    public static int rows(int rowElements, int elementBytes) {
        return Math.max(1, elements(BYTES, elementBytes) / rowElements);
    }
}
