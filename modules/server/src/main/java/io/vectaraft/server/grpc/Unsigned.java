package io.vectaraft.server.grpc;

import io.vectaraft.index.InvalidArgumentException;

/** proto3 {@code uint32} fields arrive as Java {@code int}s; values above 2^31 look negative. */
final class Unsigned {
    private Unsigned() {}

    /**
     * The field as an {@code int}, or an {@link InvalidArgumentException} naming the field when it
     * does not fit one (above 2^31 - 1). The range the field must have is checked by the domain
     * request that takes it, once.
     */
    static int toInt(String field, int raw) {
        if (raw < 0) {
            throw new InvalidArgumentException(
                    field
                            + ": expected at most "
                            + Integer.MAX_VALUE
                            + ", got "
                            + Integer.toUnsignedLong(raw));
        }
        return raw;
    }

    /**
     * The field as an {@code int}, or an {@link InvalidArgumentException} naming the field when it
     * is outside {@code min..max} (checked here because values above 2^31 do not fit an {@code
     * int}).
     */
    static int toInt(String field, int raw, int min, int max) {
        long value = Integer.toUnsignedLong(raw);
        if (value < min || value > max) {
            throw new InvalidArgumentException(
                    field + ": expected " + min + ".." + max + ", got " + value);
        }
        return (int) value;
    }
}
