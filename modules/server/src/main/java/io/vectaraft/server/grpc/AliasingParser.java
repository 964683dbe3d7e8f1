package io.vectaraft.server.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Detachable;
import io.grpc.HasByteBuffer;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a request without copying its {@code bytes} fields: they become views of the transport's
 * receive buffers (protobuf aliasing), which the caller must keep until the request is no longer
 * read and then release by closing {@link Aliased#buffers}.
 *
 * <p>grpc-java's stock parse copies a message of up to 4 MiB into a {@code byte[]} of its size
 * (kept per thread, so once per call on the server's virtual threads), then each {@code bytes}
 * field into a {@code ByteString} of its own: for a batch of 1,000 packed 768-dimension vectors, 6
 * MB of garbage and two copies before the vectors are decoded. Here the message is read from the
 * buffers grpc received it in ({@link Detachable} and {@link HasByteBuffer}, grpc's zero-copy
 * hooks); only a field that straddles two buffers is copied.
 */
final class AliasingParser {
    /**
     * The shortest piece handed to protobuf as is. Protobuf joins two adjacent pieces shorter than
     * 128 bytes together by copying them into a heap array, and one heap piece among direct ones
     * makes its reader copy the whole message (no aliasing at all): shorter pieces are gathered
     * into direct buffers of this size first (a few bytes copied; grpc's frames are 16 KiB).
     */
    private static final int MIN_PIECE = 128;

    private AliasingParser() {}

    /** A message parsed over {@code buffers}, which hold its aliased fields' bytes until closed. */
    record Aliased<Q>(Q message, InputStream buffers) {}

    /**
     * The message in {@code stream} parsed over the stream's own buffers, or null when the stream
     * cannot lend them (a compressed message, another transport): the caller then parses it the
     * usual way. Throws what grpc's protobuf marshaller throws for bytes that do not parse, with
     * the buffers already released.
     */
    static <Q> Aliased<Q> parse(InputStream stream, Parser<Q> parser) {
        if (!(stream instanceof Detachable detachable
                && stream instanceof HasByteBuffer lender
                && lender.byteBufferSupported())) {
            return null;
        }
        // The detached stream owns the buffers from here on: grpc no longer releases them.
        InputStream buffers = detachable.detach();
        try {
            CodedInputStream in = codedInput(buffers);
            in.enableAliasing(true);
            in.setSizeLimit(Integer.MAX_VALUE); // grpc checked the message size already
            Q message = parser.parseFrom(in, ExtensionRegistryLite.getEmptyRegistry());
            in.checkLastTagWas(0);
            return new Aliased<>(message, buffers);
        } catch (InvalidProtocolBufferException e) {
            release(buffers);
            // What grpc's ProtoLiteUtils marshaller throws, so that failures read the same.
            throw Status.INTERNAL
                    .withDescription("Invalid protobuf byte sequence")
                    .withCause(e)
                    .asRuntimeException();
        } catch (IOException e) {
            release(buffers);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            release(buffers);
            throw e;
        }
    }

    /** The stream's buffers, in order, as one input that aliases them. */
    private static CodedInputStream codedInput(InputStream buffers) throws IOException {
        // mark: buffers read past are kept (not released) until the stream is closed, so the views
        // taken below stay valid.
        if (!(buffers instanceof HasByteBuffer) || !buffers.markSupported()) {
            return CodedInputStream.newInstance(buffers); // read as a stream: copies, still correct
        }
        buffers.mark(buffers.available());
        List<ByteString> pieces = new ArrayList<>();
        ByteBuffer small = null; // pieces shorter than MIN_PIECE, gathered (see below)
        while (buffers.available() > 0) {
            ByteBuffer piece = ((HasByteBuffer) buffers).getByteBuffer();
            buffers.skip(piece.remaining());
            while (piece.hasRemaining()) {
                if (small == null && piece.remaining() >= MIN_PIECE) {
                    pieces.add(UnsafeByteOperations.unsafeWrap(piece));
                    break;
                }
                if (small == null) {
                    small = ByteBuffer.allocateDirect(MIN_PIECE);
                }
                ByteBuffer part = piece.slice(0, Math.min(small.remaining(), piece.remaining()));
                small.put(part);
                piece = piece.slice(part.limit(), piece.remaining() - part.limit());
                if (!small.hasRemaining()) {
                    pieces.add(UnsafeByteOperations.unsafeWrap(small.flip()));
                    small = null;
                }
            }
        }
        if (small != null) {
            pieces.add(UnsafeByteOperations.unsafeWrap(small.flip()));
        }
        buffers.reset();
        // A rope over the views (no copy); its coded input reads them in place and lets
        // enableAliasing hand out slices of them for bytes fields.
        return ByteString.copyFrom(pieces).newCodedInput();
    }

    /** Gives the buffers back to the transport. */
    static void release(InputStream buffers) {
        try {
            buffers.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
