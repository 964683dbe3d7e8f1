/** Durability for the index: a JSON write-ahead log, snapshots, compaction and recovery. */
module io.vectaraft.wal {
    requires transitive io.vectaraft.index;
    requires jakarta.json;
    requires jdk.jfr;

    exports io.vectaraft.wal;
}
