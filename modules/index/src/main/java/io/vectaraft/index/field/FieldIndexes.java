package io.vectaraft.index.field;

import io.vectaraft.index.FieldIndexInfo;
import io.vectaraft.index.FieldIndexSpec;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.flat.MetadataListener;
import io.vectaraft.index.flat.SlotStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The field indexes of one collection over one {@link SlotStore}: kept current through the store's
 * {@link MetadataListener} (every upsert, delete and metadata update), and built for the records
 * already present by {@link #buildStep} in the background after {@link #add}.
 *
 * <p>Building walks the slots upwards with a cursor: a change to a slot below the cursor updates
 * the postings at once, a change above it is left to the walk, which reads the slot's metadata as
 * it is then. An index answers filters only once its cursor passed the store's last slot ({@link
 * #ready}); until then its conditions are checked record by record, so results never depend on the
 * build's progress.
 *
 * <p>Not thread-safe: changed under the collection's write lock, read under its read lock.
 */
public final class FieldIndexes implements MetadataListener {
    /** Slots indexed per {@link #buildStep}, so writes and searches interleave with a build. */
    public static final int BUILD_STEP_SLOTS = 32_768;

    private static final int READY = Integer.MAX_VALUE;

    private final SlotStore store;
    private final Map<String, FieldIndex> byKey = new LinkedHashMap<>();
    private final Map<String, int[]> cursors = new LinkedHashMap<>();

    /** Indexes over a store; the specs' indexes count as built (the store must be empty). */
    public FieldIndexes(SlotStore store, List<FieldIndexSpec> builtOnEmpty) {
        this.store = store;
        for (FieldIndexSpec spec : builtOnEmpty) {
            byKey.put(spec.key(), new FieldIndex(spec));
            cursors.put(spec.key(), new int[] {READY});
        }
        store.metadataListener(this);
    }

    /** The specs of the indexes, in creation order. */
    public List<FieldIndexSpec> specs() {
        List<FieldIndexSpec> out = new ArrayList<>(byKey.size());
        for (FieldIndex ix : byKey.values()) {
            out.add(ix.spec());
        }
        return out;
    }

    /** The index on this key, or null. */
    public FieldIndexSpec spec(String key) {
        FieldIndex ix = byKey.get(key);
        return ix == null ? null : ix.spec();
    }

    /** Adds an index, to be built by {@link #buildStep}; the caller checked the key is free. */
    public void add(FieldIndexSpec spec) {
        byKey.put(spec.key(), new FieldIndex(spec));
        cursors.put(spec.key(), new int[] {0});
    }

    /** Removes the index on this key; returns whether there was one. */
    public boolean remove(String key) {
        cursors.remove(key);
        return byKey.remove(key) != null;
    }

    /** Whether some index is still being built. */
    public boolean building() {
        for (int[] c : cursors.values()) {
            if (c[0] != READY) {
                return true;
            }
        }
        return false;
    }

    /**
     * Indexes up to {@link #BUILD_STEP_SLOTS} slots of every index still building; returns whether
     * any remains. Under the write lock.
     */
    public boolean buildStep() {
        long[] live = store.liveBits();
        int limit = store.slotLimit();
        boolean more = false;
        for (Map.Entry<String, FieldIndex> e : byKey.entrySet()) {
            int[] cursor = cursors.get(e.getKey());
            if (cursor[0] == READY) {
                continue;
            }
            FieldIndex ix = e.getValue();
            int end = Math.min(limit, cursor[0] + BUILD_STEP_SLOTS);
            ix.startBulk(); // numbers: sorted and merged once per step, not inserted one by one
            for (int slot = cursor[0]; slot < end; slot++) {
                if ((live[slot >>> 6] & (1L << slot)) != 0) {
                    ix.add(slot, store.metadata(slot).get(ix.spec().key()));
                }
            }
            ix.finishBulk();
            cursor[0] = end >= limit ? READY : end;
            more |= cursor[0] != READY;
        }
        return more;
    }

    /** The built index on this key, or null (none, or still building). */
    FieldIndex ready(String key) {
        FieldIndex ix = byKey.get(key);
        return ix != null && cursors.get(key)[0] == READY ? ix : null;
    }

    /** What DescribeCollection shows. */
    public List<FieldIndexInfo> info() {
        List<FieldIndexInfo> out = new ArrayList<>(byKey.size());
        for (FieldIndex ix : byKey.values()) {
            out.add(
                    new FieldIndexInfo(
                            ix.spec(),
                            cursors.get(ix.spec().key())[0] == READY,
                            ix.records(),
                            ix.distinctValues(),
                            ix.bytes()));
        }
        return out;
    }

    @Override
    public void changed(
            int slot, Map<String, MetadataValue> before, Map<String, MetadataValue> after) {
        for (FieldIndex ix : byKey.values()) {
            if (slot >= cursors.get(ix.spec().key())[0]) {
                continue; // the build's walk reaches this slot later and reads it then
            }
            String key = ix.spec().key();
            MetadataValue was = before == null ? null : before.get(key);
            MetadataValue now = after == null ? null : after.get(key);
            if (was != null && was.equals(now)) {
                continue;
            }
            ix.remove(slot, was);
            ix.add(slot, now);
        }
    }
}
