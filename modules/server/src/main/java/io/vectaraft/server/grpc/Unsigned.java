package io.vectaraft.server.grpc;

import io.vectaraft.index.InvalidArgumentException;

/** proto3 {@code uint32} fields arrive as Java {@code int}s; values above 2^31 look negative. */
final class Unsigned {
    private Unsigned() {}

    /**
     * The field as an {@code int}, or an {@link InvalidArgumentException} naming the field when it
     * exceeds {@code max} (checked here because larger values do not fit an {@code int}).
     */
    static int toInt(String field, int raw, int max) {
        long value = Integer.toUnsignedLong(raw);
        if (value > max) {
            throw new InvalidArgumentException(
                    field + ": expected at most " + max + ", got " + value);
        }
        return (int) value;
    }
}
