package io.vectaraft.server.auth;

import java.util.List;
import java.util.Optional;

/**
 * The collections a key may see and touch: exact names, or prefixes written with a trailing {@code
 * *} ({@code "a-*"} is every name that starts with {@code a-}). {@link #ALL} when a key names none.
 */
public record CollectionScope(List<String> patterns) {
    /** Every collection, present and future. */
    public static final CollectionScope ALL = new CollectionScope(List.of("*"));

    public CollectionScope {
        patterns = List.copyOf(patterns);
        for (String p : patterns) {
            problem(p)
                    .ifPresent(
                            problem -> {
                                throw new IllegalArgumentException(problem);
                            });
        }
    }

    /** Why {@code pattern} is not a name or a trailing-{@code *} prefix, if it is not. */
    public static Optional<String> problem(String pattern) {
        if (pattern.isEmpty()) {
            return Optional.of("expected a collection name or a prefix ending in '*', got \"\"");
        }
        int star = pattern.indexOf('*');
        if (star >= 0 && star != pattern.length() - 1) {
            return Optional.of(
                    "expected '*' only at the end of a pattern, got \"" + pattern + "\"");
        }
        return Optional.empty();
    }

    /** Whether every collection is in scope. */
    public boolean all() {
        return patterns.contains("*");
    }

    /** Whether the collection named {@code name} is in scope. */
    public boolean permits(String name) {
        for (String p : patterns) {
            boolean prefix = p.endsWith("*");
            if (prefix ? name.startsWith(p.substring(0, p.length() - 1)) : name.equals(p)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return all() ? "all collections" : String.join(", ", patterns);
    }
}
