package io.vectaraft.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code --key value} and {@code --flag} command-line options. Every command reads the options it
 * knows and then calls {@link #rejectUnknown()}: an option nobody read is an error, never ignored
 * (a mistyped {@code --quantisation int8} must not silently measure float32).
 */
final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> read = new HashSet<>();

    Args(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException(
                        "argument " + i + ": expected --option, got " + a);
            }
            String key = a.substring(2);
            String value =
                    i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true";
            if (values.put(key, value) != null) {
                throw new IllegalArgumentException("--" + key + ": expected once, got twice");
            }
        }
    }

    String string(String key, String fallback) {
        read.add(key);
        return values.getOrDefault(key, fallback);
    }

    /** A value that must be one of {@code allowed}. */
    String choice(String key, String fallback, List<String> allowed) {
        String v = string(key, fallback);
        if (!allowed.contains(v)) {
            throw new IllegalArgumentException(
                    "--" + key + ": expected one of " + String.join(", ", allowed) + ", got " + v);
        }
        return v;
    }

    String required(String key) {
        read.add(key);
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + ": expected a value, got none");
        }
        return v;
    }

    int integer(String key, int fallback) {
        read.add(key);
        String v = values.get(key);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + ": expected an integer, got " + v, e);
        }
    }

    double decimal(String key, double fallback) {
        read.add(key);
        String v = values.get(key);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + ": expected a number, got " + v, e);
        }
    }

    /** A comma-separated list of integers, e.g. {@code --ef 10,16,24}. */
    int[] integers(String key, String fallback) {
        String v = string(key, fallback);
        try {
            return java.util.Arrays.stream(v.split(","))
                    .map(String::trim)
                    .mapToInt(Integer::parseInt)
                    .toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--" + key + ": expected comma-separated integers, got " + v, e);
        }
    }

    boolean flag(String key) {
        String v = string(key, "false");
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default ->
                    throw new IllegalArgumentException(
                            "--" + key + ": expected no value, true or false, got " + v);
        };
    }

    /** Fails when an option was given that no reader asked for. */
    void rejectUnknown() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "unknown option --"
                            + String.join(", --", unknown)
                            + " (this command takes --"
                            + String.join(", --", new TreeSet<>(read))
                            + ")");
        }
    }
}
