package io.vectaraft.server.auth;

/** What an RPC does to the data, and so which roles may call it. */
public enum Access {
    /** Reads data or server state (Ping, Get, Query, ...). */
    READ,
    /** Changes records (Upsert, Delete). */
    WRITE,
    /** Creates or drops collections, snapshots: everything administrative. */
    ADMIN
}
