package io.vectaraft.index;

/**
 * A search result: a record and its score under the collection's metric (cosine similarity, dot
 * product, or Euclidean distance).
 */
public record Match(VectorRecord record, float score) {}
