/** Write-ahead log, snapshots and recovery. */
package io.vectaraft.wal;
