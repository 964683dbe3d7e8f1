package io.vectaraft.wal.log;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.VectorRecord;
import java.util.List;

/**
 * One mutation as it is written to the log. Upserts carry the records as the client sent them
 * (replay re-validates them, which is deterministic); deletes carry resolved ids, so a delete by
 * filter replays as exactly the records it removed.
 */
public sealed interface LogEntry {

    /** The collection this entry changes. */
    String collection();

    /** A collection was created. */
    record Create(CollectionSpec spec) implements LogEntry {
        @Override
        public String collection() {
            return spec.name();
        }
    }

    /** A collection and its records were removed. */
    record Drop(String collection) implements LogEntry {}

    /** A batch of records was inserted or replaced, all or nothing. */
    record Upsert(String collection, List<VectorRecord> records) implements LogEntry {
        public Upsert {
            records = List.copyOf(records);
        }
    }

    /** The records with these ids were removed. */
    record Delete(String collection, List<String> ids) implements LogEntry {
        public Delete {
            ids = List.copyOf(ids);
        }
    }
}
