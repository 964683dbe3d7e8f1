package io.vectaraft.index;

import java.util.List;

/**
 * One page of a scroll in id order. {@code lastId} is the id to continue after, or null when no
 * record follows.
 */
public record Page(List<VectorRecord> records, String lastId) {
    public Page {
        records = List.copyOf(records);
    }
}
