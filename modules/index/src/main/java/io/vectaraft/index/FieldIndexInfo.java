package io.vectaraft.index;

/**
 * A field index as DescribeCollection reports it.
 *
 * @param spec its key and type
 * @param ready whether it is built; until then filters on its key check records one by one
 * @param records records with a value the index holds
 * @param distinctValues distinct values in its postings
 * @param bytes an estimate of the heap it holds
 */
public record FieldIndexInfo(
        FieldIndexSpec spec, boolean ready, long records, long distinctValues, long bytes) {}
