package io.vectaraft.index.flat;

import io.vectaraft.index.Ids;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/**
 * The live slots of a store in the UTF-8 order of their ids (what scrolls and snapshots walk), as a
 * list of sorted blocks of at most {@value #BLOCK} slots, keyed by the store's ids-by-slot array:
 * about 5 bytes an id where a {@code TreeSet<String>} entry takes 40. A lookup is a binary search
 * over the blocks' first ids, then within one block; an insert shifts at most one block and splits
 * it when full. An id after every other (a bulk load in id order) opens a new block instead of
 * splitting the full last one, so a load in order leaves the blocks full.
 *
 * <p>Not thread-safe: the owning {@link SlotStore} is guarded by its collection's lock.
 */
final class SortedSlots {
    static final int BLOCK = 256;
    private static final int FIRST_BLOCK = 8;

    private int[][] blocks = new int[0][];
    private int[] counts = new int[0];
    private int blockCount;
    private int size;

    int size() {
        return size;
    }

    /** The slot of the greatest id, or -1 when empty. */
    int last() {
        return size == 0 ? -1 : blocks[blockCount - 1][counts[blockCount - 1] - 1];
    }

    /** Adds a slot whose id (in {@code ids}) is not present. */
    void add(int slot, String[] ids) {
        String id = ids[slot];
        if (size == 0 || Ids.compareUtf8(id, ids[last()]) > 0) {
            append(slot);
            return;
        }
        int b = blockOf(id, ids);
        int at = -(search(b, id, ids) + 1);
        if (counts[b] == BLOCK) {
            split(b);
            if (at > counts[b]) {
                at -= counts[b];
                b++;
            }
        }
        insertAt(b, at, slot);
    }

    /** Removes the slot of {@code id} (still in {@code ids}); returns whether it was present. */
    boolean remove(String id, String[] ids) {
        if (size == 0) {
            return false;
        }
        int b = blockOf(id, ids);
        int at = search(b, id, ids);
        if (at < 0) {
            return false;
        }
        int[] block = blocks[b];
        System.arraycopy(block, at + 1, block, at, counts[b] - at - 1);
        size--;
        counts[b]--;
        if (b + 1 < blockCount && counts[b] + counts[b + 1] <= BLOCK / 2) {
            mergeNext(b);
        } else if (counts[b] == 0) {
            dropBlock(b);
        }
        return true;
    }

    /** The slots in id order. */
    PrimitiveIterator.OfInt iterator() {
        return new Cursor(0, 0);
    }

    /** The slots whose ids sort after {@code id} (present or not), in id order. */
    PrimitiveIterator.OfInt after(String id, String[] ids) {
        if (size == 0) {
            return new Cursor(0, 0);
        }
        int b = blockOf(id, ids);
        int at = search(b, id, ids);
        return new Cursor(b, at >= 0 ? at + 1 : -(at + 1));
    }

    /** Bytes of the blocks (for memory reports). */
    long bytesUsed() {
        long bytes = 8L * blocks.length;
        for (int b = 0; b < blockCount; b++) {
            bytes += 16 + 4L * blocks[b].length;
        }
        return bytes;
    }

    private void append(int slot) {
        int b = blockCount - 1;
        if (b < 0 || counts[b] == BLOCK) {
            openBlock(blockCount);
            b = blockCount - 1;
        }
        insertAt(b, counts[b], slot);
    }

    private void insertAt(int b, int at, int slot) {
        int[] block = blocks[b];
        int count = counts[b];
        if (count == block.length) {
            block = blocks[b] = Arrays.copyOf(block, Math.min(BLOCK, 2 * count));
        }
        System.arraycopy(block, at, block, at + 1, count - at);
        block[at] = slot;
        counts[b] = count + 1;
        size++;
    }

    /** Moves the upper half of a full block into a new block after it. */
    private void split(int b) {
        openBlock(b + 1);
        int half = BLOCK / 2;
        int[] upper = new int[BLOCK];
        System.arraycopy(blocks[b], half, upper, 0, BLOCK - half);
        blocks[b + 1] = upper;
        counts[b + 1] = BLOCK - half;
        counts[b] = half;
    }

    /** Moves block {@code b + 1} into the end of block {@code b}, so deletes leave few blocks. */
    private void mergeNext(int b) {
        int total = counts[b] + counts[b + 1];
        if (blocks[b].length < total) {
            blocks[b] = Arrays.copyOf(blocks[b], BLOCK);
        }
        System.arraycopy(blocks[b + 1], 0, blocks[b], counts[b], counts[b + 1]);
        counts[b] = total;
        dropBlock(b + 1);
    }

    private void dropBlock(int b) {
        System.arraycopy(blocks, b + 1, blocks, b, blockCount - b - 1);
        System.arraycopy(counts, b + 1, counts, b, blockCount - b - 1);
        blocks[--blockCount] = null;
    }

    /** Inserts an empty block at index {@code b}. */
    private void openBlock(int b) {
        if (blockCount == blocks.length) {
            int n = Math.max(4, 2 * blockCount);
            blocks = Arrays.copyOf(blocks, n);
            counts = Arrays.copyOf(counts, n);
        }
        System.arraycopy(blocks, b, blocks, b + 1, blockCount - b);
        System.arraycopy(counts, b, counts, b + 1, blockCount - b);
        blocks[b] = new int[FIRST_BLOCK];
        counts[b] = 0;
        blockCount++;
    }

    /** The last block whose first id is at most {@code id}, else the first block. */
    private int blockOf(String id, String[] ids) {
        int lo = 1;
        int hi = blockCount - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Ids.compareUtf8(ids[blocks[mid][0]], id) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return lo - 1;
    }

    /** Where {@code id} is in block {@code b}, or {@code -(insertion point) - 1}. */
    private int search(int b, String id, String[] ids) {
        int[] block = blocks[b];
        int lo = 0;
        int hi = counts[b] - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Ids.compareUtf8(ids[block[mid]], id);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    private final class Cursor implements PrimitiveIterator.OfInt {
        private int block;
        private int at;

        Cursor(int block, int at) {
            this.block = block;
            this.at = at;
            skipExhausted();
        }

        @Override
        public boolean hasNext() {
            return block < blockCount;
        }

        @Override
        public int nextInt() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int slot = blocks[block][at++];
            skipExhausted();
            return slot;
        }

        private void skipExhausted() {
            while (block < blockCount && at >= counts[block]) {
                block++;
                at = 0;
            }
        }
    }
}
