package io.vectaraft.index;

import java.util.Objects;
import java.util.regex.Pattern;

/** The immutable parameters of a collection. */
public record CollectionSpec(String name, int dimension, Metric metric, IndexSpec index) {
    public static final int MAX_DIMENSION = 65_536;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public CollectionSpec {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(index, "index");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidArgumentException(
                    "collection name: expected 1-64 characters of [A-Za-z0-9_-], got "
                            + quoted(name));
        }
        Checks.inRange("dimension", dimension, 1, MAX_DIMENSION);
    }

    /** "dimension 128, metric COSINE, index Flat[]" — for conflict messages and logs. */
    public String describeParameters() {
        return "dimension " + dimension + ", metric " + metric + ", index " + index;
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
