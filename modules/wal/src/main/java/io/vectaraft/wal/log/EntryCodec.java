package io.vectaraft.wal.log;

import io.vectaraft.index.FieldIndexSpec;
import io.vectaraft.index.MetadataPatch;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.Mutation;
import io.vectaraft.wal.codec.Floats;
import io.vectaraft.wal.codec.Json;
import io.vectaraft.wal.codec.JsonText;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON payload of a log entry, e.g. {@code {"type":"upsert","collection":"c","records":[{"id":
 * "a","vector":"<base64 LE float32>","metadata":{...}}]}}. Types: {@code create}, {@code drop},
 * {@code upsert}, {@code delete}, {@code update_metadata} ({@code ids} or, in a replicated log, a
 * {@code filter}; {@code set} metadata and {@code unset} keys), and in a replicated log {@code
 * delete_matching} (a filter, see {@link FilterCodec}); {@code create_alias}, {@code switch_alias}
 * ({@code alias}, {@code collection}) and {@code delete_alias}.
 */
public final class EntryCodec {
    private EntryCodec() {}

    public static byte[] encode(Mutation entry) {
        if (entry instanceof Mutation.Upsert u) {
            return encodeUpsert(u);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            switch (entry) {
                case Mutation.Create c -> {
                    g.write("type", "create");
                    Json.writeSpec(g, "spec", c.spec());
                }
                case Mutation.Drop d -> g.write("type", "drop").write("collection", d.collection());
                case Mutation.Upsert u -> throw new AssertionError("encoded by encodeUpsert");
                case Mutation.Delete d -> {
                    g.write("type", "delete").write("collection", d.collection());
                    g.writeStartArray("ids");
                    d.ids().forEach(g::write);
                    g.writeEnd();
                }
                case Mutation.DeleteMatching d -> {
                    g.write("type", "delete_matching").write("collection", d.collection());
                    FilterCodec.write(g, "filter", d.filter());
                }
                case Mutation.CreateAlias a ->
                        g.write("type", "create_alias")
                                .write("alias", a.alias())
                                .write("collection", a.collection());
                case Mutation.SwitchAlias a ->
                        g.write("type", "switch_alias")
                                .write("alias", a.alias())
                                .write("collection", a.collection());
                case Mutation.DeleteAlias a ->
                        g.write("type", "delete_alias").write("alias", a.alias());
                case Mutation.Restored r -> g.write("type", "restored").write("source", r.source());
                case Mutation.UpdateMetadata u -> {
                    g.write("type", "update_metadata").write("collection", u.collection());
                    if (u.filter() != null) {
                        FilterCodec.write(g, "filter", u.filter());
                    } else {
                        g.writeStartArray("ids");
                        u.ids().forEach(g::write);
                        g.writeEnd();
                    }
                    Json.writeMetadata(g, "set", u.patch().set());
                    g.writeStartArray("unset");
                    u.patch().unset().forEach(g::write);
                    g.writeEnd();
                }
                case Mutation.CreateFieldIndex c ->
                        g.write("type", "create_field_index")
                                .write("collection", c.collection())
                                .write("key", c.index().key())
                                .write("index_type", c.index().type().wireName());
                case Mutation.DeleteFieldIndex d ->
                        g.write("type", "delete_field_index")
                                .write("collection", d.collection())
                                .write("key", d.key());
            }
            g.writeEnd();
        }
        return out.toByteArray();
    }

    /** Upserts are the bulk of the log: written by the lean {@link JsonText}, not a generator. */
    private static byte[] encodeUpsert(Mutation.Upsert u) {
        int dim = u.records().isEmpty() ? 0 : u.records().getFirst().vector().length;
        JsonText out = new JsonText(64 + u.records().size() * (dim * 16 / 3 + 96));
        out.raw("{\"type\":\"upsert\",\"collection\":")
                .string(u.collection())
                .raw(u.stored() ? ",\"stored\":true,\"records\":[" : ",\"records\":[");
        for (int i = 0; i < u.records().size(); i++) {
            VectorRecord r = u.records().get(i);
            out.raw(i == 0 ? "{\"id\":" : ",{\"id\":").string(r.id());
            out.raw(",\"vector\":").base64Floats(r.vector());
            out.raw(",\"metadata\":").metadata(r.metadata()).raw("}");
        }
        return out.raw("]}").toByteArray();
    }

    /**
     * Decodes a payload. Throws a runtime exception (jakarta.json, IllegalArgumentException,
     * ClassCastException, NullPointerException) on anything malformed; the reader turns it into a
     * corruption error with the file and offset.
     */
    public static Mutation decode(byte[] bytes, int offset, int length) {
        JsonObject o = Json.parseObject(bytes, offset, length);
        String type = o.getString("type");
        return switch (type) {
            case "create" -> new Mutation.Create(Json.readSpec(o.getJsonObject("spec")));
            case "drop" -> new Mutation.Drop(o.getString("collection"));
            case "upsert" ->
                    new Mutation.Upsert(
                            o.getString("collection"), records(o), o.getBoolean("stored", false));
            case "delete" -> new Mutation.Delete(o.getString("collection"), strings(o, "ids"));
            case "delete_matching" ->
                    new Mutation.DeleteMatching(
                            o.getString("collection"), FilterCodec.read(o.getJsonObject("filter")));
            case "update_metadata" ->
                    new Mutation.UpdateMetadata(
                            o.getString("collection"),
                            o.containsKey("ids") ? strings(o, "ids") : List.of(),
                            o.containsKey("filter")
                                    ? FilterCodec.read(o.getJsonObject("filter"))
                                    : null,
                            new MetadataPatch(
                                    Json.readMetadata(o.getJsonObject("set")),
                                    strings(o, "unset")));
            case "create_alias" ->
                    new Mutation.CreateAlias(o.getString("alias"), o.getString("collection"));
            case "switch_alias" ->
                    new Mutation.SwitchAlias(o.getString("alias"), o.getString("collection"));
            case "delete_alias" -> new Mutation.DeleteAlias(o.getString("alias"));
            case "restored" -> new Mutation.Restored(o.getString("source"));
            case "create_field_index" ->
                    new Mutation.CreateFieldIndex(
                            o.getString("collection"),
                            new FieldIndexSpec(
                                    o.getString("key"),
                                    FieldIndexSpec.Type.parse(o.getString("index_type"))));
            case "delete_field_index" ->
                    new Mutation.DeleteFieldIndex(o.getString("collection"), o.getString("key"));
            default ->
                    throw new IllegalArgumentException(
                            "entry type: expected create, drop, upsert, delete, delete_matching,"
                                    + " update_metadata, create_alias, switch_alias, delete_alias,"
                                    + " restored, create_field_index or delete_field_index, got "
                                    + type);
        };
    }

    private static List<String> strings(JsonObject o, String name) {
        JsonArray array = o.getJsonArray(name);
        List<String> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(array.getString(i));
        }
        return out;
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
