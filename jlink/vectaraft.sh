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

# Heap: half the RAM (or the container limit), leaving the rest to the OS page cache that serves
# the log and snapshots. Transparent huge pages cut page-fault costs for large heaps.
# OOM: exit rather than serve from a broken state; the log restores the data on restart.
# Modules: the Vector API for the distance kernels; jdk.unsupported because Netty and protobuf use
# sun.misc.Unsafe, and on the module path nothing resolves it unless asked. The Netty flags let it
# use its native transport and direct buffers without warnings (gRPC's Netty, and the Netty shaded
# into Ratis, the Raft engine of cluster mode).
jvm_opts="$gc_opts
    -XX:MaxRAMPercentage=50
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
