#!/bin/sh
# vectaraft @VERSION@ launcher: runs the server on the Java runtime of this image.
# Every argument is passed to the server (see `vectaraft --help`).
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

# Heap: half the RAM (or the container limit), leaving the rest to the OS page cache that serves
# the log and snapshots. Transparent huge pages cut page-fault costs for large heaps.
# OOM: exit rather than serve from a broken state; the log restores the data on restart.
# Modules: the Vector API for the distance kernels; jdk.unsupported because Netty and protobuf use
# sun.misc.Unsafe, and on the module path nothing resolves it unless asked. The Netty flags let it
# use its native transport and direct buffers without warnings.
jvm_opts="$gc_opts
    -XX:MaxRAMPercentage=50
    -XX:+UseTransparentHugePages
    -XX:+ExitOnOutOfMemoryError
    --add-modules jdk.incubator.vector,jdk.unsupported
    --sun-misc-unsafe-memory-access=allow
    --enable-native-access=io.grpc.netty.shaded
    --add-opens java.base/java.nio=io.grpc.netty.shaded
    -Dio.grpc.netty.shaded.io.netty.tryReflectionSetAccessible=true"

# shellcheck disable=SC2086  # word splitting of the option strings is intended
exec "$home/bin/java" $jvm_opts $user_opts "-Dvectaraft.home=$home" \
    -p "$home/app" -m io.vectaraft.server/io.vectaraft.server.Main "$@"
