package io.vectaraft.index;

/**
 * The state of a collection's storage and index, for DescribeCollection and metrics.
 *
 * @param count live records
 * @param tombstones slots of removed or replaced records kept for the HNSW graph until a rebuild
 *     (always 0 for a flat index, which reuses freed slots at once)
 * @param vectorBytes bytes of full-precision vectors on the Java heap
 * @param graphNodes nodes in the HNSW graph (0 for a flat index), tombstones included
 * @param graphLevels layers of the HNSW graph (0 for a flat index)
 * @param graphBytes bytes held by the graph's links (0 for a flat index)
 * @param graphPending records visible but not yet linked into the graph (found by exact scan
 *     meanwhile; 0 once an upsert returns, unless another is linking)
 * @param vectorMappedBytes bytes of full-precision vectors in a memory-mapped file ({@code
 *     on_disk}), off the heap (the page cache holds what is read)
 * @param codeBytes bytes of quantized codes and their per-vector corrections, on the heap
 */
public record IndexStats(
        long count,
        long tombstones,
        long vectorBytes,
        long graphNodes,
        int graphLevels,
        long graphBytes,
        long graphPending,
        long vectorMappedBytes,
        long codeBytes) {}
