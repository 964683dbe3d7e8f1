package io.vectaraft.index;

import java.util.Locale;
import java.util.Objects;

/**
 * A metadata index on one key of a collection's records: which values it holds in its postings
 * (records whose value under the key is of another kind are still filtered exactly, by checking
 * them one by one).
 *
 * @param key the metadata key
 * @param type the kind of value indexed
 */
public record FieldIndexSpec(String key, Type type) {

    /** The kinds of field index. */
    public enum Type {
        /** Strings and lists of strings: one posting list per distinct string. */
        KEYWORD,
        /** 64-bit integers, ordered: equality and ranges. */
        INTEGER,
        /** Numbers (doubles, and integers a double holds exactly), ordered. */
        FLOAT,
        /** Booleans: one posting list per value. */
        BOOL;

        /** The wire name, e.g. {@code keyword}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The type of a wire name (case-insensitive).
         *
         * @throws InvalidArgumentException naming the accepted types
         */
        public static Type parse(String name) {
            if (name != null) {
                for (Type t : values()) {
                    if (t.wireName().equalsIgnoreCase(name)) {
                        return t;
                    }
                }
            }
            throw new InvalidArgumentException(
                    "field index type: expected one of keyword, integer, float, bool, got "
                            + (name == null ? "none" : ClientText.quote(name)));
        }
    }

    public FieldIndexSpec {
        Objects.requireNonNull(type, "type");
        if (key == null || key.isEmpty()) {
            throw new InvalidArgumentException("field index key: expected a non-empty string");
        }
    }
}
