package io.vectaraft.index.flat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Full-precision vectors of an {@code on_disk} collection in a memory-mapped file (Java FFM {@link
 * MemorySegment}s), so they stay off the Java heap: row {@code slot} at byte {@code slot * dim *
 * 4}, float32 little-endian, mapped in chunks of about {@value #CHUNK_BYTES} bytes as the file
 * grows.
 *
 * <p>The file is a cache, not the record of truth: the vectors are durable in the write-ahead log
 * and snapshots, and a restart fills a fresh file from them. The operating system's page cache
 * holds the pages that searches touch; the rest stays on disk, so a collection may be larger than
 * the heap, and larger than memory at the cost of page faults (see docs/decisions on quantization:
 * with quantized codes, a search reads only its rescored candidates here).
 *
 * <p>Random reads (graph walks, rescoring) score rows in place ({@link #chunk}, {@link #offset} and
 * the {@code MemorySegment} kernels of {@code VectorOps}); a scan copies runs of rows into a small
 * buffer that stays in cache ({@link #copy}), for the batch kernels that work on {@code float[]}.
 * Thread-safety as {@link SlotStore}: writes under the collection's write lock, reads under its
 * read lock; {@link #close} unmaps, after which the store must not be used.
 */
public final class MappedVectors implements AutoCloseable {
    static final long CHUNK_BYTES = 64L << 20;
    private static final ValueLayout.OfFloat FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final int dim;
    private final FileChannel channel;
    private final Arena arena = Arena.ofShared();
    private final int rowsPerChunk;
    private final long chunkBytes;
    private MemorySegment[] chunks = new MemorySegment[0];

    private MappedVectors(Path file, int dim) throws IOException {
        this.file = file;
        this.dim = dim;
        this.channel =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
        this.rowsPerChunk = Math.max(1, (int) (CHUNK_BYTES / (4L * dim)));
        this.chunkBytes = 4L * dim * rowsPerChunk;
    }

    /**
     * A new, empty vector file in {@code dir} (created if missing), named after the collection; the
     * file is deleted when closed.
     */
    public static MappedVectors create(Path dir, String collection, int dim) {
        try {
            Files.createDirectories(dir);
            Path file = Files.createTempFile(dir, collection + "-", ".f32");
            Files.delete(file); // CREATE_NEW below: the name is ours
            return new MappedVectors(file, dim);
        } catch (IOException e) {
            throw new UncheckedIOException("vector file in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** Bytes mapped (the file's size). */
    public long bytes() {
        return chunks.length * chunkBytes;
    }

    /** Makes room for rows below {@code slots}, extending the file and mapping new chunks. */
    void ensureCapacity(int slots) {
        int needed = (int) ((slots + (long) rowsPerChunk - 1) / rowsPerChunk);
        if (needed <= chunks.length) {
            return;
        }
        try {
            MemorySegment[] grown = Arrays.copyOf(chunks, needed);
            for (int c = chunks.length; c < needed; c++) {
                grown[c] =
                        channel.map(
                                FileChannel.MapMode.READ_WRITE, c * chunkBytes, chunkBytes, arena);
            }
            chunks = grown;
        } catch (IOException e) {
            throw new UncheckedIOException("vector file " + file + ": " + e.getMessage(), e);
        }
    }

    void write(int slot, float[] vector) {
        MemorySegment.copy(vector, 0, chunk(slot), FLOAT, offset(slot), dim);
    }

    /**
     * Copies {@code rows} rows from {@code slot} (within one chunk) into {@code out[outOffset..]}.
     */
    void copy(int slot, int rows, float[] out, int outOffset) {
        MemorySegment.copy(chunk(slot), FLOAT, offset(slot), out, outOffset, rows * dim);
    }

    /** How many rows from {@code slot} lie in its chunk. */
    int rowsLeftInChunk(int slot) {
        return rowsPerChunk - slot % rowsPerChunk;
    }

    /** The mapped chunk that holds a slot's row: the kernels read rows there in place. */
    MemorySegment chunk(int slot) {
        return chunks[slot / rowsPerChunk];
    }

    /** The byte offset of a slot's row within its {@link #chunk}. */
    long offset(int slot) {
        return 4L * dim * (slot % rowsPerChunk);
    }

    @Override
    public void close() {
        try {
            arena.close();
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("vector file " + file + ": " + e.getMessage(), e);
        }
    }
}
