package io.vectaraft.wal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.log.Fixtures;
import jakarta.json.stream.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTextTest {

    /** The lean writer must produce exactly what the general generator does. */
    @Test
    void matchesTheGeneratorByteForByte() {
        VectorRecord r =
                Fixtures.awkward("id \"quoted\" \u0001\t\r\b\f \u00e9\u2603 \uD83D\uDE00 \\");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(expected)) {
            g.writeStartObject();
            g.write("id", r.id());
            g.write("vector", Floats.toBase64(r.vector()));
            Json.writeMetadata(g, "metadata", r.metadata());
            g.writeEnd();
        }
        JsonText actual = new JsonText(8);
        actual.raw("{\"id\":").string(r.id());
        actual.raw(",\"vector\":").base64Floats(r.vector());
        actual.raw(",\"metadata\":").metadata(r.metadata()).raw("}");
        assertEquals(
                expected.toString(StandardCharsets.UTF_8),
                new String(actual.toByteArray(), StandardCharsets.UTF_8));
    }
}
