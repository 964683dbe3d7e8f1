package io.vectaraft.wal.log;

import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.codec.Floats;
import io.vectaraft.wal.codec.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON payload of a log entry, e.g. {@code {"type":"upsert","collection":"c","records":[{"id":
 * "a","vector":"<base64 LE float32>","metadata":{...}}]}}. Types: {@code create}, {@code drop},
 * {@code upsert}, {@code delete}.
 */
public final class EntryCodec {
    private EntryCodec() {}

    public static byte[] encode(LogEntry entry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            switch (entry) {
                case LogEntry.Create c -> {
                    g.write("type", "create");
                    Json.writeSpec(g, "spec", c.spec());
                }
                case LogEntry.Drop d -> g.write("type", "drop").write("collection", d.collection());
                case LogEntry.Upsert u -> {
                    g.write("type", "upsert").write("collection", u.collection());
                    g.writeStartArray("records");
                    for (VectorRecord r : u.records()) {
                        g.writeStartObject();
                        g.write("id", r.id());
                        g.write("vector", Floats.toBase64(r.vector()));
                        Json.writeMetadata(g, "metadata", r.metadata());
                        g.writeEnd();
                    }
                    g.writeEnd();
                }
                case LogEntry.Delete d -> {
                    g.write("type", "delete").write("collection", d.collection());
                    g.writeStartArray("ids");
                    d.ids().forEach(g::write);
                    g.writeEnd();
                }
            }
            g.writeEnd();
        }
        return out.toByteArray();
    }

    /**
     * Decodes a payload. Throws a runtime exception (jakarta.json, IllegalArgumentException,
     * ClassCastException, NullPointerException) on anything malformed; the reader turns it into a
     * corruption error with the file and offset.
     */
    public static LogEntry decode(byte[] bytes, int offset, int length) {
        JsonObject o = Json.parseObject(bytes, offset, length);
        String type = o.getString("type");
        return switch (type) {
            case "create" -> new LogEntry.Create(Json.readSpec(o.getJsonObject("spec")));
            case "drop" -> new LogEntry.Drop(o.getString("collection"));
            case "upsert" -> new LogEntry.Upsert(o.getString("collection"), records(o));
            case "delete" -> {
                JsonArray ids = o.getJsonArray("ids");
                List<String> out = new ArrayList<>(ids.size());
                for (int i = 0; i < ids.size(); i++) {
                    out.add(ids.getString(i));
                }
                yield new LogEntry.Delete(o.getString("collection"), out);
            }
            default ->
                    throw new IllegalArgumentException(
                            "entry type: expected create, drop, upsert or delete, got " + type);
        };
    }

    private static List<VectorRecord> records(JsonObject o) {
        JsonArray array = o.getJsonArray("records");
        List<VectorRecord> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonObject r = array.getJsonObject(i);
            out.add(
                    new VectorRecord(
                            r.getString("id"),
                            Floats.fromBase64(r.getString("vector")),
                            Json.readMetadata(r.getJsonObject("metadata"))));
        }
        return out;
    }
}
