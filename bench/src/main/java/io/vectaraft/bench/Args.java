package io.vectaraft.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --key value} and {@code --flag} command-line options. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException(
                        "argument " + i + ": expected --option, got " + a);
            }
            String key = a.substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(key, args[++i]);
            } else {
                values.put(key, "true");
            }
        }
    }

    String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    String required(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + ": expected a value, got none");
        }
        return v;
    }

    int integer(String key, int fallback) {
        String v = values.get(key);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + ": expected an integer, got " + v, e);
        }
    }

    double decimal(String key, double fallback) {
        String v = values.get(key);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + ": expected a number, got " + v, e);
        }
    }

    boolean flag(String key) {
        return Boolean.parseBoolean(values.getOrDefault(key, "false"));
    }
}
