package io.vectaraft.index;

/** Argument checks that throw {@link InvalidArgumentException} with "what: expected X, got Y". */
final class Checks {
    private Checks() {}

    static void inRange(String what, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidArgumentException(
                    what + ": expected " + min + ".." + max + ", got " + value);
        }
    }
}
