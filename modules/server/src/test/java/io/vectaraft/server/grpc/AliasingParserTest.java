package io.vectaraft.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.StatusRuntimeException;
import io.grpc.internal.CompositeReadableBuffer;
import io.grpc.internal.ForwardingReadableBuffer;
import io.grpc.internal.ReadableBuffer;
import io.grpc.internal.ReadableBuffers;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.Value;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The aliasing parse over grpc's own buffer stream (the {@code ReadableBuffers} stream the server's
 * deframer hands to a marshaller), with direct buffers cut at arbitrary places as network reads cut
 * them: the message equals protobuf's own parse, packed vectors that lie within one buffer are
 * views of it (not copies), and every buffer is released exactly when the caller releases, or at
 * once when the bytes do not parse.
 */
class AliasingParserTest {
    private static final long SEED = Long.getLong("test.seed", System.nanoTime());

    @BeforeAll
    static void logSeed() {
        System.out.println("AliasingParserTest seed: -Dtest.seed=" + SEED);
    }

    @Test
    void parsesOverTheBuffersAndReleasesThemOnce() throws Exception {
        Random random = new Random(SEED);
        UpsertRequest request = request(random, 300, 768);
        byte[] bytes = request.toByteArray();
        List<CountingBuffer> pieces = cut(bytes, random, 16_384);
        AliasingParser.Aliased<UpsertRequest> parsed =
                AliasingParser.parse(stream(pieces), UpsertRequest.parser());
        assertNotNull(parsed, "grpc's stream lends its buffers");
        assertEquals(
                request, parsed.message(), "same message as protobuf's parse (seed " + SEED + ")");
        int views = 0;
        for (Record r : parsed.message().getRecordsList()) {
            views += r.getPackedValues().asReadOnlyByteBuffer().isDirect() ? 1 : 0;
        }
        // Only a vector that straddles two pieces is copied, and each cut between pieces lies in
        // at most one vector: every other one must be a view.
        int cuts = pieces.size() - 1;
        assertTrue(
                views >= 300 - cuts,
                views + " of 300 packed vectors aliased, " + cuts + " cuts (seed " + SEED + ")");
        assertTrue(pieces.stream().noneMatch(p -> p.closed > 0), "kept until released");
        AliasingParser.release(parsed.buffers());
        for (CountingBuffer p : pieces) {
            assertEquals(1, p.closed, "each buffer released once (seed " + SEED + ")");
        }
    }

    /**
     * Tiny pieces between full frames (a flow-control window's last bytes): protobuf would copy two
     * adjacent ones into a heap array, and one heap piece made the whole message a copy (0 of 300
     * aliased before the parser gathered them).
     */
    @Test
    void tinyPiecesBetweenFramesLeaveTheOthersAliased() {
        Random random = new Random(SEED + 2);
        UpsertRequest request = request(random, 300, 768);
        byte[] bytes = request.toByteArray();
        List<CountingBuffer> pieces = new ArrayList<>();
        for (int at = 0, i = 0; at < bytes.length; i++) {
            int n = Math.min(bytes.length - at, i % 3 == 0 ? 16_384 : 1 + random.nextInt(40));
            ByteBuffer direct = ByteBuffer.allocateDirect(n);
            direct.put(bytes, at, n).flip();
            pieces.add(new CountingBuffer(ReadableBuffers.wrap(direct)));
            at += n;
        }
        AliasingParser.Aliased<UpsertRequest> parsed =
                AliasingParser.parse(stream(pieces), UpsertRequest.parser());
        assertEquals(request, parsed.message(), "same message (seed " + SEED + ")");
        int views = 0;
        for (Record r : parsed.message().getRecordsList()) {
            views += r.getPackedValues().asReadOnlyByteBuffer().isDirect() ? 1 : 0;
        }
        int frames = (pieces.size() + 2) / 3;
        assertTrue(
                views >= 300 - 2 * frames,
                views + " of 300 aliased with " + frames + " frames (seed " + SEED + ")");
        AliasingParser.release(parsed.buffers());
        pieces.forEach(p -> assertEquals(1, p.closed, "released once"));
    }

    @Test
    void bytesThatDoNotParseFailAsGrpcsParserDoesAndReleaseAtOnce() {
        Random random = new Random(SEED + 1);
        byte[] bytes = request(random, 10, 64).toByteArray();
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 7);
        List<CountingBuffer> pieces = cut(truncated, random, 512);
        InputStream stream = stream(pieces);
        StatusRuntimeException e =
                assertThrows(
                        StatusRuntimeException.class,
                        () -> AliasingParser.parse(stream, UpsertRequest.parser()));
        assertInstanceOf(InvalidProtocolBufferException.class, e.getCause(), e.toString());
        for (CountingBuffer p : pieces) {
            assertEquals(1, p.closed, "released on failure (seed " + SEED + ")");
        }
    }

    @Test
    void aStreamWithoutBuffersToLendIsLeftToTheUsualParse() {
        InputStream plain = new ByteArrayInputStream(new byte[] {0x0a, 0x01, 0x61});
        assertNull(AliasingParser.parse(plain, UpsertRequest.parser()));
    }

    /** Records with multi-byte ids, some metadata, and packed vectors. */
    private static UpsertRequest request(Random random, int count, int dim) {
        UpsertRequest.Builder b = UpsertRequest.newBuilder().setCollection("docs-é");
        for (int i = 0; i < count; i++) {
            ByteBuffer v = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int d = 0; d < dim; d++) {
                v.putFloat((float) random.nextGaussian());
            }
            Record.Builder r =
                    Record.newBuilder()
                            .setId("r" + i + "-ü")
                            .setPackedValues(ByteString.copyFrom(v.array()));
            if (i % 7 == 0) {
                r.putMetadata("genre", Value.newBuilder().setStringValue("sf").build());
            }
            b.addRecords(r);
        }
        return b.build();
    }

    /** The bytes in direct buffers of random sizes up to {@code max}, as network reads cut them. */
    private static List<CountingBuffer> cut(byte[] bytes, Random random, int max) {
        List<CountingBuffer> pieces = new ArrayList<>();
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(max));
            ByteBuffer direct = ByteBuffer.allocateDirect(n);
            direct.put(bytes, at, n).flip();
            pieces.add(new CountingBuffer(ReadableBuffers.wrap(direct)));
            at += n;
        }
        return pieces;
    }

    /** The stream grpc's deframer gives a marshaller: one composite buffer, owned by the stream. */
    private static InputStream stream(List<CountingBuffer> pieces) {
        CompositeReadableBuffer composite = new CompositeReadableBuffer();
        pieces.forEach(composite::addBuffer);
        return ReadableBuffers.openStream(composite, true);
    }

    /** A buffer that counts how often it is released. */
    private static final class CountingBuffer extends ForwardingReadableBuffer {
        int closed;

        CountingBuffer(ReadableBuffer buffer) {
            super(buffer);
        }

        @Override
        public void close() {
            closed++;
            super.close();
        }
    }
}
