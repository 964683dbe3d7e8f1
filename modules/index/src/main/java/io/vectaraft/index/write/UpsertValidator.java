package io.vectaraft.index.write;

import io.vectaraft.index.ClientText;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.Ids;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.VectorRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one validation of records written to a collection, for upserts as received and for records
 * restored in stored form: ids, dimensions, finite values, no duplicate ids, no zero vector under
 * cosine, non-empty metadata keys. The first problem is an {@link InvalidArgumentException} naming
 * the record, e.g. {@code record[3] id "a7": expected dimension 128, got 127}. Messages are built
 * only on failure, so a restore of millions of records pays for the checks alone.
 */
final class UpsertValidator {
    private UpsertValidator() {}

    /** How the records arrive. */
    enum Form {
        /** As a client sent them: under COSINE the prepared records hold normalized copies. */
        RECEIVED,
        /**
         * As the collection stores them (read back from a snapshot, or prepared before and carried
         * by a replicated log): kept bit for bit, since renormalizing a unit vector can change its
         * last bits and a restart must reproduce the state exactly.
         */
        STORED
    }

    /** Records that passed, as they will be stored. */
    record Validated(List<VectorRecord> records) {}

    static Validated validate(CollectionSpec spec, List<VectorRecord> records, Form form) {
        if (records == null || records.isEmpty()) {
            throw new InvalidArgumentException("records: expected at least one record, got none");
        }
        List<VectorRecord> prepared = new ArrayList<>(records.size());
        // Strictly ascending ids cannot repeat: the map of first positions is built only once the
        // order breaks.
        Map<String, Integer> firstIndex = null;
        String previous = null;
        for (int i = 0; i < records.size(); i++) {
            VectorRecord r = records.get(i);
            if (r == null) {
                throw new InvalidArgumentException(
                        "record[" + i + "]: expected a record, got none");
            }
            String id = r.id();
            try {
                Ids.check(id);
            } catch (InvalidArgumentException e) {
                throw e.at("record[" + i + "]");
            }
            if (firstIndex == null && previous != null && Ids.compareUtf8(previous, id) >= 0) {
                firstIndex = HashMap.newHashMap(records.size());
                for (int j = 0; j < i; j++) {
                    firstIndex.put(records.get(j).id(), j);
                }
            }
            if (firstIndex != null) {
                Integer earlier = firstIndex.putIfAbsent(id, i);
                if (earlier != null) {
                    throw new InvalidArgumentException(
                            where(i, id)
                                    + ": expected ids unique within a batch, got a duplicate of"
                                    + " record["
                                    + earlier
                                    + "]");
                }
            }
            previous = id;
            String problem = Vectors.problem(r.vector(), spec.dimension(), spec.metric());
            if (problem != null) {
                throw new InvalidArgumentException(where(i, id) + ": " + problem);
            }
            if (r.metadata().containsKey("")) {
                throw new InvalidArgumentException(
                        where(i, id) + ": metadata key: expected a non-empty string, got \"\"");
            }
            prepared.add(
                    form == Form.RECEIVED && spec.metric() == io.vectaraft.index.Metric.COSINE
                            ? new VectorRecord(id, Vectors.normalized(r.vector()), r.metadata())
                            : r);
        }
        return new Validated(prepared);
    }

    private static String where(int i, String id) {
        return "record[" + i + "] id " + ClientText.quote(id);
    }
}
