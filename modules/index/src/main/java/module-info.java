/**
 * Collections of vectors with metadata, metadata filters and nearest-neighbour search. Pure Java:
 * no network, no serialization formats.
 */
module io.vectaraft.index {
    // Static: the scalar kernels run when the module is absent (see vector.KernelSelector).
    requires static jdk.incubator.vector;

    exports io.vectaraft.index;
    exports io.vectaraft.index.filter;
    exports io.vectaraft.index.vector;
}
