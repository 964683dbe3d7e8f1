package io.vectaraft.wal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.Mutation;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinaryUpsertCodecTest {
    @Test
    void roundTripsBitExactWithEveryMetadataKind() {
        VectorRecord awkward = Fixtures.awkward("x \u2603");
        VectorRecord plain = Fixtures.record(new Random(7), "y", 8);
        VectorRecord bare = new VectorRecord("z", new float[] {1, 2, 3, 4, 5, 6, 7, 8}, Map.of());
        byte[] entry =
                BinaryUpsertCodec.encode(
                        new Mutation.Upsert("dócs", List.of(awkward, plain, bare)));
        assertTrue(BinaryUpsertCodec.is(entry), "marked binary");
        Mutation.Upsert back = BinaryUpsertCodec.decode(entry);
        assertEquals("dócs", back.collection());
        assertTrue(Fixtures.sameBits(awkward, back.records().get(0)), "awkward record bit-exact");
        assertTrue(Fixtures.sameBits(plain, back.records().get(1)), "plain record bit-exact");
        assertEquals(bare, back.records().get(2), "a record without metadata");
        assertEquals(
                Double.doubleToRawLongBits(-0.0),
                Double.doubleToRawLongBits(
                        ((MetadataValue.Real) back.records().get(0).metadata().get("negzero"))
                                .value()),
                "-0.0 metadata keeps its sign");
    }

    @Test
    void aReadOnlyViewAtAnOffsetDecodesAsTheArrayAndIsLeftAsItWas() {
        VectorRecord awkward = Fixtures.awkward("x \u2603");
        VectorRecord plain = Fixtures.record(new Random(9), "y", 8);
        Mutation.Upsert upsert = new Mutation.Upsert("c", List.of(awkward, plain), true);
        byte[] entry = BinaryUpsertCodec.encode(upsert);
        // As a Raft log entry's data arrives: a read-only view, here not at offset 0.
        byte[] framed = new byte[entry.length + 5];
        System.arraycopy(entry, 0, framed, 3, entry.length);
        ByteBuffer view = ByteBuffer.wrap(framed, 3, entry.length).slice().asReadOnlyBuffer();

        assertTrue(BinaryUpsertCodec.is(view));
        Mutation.Upsert back = BinaryUpsertCodec.decode(view);
        assertTrue(back.stored(), "the stored-form flag");
        assertTrue(Fixtures.sameBits(awkward, back.records().get(0)), "awkward record bit-exact");
        assertTrue(Fixtures.sameBits(plain, back.records().get(1)), "plain record bit-exact");
        assertEquals(0, view.position(), "the view is not consumed");
        assertEquals(entry.length, view.remaining());
    }

    @Test
    void anEmptyBatchRoundTrips() {
        Mutation.Upsert back =
                BinaryUpsertCodec.decode(
                        BinaryUpsertCodec.encode(new Mutation.Upsert("c", List.of())));
        assertEquals(new Mutation.Upsert("c", List.of()), back);
    }

    @Test
    void isSmallerThanTheJsonForm() {
        Mutation.Upsert batch =
                new Mutation.Upsert("c", Fixtures.records(new Random(3), "r", 100, 768));
        int binary = BinaryUpsertCodec.encode(batch).length;
        int json = EntryCodec.encode(batch).length;
        assertTrue(binary < json * 0.8, "binary " + binary + " vs JSON " + json + " bytes");
    }

    @Test
    void aJsonEntryIsNotTakenForABinaryOne() {
        byte[] json =
                EntryCodec.encode(
                        new Mutation.Upsert("c", Fixtures.records(new Random(1), "r", 2, 4)));
        assertFalse(BinaryUpsertCodec.is(json), "JSON starts with '{'");
        assertFalse(BinaryUpsertCodec.is(new byte[0]), "empty");
    }

    @Test
    void everyTruncationIsRefusedNotMisread() {
        byte[] entry =
                BinaryUpsertCodec.encode(
                        new Mutation.Upsert("c", Fixtures.records(new Random(2), "r", 3, 4)));
        for (int cut = 1; cut < entry.length; cut++) {
            byte[] truncated = Arrays.copyOf(entry, cut);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> BinaryUpsertCodec.decode(truncated),
                    "cut at " + cut + " of " + entry.length);
        }
        byte[] longer = Arrays.copyOf(entry, entry.length + 1);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> BinaryUpsertCodec.decode(longer));
        assertEquals("upsert entry: 1 bytes after the last record", e.getMessage());
    }

    @Test
    void aNegativeOrHugeLengthIsRefused() {
        byte[] entry =
                BinaryUpsertCodec.encode(
                        new Mutation.Upsert("c", Fixtures.records(new Random(2), "r", 1, 4)));
        byte[] bad = entry.clone();
        bad[6] = (byte) 0xff; // the record count's low byte: 255 records in a 1-record entry
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BinaryUpsertCodec.decode(bad));
        assertTrue(e.getMessage().startsWith("upsert entry: record count 255"), e.getMessage());
    }
}
