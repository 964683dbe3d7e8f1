package io.vectaraft.index.flat;

import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.vector.VectorOps;
import java.util.Arrays;
import java.util.Map;
import java.util.PrimitiveIterator;

/**
 * The records of one collection, addressed by slot. Vectors live in contiguous {@code float[]}
 * chunks of {@link #rowsPerChunk()} rows (row {@code slot} is at {@code chunks()[chunkOf(slot)]}
 * from {@code offsetOf(slot)}), so a scan streams memory sequentially; ids and metadata live in
 * per-slot arrays; freed slots are reused. An id-to-slot table ({@link SlotsById}) serves lookups
 * and the slots in their ids' UTF-8 order ({@link SortedSlots}) serve scrolls and snapshots: both
 * hold slots and read the ids from the per-slot array, so an id is stored once.
 *
 * <p>A full chunk is one 4 MiB object, array header included ({@link ChunkSize}): large enough that
 * a scan runs long sequential streams, small enough that growth never copies much, and sized so
 * that G1 wastes none of its regions on it. Only the first chunk grows (by doubling), so a small
 * collection does not pay for a whole chunk; later chunks are allocated whole.
 *
 * <p>Each slot also keeps its vector's squared Euclidean norm ({@link #squaredNorms()}, 4 bytes per
 * slot), written with the vector: a batch Euclidean scan ranks by {@code 2 q.x - |x|^2}, a dot
 * product, instead of a squared distance (see {@link FlatScanner}).
 *
 * <p>A graph index addresses nodes by slot, so its store does not reuse freed slots ({@code
 * reuseFreeSlots false}): a removed record's vector stays in place as a tombstone the graph can
 * still traverse, until the owner compacts by rebuilding.
 *
 * <p>Not thread-safe: the owning collection guards it with a read/write lock. Readers may share
 * {@link #liveBits()} and the chunk arrays while they hold the read lock.
 */
public final class SlotStore {
    static final int CHUNK_FLOATS = ChunkSize.elements(ChunkSize.BYTES, Float.BYTES);
    private static final int MIN_ROWS = 16;

    private final int dimension;
    private final boolean reuseFreeSlots;
    private final MappedVectors mapped;
    private final int rowsPerChunk;
    private float[][] chunks = new float[0][];
    private String[] ids = new String[MIN_ROWS];
    private float[] squaredNorms = new float[MIN_ROWS];

    @SuppressWarnings({"unchecked", "rawtypes"}) // no generic array creation in Java
    private Map<String, MetadataValue>[] metadata = new Map[MIN_ROWS];

    private long[] live = new long[1];
    private MetadataListener metadataListener;
    private int slotLimit;
    private long version;
    private int[] freeSlots = new int[0];
    private int freeCount;
    private final SlotsById slotById = new SlotsById();
    private final SortedSlots sortedSlots = new SortedSlots();

    public SlotStore(int dimension) {
        this(dimension, true);
    }

    public SlotStore(int dimension, boolean reuseFreeSlots) {
        this(dimension, reuseFreeSlots, CHUNK_FLOATS);
    }

    /**
     * Vectors in a memory-mapped file ({@code on_disk}) instead of heap chunks; everything else
     * (ids, metadata, norms) stays on the heap. The store owns the file: {@link #close} unmaps it.
     */
    public SlotStore(int dimension, boolean reuseFreeSlots, MappedVectors mapped) {
        this(dimension, reuseFreeSlots, CHUNK_FLOATS, mapped);
    }

    /**
     * With chunks of at most {@code chunkFloats} floats: tests use small ones to get many chunks.
     */
    SlotStore(int dimension, boolean reuseFreeSlots, int chunkFloats) {
        this(dimension, reuseFreeSlots, chunkFloats, null);
    }

    private SlotStore(
            int dimension, boolean reuseFreeSlots, int chunkFloats, MappedVectors mapped) {
        this.dimension = dimension;
        this.reuseFreeSlots = reuseFreeSlots;
        this.mapped = mapped;
        this.rowsPerChunk = Math.max(1, chunkFloats / dimension);
    }

    public int dimension() {
        return dimension;
    }

    /** The number of live records. */
    public int size() {
        return slotById.size();
    }

    /** One past the highest slot ever used: every live slot is below it. */
    public int slotLimit() {
        return slotLimit;
    }

    /** One bit per slot, set when the slot holds a record. Shared, read-only for callers. */
    public long[] liveBits() {
        return live;
    }

    /**
     * The file holding the vectors of an {@code on_disk} store, or null when they are in heap
     * chunks ({@link #chunks()}, then empty for a mapped store).
     */
    public MappedVectors mapped() {
        return mapped;
    }

    /** Unmaps and deletes the vector file of an {@code on_disk} store (nothing otherwise). */
    public void close() {
        if (mapped != null) {
            mapped.close();
        }
    }

    /** The chunk arrays; slot s is at {@code chunks[chunkOf(s)]}. Read-only for callers. */
    public float[][] chunks() {
        return chunks;
    }

    /** Rows in a full chunk (not a power of two: see the class comment). */
    public int rowsPerChunk() {
        return rowsPerChunk;
    }

    /** The chunk that holds a slot's row. */
    public int chunkOf(int slot) {
        return slot / rowsPerChunk;
    }

    /** Where a slot's row starts in its chunk. */
    public int offsetOf(int slot) {
        return slot % rowsPerChunk * dimension;
    }

    /**
     * {@code dot(v, v)} of the vector in every used slot ({@link VectorOps#dot}), indexed by slot;
     * stale for a free slot. Read-only for callers.
     */
    public float[] squaredNorms() {
        return squaredNorms;
    }

    /** The id of every slot (null when free), indexed by slot. Read-only for callers. */
    public String[] idsBySlot() {
        return ids;
    }

    /** The slot of an id, or -1. */
    public int slotOf(String id) {
        return slotById.get(id, ids);
    }

    public String id(int slot) {
        return ids[slot];
    }

    public Map<String, MetadataValue> metadata(int slot) {
        return metadata[slot];
    }

    /** A copy of the vector in a slot. */
    public float[] copyVector(int slot) {
        float[] out = new float[dimension];
        copyVector(slot, out, 0);
        return out;
    }

    /** Copies the vector in a slot into {@code out[offset..offset + dimension)}. */
    public void copyVector(int slot, float[] out, int offset) {
        if (mapped != null) {
            mapped.copy(slot, 1, out, offset);
            return;
        }
        System.arraycopy(chunks[chunkOf(slot)], offsetOf(slot), out, offset, dimension);
    }

    /** The live slots in the UTF-8 order of their ids. */
    public PrimitiveIterator.OfInt slotsInIdOrder() {
        return sortedSlots.iterator();
    }

    /** The live slots whose ids sort after {@code id} (present or not), in id order. */
    public PrimitiveIterator.OfInt slotsInIdOrderAfter(String id) {
        return sortedSlots.after(id, ids);
    }

    /** Changes on every put and remove: a cached view of the store is valid while it holds. */
    public long version() {
        return version;
    }

    /** Bytes of the vector file of an {@code on_disk} store (0 otherwise). */
    public long mappedBytes() {
        return mapped == null ? 0 : mapped.bytes();
    }

    /** Bytes held by the vector chunks on the heap. */
    public long vectorBytes() {
        long floats = 0;
        for (float[] chunk : chunks) {
            floats += chunk.length;
        }
        return 4 * floats;
    }

    /** Inserts a record or replaces the one with the same id, in place. Returns its slot. */
    public int put(String id, float[] vector, Map<String, MetadataValue> meta) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException(
                    "vector: expected dimension " + dimension + ", got " + vector.length);
        }
        version++;
        int existing = slotById.get(id, ids);
        int slot = existing >= 0 ? existing : allocate(id);
        writeVector(slot, vector);
        setMetadata(slot, meta);
        return slot;
    }

    /**
     * Who is told of every metadata change from now on (field indexes); null for nobody. Set under
     * the collection's write lock.
     */
    public void metadataListener(MetadataListener listener) {
        this.metadataListener = listener;
    }

    /**
     * Replaces a live record's metadata, keeping its vector and slot (a metadata-only update).
     * Returns false when no record has this id.
     */
    public boolean replaceMetadata(String id, Map<String, MetadataValue> meta) {
        int slot = slotById.get(id, ids);
        if (slot < 0) {
            return false;
        }
        version++;
        setMetadata(slot, meta);
        return true;
    }

    /** The one place a slot's metadata changes, so the listener sees every change. */
    private void setMetadata(int slot, Map<String, MetadataValue> meta) {
        Map<String, MetadataValue> before = metadata[slot];
        metadata[slot] = meta;
        if (metadataListener != null) {
            metadataListener.changed(slot, before, meta);
        }
    }

    /** Removes a record; returns whether it existed. */
    public boolean remove(String id) {
        int slot = slotById.remove(id, ids);
        if (slot < 0) {
            return false;
        }
        version++;
        sortedSlots.remove(id, ids);
        ids[slot] = null;
        setMetadata(slot, null);
        live[slot >>> 6] &= ~(1L << slot);
        if (reuseFreeSlots) {
            if (freeCount == freeSlots.length) {
                freeSlots = Arrays.copyOf(freeSlots, Math.max(16, freeCount * 2));
            }
            freeSlots[freeCount++] = slot;
        }
        return true;
    }

    /** Slots that held a record which was removed and that are not yet reused. */
    public int tombstones() {
        return slotLimit - slotById.size() - freeCount;
    }

    private int allocate(String id) {
        int slot = freeCount > 0 ? freeSlots[--freeCount] : slotLimit++;
        ensureCapacity(slot);
        ids[slot] = id;
        live[slot >>> 6] |= 1L << slot;
        slotById.add(id, slot);
        sortedSlots.add(slot, ids);
        return slot;
    }

    /** The one place a slot's vector is written, so its squared norm always goes with it. */
    private void writeVector(int slot, float[] vector) {
        if (mapped != null) {
            mapped.write(slot, vector);
        } else {
            System.arraycopy(vector, 0, chunks[chunkOf(slot)], offsetOf(slot), dimension);
        }
        squaredNorms[slot] = VectorOps.dot(vector, 0, vector, 0, dimension);
    }

    private void ensureCapacity(int slot) {
        if (slot >= ids.length) {
            int n = Math.max(slot + 1, ids.length * 2);
            ids = Arrays.copyOf(ids, n);
            squaredNorms = Arrays.copyOf(squaredNorms, n);
            metadata = Arrays.copyOf(metadata, n);
        }
        if ((slot >>> 6) >= live.length) {
            live = Arrays.copyOf(live, Math.max((slot >>> 6) + 1, live.length * 2));
        }
        if (mapped != null) {
            mapped.ensureCapacity(slot + 1);
            return;
        }
        int c = chunkOf(slot);
        if (c >= chunks.length) {
            int old = chunks.length;
            chunks = Arrays.copyOf(chunks, c + 1);
            Arrays.fill(chunks, old, c + 1, new float[0]);
        }
        int neededRows = slot % rowsPerChunk + 1;
        int rows = chunks[c].length / dimension;
        if (rows < neededRows) {
            // Only the first chunk grows by doubling, so that a small collection stays small;
            // later ones are made whole at once: growing each copied its rows about once more
            // (5-7% of a replica's CPU under bulk upserts of 768-d vectors).
            int newRows =
                    c > 0
                            ? rowsPerChunk
                            : Math.min(
                                    rowsPerChunk,
                                    Math.max(neededRows, Math.max(MIN_ROWS, rows * 2)));
            chunks[c] = Arrays.copyOf(chunks[c], newRows * dimension);
        }
    }
}
