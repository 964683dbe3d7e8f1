package io.vectaraft.wal.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Float vectors as little-endian IEEE 754 float32 bytes: bit-exact (NaN payloads and -0.0 included)
 * and about 5.3 characters per float in base64, against 9-12 for decimal text.
 */
public final class Floats {
    private Floats() {}

    public static byte[] toBytes(float[] vector) {
        ByteBuffer buf =
                ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(vector);
        return buf.array();
    }

    public static float[] fromBytes(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException(
                    "vector bytes: expected a multiple of 4, got " + bytes.length);
        }
        float[] out = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    public static String toBase64(float[] vector) {
        return Base64.getEncoder().encodeToString(toBytes(vector));
    }

    /** Decodes base64 little-endian float32; throws IllegalArgumentException on bad input. */
    public static float[] fromBase64(String text) {
        return fromBytes(Base64.getDecoder().decode(text));
    }
}
