#!/bin/sh
# vectaraft @VERSION@ launcher: runs the server on the Java runtime of this image.
# Every argument is passed to the server (see `vectaraft --help`).
#
#   vectaraft --create-cds-archive   (re)writes lib/vectaraft.jsa, the class-data-sharing archive that
#                                    halves the start-up CPU; valid only where the image is (see below)
#
# JVM options: the defaults below, then $VECTARAFT_JAVA_OPTS, which wins on conflict
# (HotSpot takes the last -Xmx/-XX:... it sees). Examples:
#   VECTARAFT_JAVA_OPTS="-Xms8g -Xmx8g -XX:+AlwaysPreTouch"  fixed, pre-touched heap (benchmarks, production)
#   VECTARAFT_JAVA_OPTS="-XX:+UseZGC"                         another collector (replaces the G1 default)
set -eu

# Resolve symlinks so the launcher also works when linked into PATH.
self=$0
while [ -h "$self" ]; do
    link=$(readlink "$self")
    case $link in
        /*) self=$link ;;
        *) self=$(dirname "$self")/$link ;;
    esac
done
home=$(cd "$(dirname "$self")/.." && pwd -P)

user_opts=${VECTARAFT_JAVA_OPTS:-}
# Option strings are split into words below; they must not be glob-expanded.
set -f

# GC: G1, the JDK default, stated so that it does not silently change with the heap size or the
# CPU count (below 2 CPUs or 1792 MB the JVM would pick Serial). G1 keeps pauses short with good
# throughput for a heap of long-lived float[] vectors. Left out when the user picks a collector.
gc_opts="-XX:+UseG1GC"
for opt in $user_opts; do
    case $opt in
        -XX:+Use*GC) gc_opts="" ;;
    esac
done

# The Vector API is an incubator module, and the JVM announces one on stderr whenever it is
# resolved ("WARNING: Using incubator modules"). Only serving uses it (the server's log names the
# kernels in use): a command that answers and exits (--help, --version, a subcommand such as
# `keys`) runs without it, so that it prints only what was asked.
vector_module=jdk.incubator.vector,
case ${1:-} in
    -*|"") ;;
    *) vector_module="" ;;
esac
for arg in "$@"; do
    case $arg in
        --help|-h|--version) vector_module="" ;;
    esac
done

# Heap: a size from the memory the process may use (the container's limit, else the RAM), the
# rule Cassandra's launcher made familiar: half of it up to 1 GiB, a quarter of it up to 8 GiB,
# whichever is larger (2 GiB: 1 GiB; 8 GiB: 2 GiB; 24 GiB: 6 GiB; 64 GiB and up: 8 GiB). The rest
# stays with the OS page cache that serves the log and snapshots, and with other programs: a
# database started on a workstation should not claim half of it. The heap starts small and grows
# as data arrives. Left out when the user sizes the heap (-Xmx, -Xms, -XX:MaxRAM...): a user's -Xms
# above this default would otherwise stop the JVM ("initial heap size larger than the maximum"),
# and the JVM's own rule then applies (a quarter of the memory, at least -Xms).
heap_mb() {
    limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || echo max)
    ram_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo 2>/dev/null || echo 0)
    awk -v limit="$limit" -v ram_kb="$ram_kb" 'BEGIN {
        mb = ram_kb / 1024
        if (limit ~ /^[0-9]+$/ && limit / 1048576 < mb) mb = limit / 1048576
        if (mb <= 0) { print 1024; exit }
        half = mb / 2; if (half > 1024) half = 1024
        quarter = mb / 4; if (quarter > 8192) quarter = 8192
        print int(half > quarter ? half : quarter)
    }'
}
heap_opts="-Xmx$(heap_mb)m"
for opt in $user_opts; do
    case $opt in
        -Xmx*|-Xms*|-XX:MaxHeapSize=*|-XX:InitialHeapSize=*|-XX:MaxRAM=*|-XX:MaxRAMPercentage=*) heap_opts="" ;;
    esac
done

# Transparent huge pages cut page-fault costs for large heaps.
# OOM: exit rather than serve from a broken state; the log restores the data on restart.
# Modules: the Vector API for the distance kernels; jdk.unsupported because Netty and protobuf use
# sun.misc.Unsafe, and on the module path nothing resolves it unless asked. The Netty flags let it
# use its native transport and direct buffers without warnings (gRPC's Netty, and the Netty shaded
# into Ratis, the Raft engine of cluster mode).
jvm_opts="$gc_opts $heap_opts
    -XX:+UseTransparentHugePages
    -XX:+ExitOnOutOfMemoryError
    --add-modules ${vector_module}jdk.unsupported
    --sun-misc-unsafe-memory-access=allow
    --enable-native-access=io.grpc.netty.shaded,org.apache.ratis
    --add-opens java.base/java.nio=io.grpc.netty.shaded
    -Dio.grpc.netty.shaded.io.netty.tryReflectionSetAccessible=true"

# Class-data sharing: lib/vectaraft.jsa holds the application's classes already parsed and
# verified, as loaded by one start of this image (a dynamic archive on top of the JDK's own
# lib/server/classes.jsa). The JVM checks that it matches this runtime and these exact jar paths,
# and silently runs without it when not (the image was moved, or its jars changed): the logging
# off switches keep that fallback, and the JVM's notes about the module path, off the console.
# --create-cds-archive makes it with a training run that starts the server on free ports with a
# scratch log, stops it, and moves the archive into place in one step (running servers keep the
# old one mapped).
archive=$home/lib/vectaraft.jsa
main="-m io.vectaraft.server/io.vectaraft.server.Main"

if [ "${1:-}" = "--create-cds-archive" ]; then
    if [ ! -w "$home/lib" ]; then
        echo "vectaraft: cannot write $home/lib: run --create-cds-archive as the image's owner" >&2
        exit 1
    fi
    # Written beside its final place, then renamed: never half-written, and never rewritten in
    # place under a running server that maps it.
    scratch=$(mktemp -d)
    partial=$archive.$$.partial
    trap 'rm -rf "$scratch" "$partial"' EXIT
    # shellcheck disable=SC2086  # word splitting of the option strings is intended
    if "$home/bin/java" $jvm_opts $user_opts "-XX:ArchiveClassesAtExit=$partial" \
        -Xlog:cds=off,cds+dynamic=off -Dvectaraft.cdsTraining=true "-Dvectaraft.home=$home" \
        -p "$home/app" $main --port 0 --metrics-addr 127.0.0.1:0 --wal-path "$scratch/wal.jsonl" \
        >"$scratch/out" 2>&1 && [ -s "$partial" ]; then
        mv -f "$partial" "$archive"
        echo "vectaraft: wrote $archive ($(du -k "$archive" | cut -f1) KB)"
        exit 0
    fi
    cat "$scratch/out" >&2
    echo "vectaraft: the training run failed; no archive written" >&2
    exit 1
fi

# The command line, built in $@ so that paths with spaces stay one word: the defaults, the
# archive, the user's options (last, so they win), the application, its arguments.
# shellcheck disable=SC2086  # word splitting of the option strings is intended
set -- $user_opts "-Dvectaraft.home=$home" -p "$home/app" $main "$@"
if [ -f "$archive" ]; then
    set -- "-XX:SharedArchiveFile=$archive" -Xlog:cds=off,cds+dynamic=off "$@"
fi
# shellcheck disable=SC2086
exec "$home/bin/java" $jvm_opts "$@"
