package io.vectaraft.index;

import java.util.List;
import java.util.Objects;

/** A metadata value: a string, a 64-bit integer, a double, a boolean or a list of strings. */
public sealed interface MetadataValue {

    record Text(String value) implements MetadataValue {
        public Text {
            Objects.requireNonNull(value, "value");
        }
    }

    record Int(long value) implements MetadataValue {}

    record Real(double value) implements MetadataValue {}

    record Bool(boolean value) implements MetadataValue {}

    record TextList(List<String> values) implements MetadataValue {
        public TextList {
            values = List.copyOf(values);
        }
    }

    static MetadataValue of(String value) {
        return new Text(value);
    }

    static MetadataValue of(long value) {
        return new Int(value);
    }

    static MetadataValue of(double value) {
        return new Real(value);
    }

    static MetadataValue of(boolean value) {
        return new Bool(value);
    }

    static MetadataValue of(List<String> values) {
        return new TextList(values);
    }
}
