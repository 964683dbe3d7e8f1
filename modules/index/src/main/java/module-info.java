/**
 * Collections of vectors with metadata, metadata filters and nearest-neighbour search. Pure Java:
 * no network, no serialization formats. Everyone reads through {@link io.vectaraft.index.Database};
 * only the storage layer, whose log orders every change, reaches the mutators of {@code
 * io.vectaraft.index.write}.
 */
// "module": the qualified export names io.vectaraft.wal, which javac does not see while it
// compiles this module first.
@SuppressWarnings("module")
module io.vectaraft.index {
    // Static: the scalar kernels run when the module is absent (see vector.KernelSelector).
    requires static jdk.incubator.vector;

    exports io.vectaraft.index;
    exports io.vectaraft.index.filter;
    exports io.vectaraft.index.vector;
    // The one writer: the log's apply path (a cluster's Raft state machine applies committed
    // entries through it too, via wal.ReplicaState).
    exports io.vectaraft.index.write to
            io.vectaraft.wal;
}
