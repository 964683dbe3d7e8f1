package io.vectaraft.server.auth;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a key may do: {@code read-only} reads, {@code read-write} also changes records, {@code
 * admin} also creates and drops collections and takes snapshots.
 */
public enum Role {
    READ_ONLY("read-only", Access.READ),
    READ_WRITE("read-write", Access.WRITE),
    ADMIN("admin", Access.ADMIN);

    private final String label;
    private final Access highest;

    Role(String label, Access highest) {
        this.label = label;
        this.highest = highest;
    }

    /** The name in key files, logs and messages, e.g. {@code read-write}. */
    public String label() {
        return label;
    }

    /** Whether this role may call an RPC that needs {@code access}. */
    public boolean allows(Access access) {
        return access.ordinal() <= highest.ordinal();
    }

    /** The role named {@code label} exactly, e.g. {@code read-only}. */
    public static Optional<Role> byLabel(String label) {
        return Arrays.stream(values()).filter(r -> r.label.equals(label)).findFirst();
    }

    @Override
    public String toString() {
        return label;
    }
}
