package io.vectaraft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.Database;
import io.vectaraft.index.Page;
import io.vectaraft.index.ScrollRequest;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.log.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A database's whole state, to compare before and after a restart, record by record. */
record States(Map<String, CollectionSpec> specs, Map<String, List<VectorRecord>> records) {

    static States of(Database db) {
        Map<String, CollectionSpec> specs = new TreeMap<>();
        Map<String, List<VectorRecord>> records = new TreeMap<>();
        for (VectorCollection c : db.list()) {
            specs.put(c.spec().name(), c.spec());
            List<VectorRecord> rs = new ArrayList<>();
            String after = null;
            do {
                Page page = c.scroll(new ScrollRequest(null, after, ScrollRequest.MAX_LIMIT, true));
                rs.addAll(page.records());
                after = page.lastId();
            } while (after != null);
            records.put(c.spec().name(), rs);
        }
        return new States(specs, records);
    }

    /** Same collections, same ids in the same order, same vector bits, same metadata. */
    void assertSameAs(States actual) {
        assertEquals(specs, actual.specs, "collections");
        for (var e : records.entrySet()) {
            List<VectorRecord> want = e.getValue();
            List<VectorRecord> got = actual.records.get(e.getKey());
            assertEquals(want.size(), got.size(), "size of " + e.getKey());
            for (int i = 0; i < want.size(); i++) {
                assertTrue(
                        Fixtures.sameBits(want.get(i), got.get(i)),
                        e.getKey()
                                + " record "
                                + want.get(i).id()
                                + " bit-exact, got "
                                + got.get(i));
            }
        }
    }

    int total() {
        return records.values().stream().mapToInt(List::size).sum();
    }
}
