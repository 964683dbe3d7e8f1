package io.vectaraft.wal.codec;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.Metric;
import io.vectaraft.index.Quantization;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes shared by the log and the snapshots: collection specs and metadata.
 *
 * <p>Metadata numbers keep their type through the text: integers are written without a point or
 * exponent, doubles always with one (from {@link Double#toString}, which round-trips exactly).
 * Non-finite doubles, which JSON cannot hold, and -0.0 are written as {@code {"real":"NaN"}}.
 */
public final class Json {
    private static final JsonProvider PROVIDER = JsonProvider.provider();
    private static final JsonGeneratorFactory GENERATORS =
            PROVIDER.createGeneratorFactory(Map.of());
    private static final JsonReaderFactory READERS = PROVIDER.createReaderFactory(Map.of());

    private static final long NEGATIVE_ZERO = Double.doubleToRawLongBits(-0.0);

    private Json() {}

    public static JsonGenerator generator(OutputStream out) {
        return GENERATORS.createGenerator(out, StandardCharsets.UTF_8);
    }

    /** Parses one JSON object; throws jakarta.json exceptions on malformed input. */
    public static JsonObject parseObject(byte[] bytes, int offset, int length) {
        try (JsonReader reader =
                READERS.createReader(
                        new ByteArrayInputStream(bytes, offset, length), StandardCharsets.UTF_8)) {
            return reader.readObject();
        }
    }

    /** Writes a spec as a named member, or as a top-level object when {@code name} is null. */
    public static void writeSpec(JsonGenerator g, String name, CollectionSpec spec) {
        if (name == null) {
            g.writeStartObject();
        } else {
            g.writeStartObject(name);
        }
        g.write("name", spec.name());
        g.write("dimension", spec.dimension());
        g.write("metric", spec.metric().name());
        switch (spec.index()) {
            case IndexSpec.Flat f -> g.writeStartObject("index").write("type", "flat").writeEnd();
            case IndexSpec.Hnsw h ->
                    g.writeStartObject("index")
                            .write("type", "hnsw")
                            .write("m", h.m())
                            .write("efConstruction", h.efConstruction())
                            .write("efSearch", h.efSearch())
                            .writeEnd();
        }
        // Written only when set, so specs (and snapshots) of other collections stay as they were.
        if (spec.quantization().quantized()) {
            g.writeStartObject("quantization")
                    .write("kind", spec.quantization().kind().name())
                    .write("oversample", spec.quantization().oversample())
                    .writeEnd();
        }
        if (spec.onDisk()) {
            g.write("onDisk", true);
        }
        g.writeEnd();
    }

    public static CollectionSpec readSpec(JsonObject o) {
        JsonObject index = o.getJsonObject("index");
        IndexSpec indexSpec =
                switch (index.getString("type")) {
                    case "flat" -> IndexSpec.flat();
                    case "hnsw" ->
                            new IndexSpec.Hnsw(
                                    index.getInt("m"),
                                    index.getInt("efConstruction"),
                                    index.getInt("efSearch"));
                    default ->
                            throw new IllegalArgumentException(
                                    "index type: expected flat or hnsw, got "
                                            + index.getString("type"));
                };
        JsonObject q = o.getJsonObject("quantization");
        Quantization quantization =
                q == null
                        ? Quantization.none()
                        : new Quantization(
                                Quantization.Kind.valueOf(q.getString("kind")),
                                q.getJsonNumber("oversample").doubleValue());
        return new CollectionSpec(
                o.getString("name"),
                o.getInt("dimension"),
                Metric.valueOf(o.getString("metric")),
                indexSpec,
                quantization,
                o.getBoolean("onDisk", false));
    }

    /** Writes metadata as a named member, or as an array element when {@code name} is null. */
    public static void writeMetadata(
            JsonGenerator g, String name, Map<String, MetadataValue> metadata) {
        if (name == null) {
            g.writeStartObject();
        } else {
            g.writeStartObject(name);
        }
        for (Map.Entry<String, MetadataValue> e : metadata.entrySet()) {
            String key = e.getKey();
            switch (e.getValue()) {
                case MetadataValue.Text t -> g.write(key, t.value());
                case MetadataValue.Int i -> g.write(key, i.value());
                case MetadataValue.Real r -> writeReal(g, key, r.value());
                case MetadataValue.Bool b -> g.write(key, b.value());
                case MetadataValue.TextList l -> {
                    g.writeStartArray(key);
                    l.values().forEach(g::write);
                    g.writeEnd();
                }
            }
        }
        g.writeEnd();
    }

    private static void writeReal(JsonGenerator g, String key, double value) {
        // BigDecimal has no negative zero, so -0.0 takes the tagged form too.
        if (Double.isFinite(value) && Double.doubleToRawLongBits(value) != NEGATIVE_ZERO) {
            g.write(key, new BigDecimal(Double.toString(value)));
        } else {
            g.writeStartObject(key).write("real", Double.toString(value)).writeEnd();
        }
    }

    public static Map<String, MetadataValue> readMetadata(JsonObject o) {
        Map<String, MetadataValue> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : o.entrySet()) {
            out.put(e.getKey(), readValue(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static MetadataValue readValue(String key, JsonValue v) {
        return switch (v.getValueType()) {
            case STRING -> new MetadataValue.Text(((JsonString) v).getString());
            case TRUE -> new MetadataValue.Bool(true);
            case FALSE -> new MetadataValue.Bool(false);
            case NUMBER -> readNumber((JsonNumber) v);
            case ARRAY -> {
                JsonArray a = (JsonArray) v;
                List<String> values = new ArrayList<>(a.size());
                for (int i = 0; i < a.size(); i++) {
                    values.add(a.getString(i));
                }
                yield new MetadataValue.TextList(values);
            }
            case OBJECT ->
                    new MetadataValue.Real(Double.parseDouble(((JsonObject) v).getString("real")));
            case NULL ->
                    throw new IllegalArgumentException(
                            "metadata \"" + key + "\": expected a value, got null");
        };
    }

    private static MetadataValue readNumber(JsonNumber n) {
        String text = n.toString();
        if (text.indexOf('.') >= 0 || text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
            return new MetadataValue.Real(Double.parseDouble(text));
        }
        return new MetadataValue.Int(n.longValueExact());
    }
}
