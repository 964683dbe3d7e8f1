package io.vectaraft.server.grpc;

import com.google.protobuf.ByteString;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.ScoredRecord;
import io.vectaraft.api.v1.StringList;
import io.vectaraft.api.v1.Value;
import io.vectaraft.index.ClientText;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.Match;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.VectorRecord;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Records and metadata values between the wire ({@code vectaraft.v1}) and the index. Checks only
 * what the index cannot see (a {@code Value} with no kind set); ids, dimensions, vector values and
 * metadata keys are validated by the index, which names the record the same way.
 */
final class RecordTranslator {
    private RecordTranslator() {}

    static List<VectorRecord> toRecords(List<Record> records) {
        List<VectorRecord> result = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            result.add(toRecord(i, records.get(i)));
        }
        return result;
    }

    static VectorRecord toRecord(int index, Record record) {
        // Built only for a message: a batch of valid records never pays for the text.
        Supplier<String> where = () -> Texts.recordAt("record", index, record.getId());
        return new VectorRecord(
                record.getId(),
                vector(
                        where,
                        "values",
                        record.getValuesCount(),
                        record::getValues,
                        "packed_values",
                        record.getPackedValues()),
                toMetadata(where, record.getMetadataMap()));
    }

    /**
     * A vector sent in one of its two forms: a repeated float field, or the same floats packed
     * little-endian into bytes (one buffer to copy instead of one field per float). Only the form
     * is checked here; dimension and values are the index's to check, as for the float form.
     *
     * @param where how messages name the vector's message, e.g. {@code record[3] id "a7"}
     */
    static float[] vector(
            Supplier<String> where,
            String floatsField,
            int count,
            IntToFloat values,
            String packedField,
            ByteString packed) {
        if (packed.isEmpty()) {
            return floats(count, values);
        }
        if (count > 0) {
            throw new InvalidArgumentException(
                    where.get()
                            + ": expected one of "
                            + floatsField
                            + " and "
                            + packedField
                            + ", got both");
        }
        if (packed.size() % Float.BYTES != 0) {
            throw new InvalidArgumentException(
                    where.get()
                            + " "
                            + packedField
                            + ": expected a multiple of 4 bytes (little-endian float32), got "
                            + packed.size());
        }
        float[] result = new float[packed.size() / Float.BYTES];
        // One bulk copy; for an Upsert the bytes are still in grpc's receive buffer (aliased, see
        // AliasingParser), so this is the only copy between the socket and the array.
        packed.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(result);
        return result;
    }

    /** Copies a repeated float field without boxing. */
    static float[] floats(int count, IntToFloat values) {
        float[] result = new float[count];
        for (int i = 0; i < count; i++) {
            result[i] = values.get(i);
        }
        return result;
    }

    /** Indexed access to a repeated float field ({@code getValues(int)}). */
    @FunctionalInterface
    interface IntToFloat {
        float get(int index);
    }

    static Map<String, MetadataValue> toMetadata(
            Supplier<String> where, Map<String, Value> metadata) {
        if (metadata.isEmpty()) {
            return Map.of(); // a bulk load's records mostly have none: no map to build and copy
        }
        Map<String, MetadataValue> result = HashMap.newHashMap(metadata.size());
        for (Map.Entry<String, Value> e : metadata.entrySet()) {
            result.put(
                    e.getKey(),
                    toValue(
                            () -> where.get() + " metadata " + ClientText.quote(e.getKey()),
                            e.getValue()));
        }
        return result;
    }

    /** A metadata value; an empty {@code Value} (no kind set) is an error at {@code where}. */
    static MetadataValue toValue(String where, Value value) {
        return toValue(() -> where, value);
    }

    /** {@link #toValue(String, Value)} with the text built only for a message. */
    static MetadataValue toValue(Supplier<String> where, Value value) {
        return switch (value.getKindCase()) {
            case STRING_VALUE -> new MetadataValue.Text(value.getStringValue());
            case INT_VALUE -> new MetadataValue.Int(value.getIntValue());
            case DOUBLE_VALUE -> new MetadataValue.Real(value.getDoubleValue());
            case BOOL_VALUE -> new MetadataValue.Bool(value.getBoolValue());
            case STRING_LIST_VALUE ->
                    new MetadataValue.TextList(value.getStringListValue().getValuesList());
            case KIND_NOT_SET ->
                    throw new InvalidArgumentException(
                            where.get()
                                    + ": expected a string, int, double, bool or string list"
                                    + " value, got an empty Value");
        };
    }

    static Value toProto(MetadataValue value) {
        Value.Builder b = Value.newBuilder();
        switch (value) {
            case MetadataValue.Text t -> b.setStringValue(t.value());
            case MetadataValue.Int i -> b.setIntValue(i.value());
            case MetadataValue.Real r -> b.setDoubleValue(r.value());
            case MetadataValue.Bool bool -> b.setBoolValue(bool.value());
            case MetadataValue.TextList l ->
                    b.setStringListValue(StringList.newBuilder().addAllValues(l.values()));
        }
        return b.build();
    }

    static Record toProto(VectorRecord record, Include include) {
        Record.Builder b = Record.newBuilder().setId(record.id());
        if (include.values()) {
            for (float f : record.vector()) {
                b.addValues(f);
            }
        }
        if (include.metadata()) {
            record.metadata().forEach((k, v) -> b.putMetadata(k, toProto(v)));
        }
        return b.build();
    }

    static ScoredRecord toProto(Match match, Include include) {
        VectorRecord record = match.record();
        ScoredRecord.Builder b =
                ScoredRecord.newBuilder().setId(record.id()).setScore(match.score());
        if (include.values()) {
            for (float f : record.vector()) {
                b.addValues(f);
            }
        }
        if (include.metadata()) {
            record.metadata().forEach((k, v) -> b.putMetadata(k, toProto(v)));
        }
        return b.build();
    }

    /** Which parts of a record a reply carries besides its id. */
    record Include(boolean values, boolean metadata) {}
}
