package io.vectaraft.server.grpc;

import io.vectaraft.index.Ids;

/** Text helpers for error messages, quoting the way the index does. */
final class Texts {
    private Texts() {}

    /** The string quoted and cut to a readable length (surrogate pairs kept whole). */
    static String quote(String s) {
        return Ids.quote(s);
    }

    /** {@code record[3] id "a7"}: where a record sits in a request. */
    static String recordAt(String field, int index, String id) {
        return field + "[" + index + "] id " + quote(id);
    }
}
