package io.vectaraft.wal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.Metric;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.wal.Mutation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntryCodecTest {

    private static Mutation roundTrip(Mutation e) {
        byte[] bytes = EntryCodec.encode(e);
        return EntryCodec.decode(bytes, 0, bytes.length);
    }

    @Test
    void createRoundTripsFlatAndHnsw() {
        Mutation flat =
                new Mutation.Create(new CollectionSpec("docs", 3, Metric.COSINE, IndexSpec.flat()));
        Mutation hnsw =
                new Mutation.Create(
                        new CollectionSpec(
                                "g-1", 768, Metric.DOT, new IndexSpec.Hnsw(32, 100, 50)));
        assertEquals(flat, roundTrip(flat));
        assertEquals(hnsw, roundTrip(hnsw));
    }

    @Test
    void deleteMatchingRoundTripsEveryFilterShape() {
        Filter filter =
                new Filter.And(
                        List.of(
                                new Filter.Condition(
                                        "n", Filter.Op.GTE, MetadataValue.of(3L), null),
                                new Filter.Or(
                                        List.of(
                                                new Filter.Condition(
                                                        "x",
                                                        Filter.Op.LT,
                                                        MetadataValue.of(-0.0),
                                                        null),
                                                new Filter.Condition(
                                                        "tag",
                                                        Filter.Op.IN,
                                                        null,
                                                        List.of(
                                                                MetadataValue.of("a"),
                                                                MetadataValue.of(2L))))),
                                new Filter.Not(
                                        new Filter.Condition(
                                                "gone",
                                                Filter.Op.EXISTS,
                                                MetadataValue.of(true),
                                                null))));
        Mutation delete = new Mutation.DeleteMatching("docs", filter);
        assertEquals(delete, roundTrip(delete));
    }

    @Test
    void fieldIndexEntriesRoundTrip() {
        for (io.vectaraft.index.FieldIndexSpec.Type t :
                io.vectaraft.index.FieldIndexSpec.Type.values()) {
            Mutation create =
                    new Mutation.CreateFieldIndex(
                            "docs", new io.vectaraft.index.FieldIndexSpec("k\"\u00e9", t));
            assertEquals(create, roundTrip(create));
        }
        Mutation delete = new Mutation.DeleteFieldIndex("docs", "color");
        assertEquals(delete, roundTrip(delete));
    }

    @Test
    void dropAndDeleteRoundTrip() {
        Mutation drop = new Mutation.Drop("docs");
        Mutation delete = new Mutation.Delete("docs", List.of("a", "b\"c", "\u00e9"));
        assertEquals(drop, roundTrip(drop));
        assertEquals(delete, roundTrip(delete));
    }

    @Test
    void upsertRoundTripsBitExactWithEveryMetadataKind() {
        VectorRecord awkward = Fixtures.awkward("x");
        VectorRecord plain = Fixtures.record(new Random(7), "y", 8);
        Mutation.Upsert back =
                assertInstanceOf(
                        Mutation.Upsert.class,
                        roundTrip(new Mutation.Upsert("docs", List.of(awkward, plain))));
        assertEquals("docs", back.collection());
        assertTrue(Fixtures.sameBits(awkward, back.records().get(0)), "awkward record bit-exact");
        assertTrue(Fixtures.sameBits(plain, back.records().get(1)), "plain record bit-exact");
        assertEquals(
                Double.doubleToRawLongBits(-0.0),
                Double.doubleToRawLongBits(
                        ((io.vectaraft.index.MetadataValue.Real)
                                        back.records().get(0).metadata().get("negzero"))
                                .value()),
                "-0.0 metadata keeps its sign");
    }

    @Test
    void unknownTypeIsRejected() {
        byte[] bytes = "{\"type\":\"compact\"}".getBytes(StandardCharsets.UTF_8);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> EntryCodec.decode(bytes, 0, bytes.length));
        assertTrue(e.getMessage().contains("got compact"), e.getMessage());
    }

    /**
     * Not a speed test: documents the size of the two encodings for the ADR. Base64 of
     * little-endian float32 is 5.33 bytes per float; Float.toString text of Gaussian values is
     * about twice that.
     */
    @Test
    void base64VectorsAreSmallerThanTextFloats() {
        Random rnd = new Random(42);
        int dim = 768;
        VectorRecord r = Fixtures.record(rnd, "id", dim);
        int base64 = io.vectaraft.wal.codec.Floats.toBase64(r.vector()).length();
        StringBuilder text = new StringBuilder("[");
        for (float f : r.vector()) {
            text.append(f).append(',');
        }
        double perFloatText = (double) text.length() / dim;
        double perFloatBase64 = (double) base64 / dim;
        System.out.printf(
                "vector encoding, dim %d: base64 LE float32 %.2f bytes/float, text %.2f bytes/float%n",
                dim, perFloatBase64, perFloatText);
        assertTrue(perFloatBase64 < 5.4, "base64 per float: " + perFloatBase64);
        assertTrue(perFloatText > perFloatBase64 * 1.5, "text per float: " + perFloatText);
    }
}
