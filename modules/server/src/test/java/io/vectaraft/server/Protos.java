package io.vectaraft.server;

import com.google.protobuf.ByteString;
import io.vectaraft.api.v1.Condition;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.Filter;
import io.vectaraft.api.v1.FilterList;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.StringList;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/** Short builders for request messages in tests. */
final class Protos {
    private Protos() {}

    static CreateCollectionRequest create(String name, int dimension, Metric metric) {
        return CreateCollectionRequest.newBuilder()
                .setName(name)
                .setDimension(dimension)
                .setMetric(metric)
                .build();
    }

    static Record record(String id, float[] values, Map<String, Value> metadata) {
        Record.Builder b = Record.newBuilder().setId(id).putAllMetadata(metadata);
        for (float v : values) {
            b.addValues(v);
        }
        return b.build();
    }

    static Record record(String id, float... values) {
        return record(id, values, Map.of());
    }

    /** The floats as little-endian float32 bytes (the packed vector form). */
    static ByteString packed(float... values) {
        ByteBuffer b =
                ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return ByteString.copyFrom(b);
    }

    /** A record whose vector is sent in the packed form. */
    static Record packedRecord(String id, float... values) {
        return Record.newBuilder().setId(id).setPackedValues(packed(values)).build();
    }

    static UpsertRequest upsert(String collection, Record... records) {
        return UpsertRequest.newBuilder()
                .setCollection(collection)
                .addAllRecords(List.of(records))
                .build();
    }

    static Value str(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    static Value num(long n) {
        return Value.newBuilder().setIntValue(n).build();
    }

    static Value real(double d) {
        return Value.newBuilder().setDoubleValue(d).build();
    }

    static Value strings(String... s) {
        return Value.newBuilder()
                .setStringListValue(StringList.newBuilder().addAllValues(List.of(s)))
                .build();
    }

    static Filter cond(String key, Condition.Op op, Value value) {
        return Filter.newBuilder()
                .setCondition(Condition.newBuilder().setKey(key).setOp(op).setValue(value))
                .build();
    }

    static Filter in(String key, Value... values) {
        return Filter.newBuilder()
                .setCondition(
                        Condition.newBuilder()
                                .setKey(key)
                                .setOp(Condition.Op.IN)
                                .addAllValues(List.of(values)))
                .build();
    }

    static Filter and(Filter... filters) {
        return Filter.newBuilder()
                .setAnd(FilterList.newBuilder().addAllFilters(List.of(filters)))
                .build();
    }

    static Filter or(Filter... filters) {
        return Filter.newBuilder()
                .setOr(FilterList.newBuilder().addAllFilters(List.of(filters)))
                .build();
    }

    static Filter not(Filter filter) {
        return Filter.newBuilder().setNot(filter).build();
    }
}
