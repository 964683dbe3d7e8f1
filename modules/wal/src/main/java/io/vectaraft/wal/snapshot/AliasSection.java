package io.vectaraft.wal.snapshot;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The aliases of a collection, stored with the collection they point at (an alias never points at a
 * missing collection, so every alias has a home): a count, then each alias name. Readers that do
 * not know the tag skip it, so older servers load such a snapshot without its aliases.
 */
public final class AliasSection implements SnapshotSection {
    public static final String TAG = "aliases";

    private final Map<String, String> aliases;

    /** {@code aliases}: alias to collection, as of the snapshot's cut. */
    public AliasSection(Map<String, String> aliases) {
        this.aliases = Map.copyOf(aliases);
    }

    @Override
    public String tag() {
        return TAG;
    }

    @Override
    public boolean appliesTo(CollectionImage collection) {
        return aliases.containsValue(collection.spec().name());
    }

    @Override
    public void write(CollectionImage collection, DataOutputStream out) throws IOException {
        List<String> names =
                aliases.entrySet().stream()
                        .filter(e -> e.getValue().equals(collection.spec().name()))
                        .map(Map.Entry::getKey)
                        .sorted()
                        .toList();
        out.writeInt(names.size());
        for (String name : names) {
            out.writeUTF(name);
        }
    }

    /** The alias names of a section written by {@link #write}. */
    public static List<String> read(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int n = in.readInt();
        if (n < 0 || n > bytes.length) {
            throw new IOException("alias count: got " + n);
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(in.readUTF());
        }
        return out;
    }
}
