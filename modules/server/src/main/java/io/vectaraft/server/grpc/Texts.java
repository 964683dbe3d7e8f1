package io.vectaraft.server.grpc;

/** Text helpers for error messages. */
final class Texts {
    private static final int MAX_QUOTED = 64;

    private Texts() {}

    /** The string cut to a readable length for an error message. */
    static String abbreviate(String s) {
        return s.length() <= MAX_QUOTED ? s : s.substring(0, MAX_QUOTED) + "...";
    }

    /** {@code records[3] id "a7"}: where a record sits in a request. */
    static String recordAt(String field, int index, String id) {
        return field + "[" + index + "] id \"" + abbreviate(id) + "\"";
    }
}
