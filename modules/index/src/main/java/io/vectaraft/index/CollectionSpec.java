package io.vectaraft.index;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The immutable parameters of a collection.
 *
 * @param quantization how vectors are compressed for search (none by default)
 * @param onDisk full-precision vectors in a memory-mapped file rather than on the Java heap
 */
public record CollectionSpec(
        String name,
        int dimension,
        Metric metric,
        IndexSpec index,
        Quantization quantization,
        boolean onDisk) {
    public static final int MAX_DIMENSION = 65_536;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public CollectionSpec {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(index, "index");
        checkName(name);
        Checks.inRange("dimension", dimension, 1, MAX_DIMENSION);
        Objects.requireNonNull(quantization, "quantization");
        if (quantization.kind() == Quantization.Kind.BINARY
                && dimension < Quantization.BINARY_MIN_DIMENSION) {
            throw new InvalidArgumentException(
                    "quantization BINARY: expected dimension >= "
                            + Quantization.BINARY_MIN_DIMENSION
                            + " (one bit per dimension ranks too coarsely below), got "
                            + dimension);
        }
    }

    /**
     * Checks a collection name: 1-64 characters of [A-Za-z0-9_-]. A name no collection can have is
     * a client's mistake wherever it appears, not a collection that happens to be missing.
     *
     * @throws InvalidArgumentException quoting the name, cut short
     */
    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidArgumentException(
                    "collection name: expected 1-64 characters of [A-Za-z0-9_-], got "
                            + ClientText.quote(name));
        }
    }

    /** Full-precision vectors on the heap, no quantization. */
    public CollectionSpec(String name, int dimension, Metric metric, IndexSpec index) {
        this(name, dimension, metric, index, Quantization.none(), false);
    }

    /** "dimension 128, metric COSINE, index Flat[]" — for conflict messages and logs. */
    public String describeParameters() {
        String base = "dimension " + dimension + ", metric " + metric + ", index " + index;
        if (quantization.quantized()) {
            base +=
                    ", quantization "
                            + quantization.kind()
                            + " oversample "
                            + quantization.oversample();
        }
        return onDisk ? base + ", on disk" : base;
    }
}
