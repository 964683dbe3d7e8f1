package io.vectaraft.wal.snapshot;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.VectorRecord;
import java.util.function.Consumer;

/**
 * What a snapshot stores of one collection: its spec and a way to visit its records (in stored
 * form). The caller guarantees the records do not change while they are visited.
 */
public record CollectionImage(CollectionSpec spec, Consumer<Consumer<VectorRecord>> records) {}
