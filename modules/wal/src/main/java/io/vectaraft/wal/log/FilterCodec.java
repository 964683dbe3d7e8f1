package io.vectaraft.wal.log;

import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.wal.codec.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link Filter} as JSON, for the {@code delete_matching} entries of a replicated log: {@code
 * {"and":[...]}}, {@code {"or":[...]}}, {@code {"not":{...}}} or {@code {"key":"k","op":"EQ",
 * "value":{"v":1}}} ({@code "values":[{"v":1},...]} for IN and NIN). Operands are written as
 * one-entry metadata maps, so numbers keep their type exactly as in records.
 */
final class FilterCodec {
    private static final String OPERAND = "v";

    private FilterCodec() {}

    static void write(JsonGenerator g, String name, Filter filter) {
        if (name == null) {
            g.writeStartObject();
        } else {
            g.writeStartObject(name);
        }
        switch (filter) {
            case Filter.And a -> children(g, "and", a.filters());
            case Filter.Or o -> children(g, "or", o.filters());
            case Filter.Not n -> write(g, "not", n.filter());
            case Filter.Condition c -> {
                g.write("key", c.key()).write("op", c.op().name());
                if (c.value() != null) {
                    Json.writeMetadata(g, "value", Map.of(OPERAND, c.value()));
                }
                if (!c.values().isEmpty()) {
                    g.writeStartArray("values");
                    for (MetadataValue v : c.values()) {
                        Json.writeMetadata(g, null, Map.of(OPERAND, v));
                    }
                    g.writeEnd();
                }
            }
        }
        g.writeEnd();
    }

    private static void children(JsonGenerator g, String name, List<Filter> filters) {
        g.writeStartArray(name);
        filters.forEach(f -> write(g, null, f));
        g.writeEnd();
    }

    static Filter read(JsonObject o) {
        if (o.containsKey("and")) {
            return new Filter.And(readAll(o.getJsonArray("and")));
        }
        if (o.containsKey("or")) {
            return new Filter.Or(readAll(o.getJsonArray("or")));
        }
        if (o.containsKey("not")) {
            return new Filter.Not(read(o.getJsonObject("not")));
        }
        List<MetadataValue> values = new ArrayList<>();
        JsonArray array =
                o.containsKey("values") ? o.getJsonArray("values") : JsonArray.EMPTY_JSON_ARRAY;
        for (int i = 0; i < array.size(); i++) {
            values.add(operand(array.getJsonObject(i)));
        }
        return new Filter.Condition(
                o.getString("key"),
                Filter.Op.valueOf(o.getString("op")),
                o.containsKey("value") ? operand(o.getJsonObject("value")) : null,
                values);
    }

    private static List<Filter> readAll(JsonArray array) {
        List<Filter> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(read(array.getJsonObject(i)));
        }
        return out;
    }

    private static MetadataValue operand(JsonObject o) {
        return Json.readMetadata(o).get(OPERAND);
    }
}
