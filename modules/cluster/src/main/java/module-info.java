/**
 * Replication: every mutation goes through one Raft log (Apache Ratis) and is applied on every node
 * by the log's apply path ({@code io.vectaraft.wal}). Network only: what a mutation does to the
 * index stays in {@code io.vectaraft.wal}.
 */
module io.vectaraft.cluster {
    requires transitive io.vectaraft.wal;
    requires org.apache.ratis;
    // Ratis logs through SLF4J: resolving it here binds its provider (org.slf4j.jul).
    requires org.slf4j;

    exports io.vectaraft.cluster;
}
