package io.vectaraft.wal;

import io.vectaraft.index.VectorCollection;

/**
 * A created collection (or the existing one of the same parameters) and the log sequence number of
 * its creation as {@link WriteResult#lsn()} defines it.
 */
public record CollectionCreated(VectorCollection collection, long lsn) {}
