package io.vectaraft.wal;

/** When appended log entries are forced to the disk. */
public enum FsyncPolicy {
    /** Before each write is acknowledged; concurrent writers share one fsync (group commit). */
    ALWAYS,
    /** Every few milliseconds, in the background; a crash may lose the last interval. */
    INTERVAL,
    /** Never explicitly; the operating system decides. */
    NONE
}
