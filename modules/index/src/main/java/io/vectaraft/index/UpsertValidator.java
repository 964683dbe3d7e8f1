package io.vectaraft.index;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks an upsert batch against a collection's spec and prepares the records as stored. */
final class UpsertValidator {
    private UpsertValidator() {}

    /**
     * The records as they will be stored (normalized under COSINE), or the first problem as an
     * {@link InvalidArgumentException} naming the record, e.g. {@code record[3] id "a7": expected
     * dimension 128, got 127}. The caller checked the batch is not empty.
     *
     * @param normalize false for records already in stored form (restored from a snapshot): their
     *     vectors are kept bit for bit, since renormalizing can change the last bits
     */
    static List<VectorRecord> validate(
            CollectionSpec spec, List<VectorRecord> records, boolean normalize) {
        Map<String, Integer> firstIndex = new HashMap<>();
        List<VectorRecord> prepared = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            VectorRecord r = records.get(i);
            String where = "record[" + i + "]";
            if (r == null) {
                throw new InvalidArgumentException(where + ": expected a record, got none");
            }
            try {
                Ids.check(r.id());
            } catch (InvalidArgumentException e) {
                throw e.at(where);
            }
            where += " id " + Ids.quote(r.id());
            Integer previous = firstIndex.putIfAbsent(r.id(), i);
            if (previous != null) {
                throw new InvalidArgumentException(
                        where
                                + ": expected ids unique within a batch, got a duplicate of record["
                                + previous
                                + "]");
            }
            Vectors.check(where, r.vector(), spec.dimension(), spec.metric());
            for (String key : r.metadata().keySet()) {
                if (key.isEmpty()) {
                    throw new InvalidArgumentException(
                            where + ": metadata key: expected a non-empty string, got \"\"");
                }
            }
            prepared.add(
                    new VectorRecord(
                            r.id(),
                            normalize ? Vectors.stored(r.vector(), spec.metric()) : r.vector(),
                            r.metadata()));
        }
        return prepared;
    }
}
