package io.vectaraft.server.grpc;

import io.vectaraft.index.ClientText;

/** Text helpers for error messages. */
final class Texts {
    private Texts() {}

    /** {@code record[3] id "a7"}: where a record sits in a request. */
    static String recordAt(String field, int index, String id) {
        return field + "[" + index + "] id " + ClientText.quote(id);
    }
}
