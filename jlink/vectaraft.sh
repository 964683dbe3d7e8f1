#!/bin/sh
# vectaraft @VERSION@ launcher: runs the server on the Java runtime of this image.
# Every argument is passed to the server (see `vectaraft --help`).
#
# JVM options: the defaults below, then $VECTARAFT_JAVA_OPTS, which wins on conflict
# (HotSpot takes the last -Xmx/-XX:... it sees). Examples:
#   VECTARAFT_JAVA_OPTS="-Xms8g -Xmx8g -XX:+AlwaysPreTouch"  fixed, pre-touched heap (benchmarks, production)
#   VECTARAFT_JAVA_OPTS="-XX:+UseZGC"                         another collector (replaces the G1 default)
# Start-up cache: VECTARAFT_AOT=off runs without lib/vectaraft.aot (see jlink/README.md).
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
# Netty: its native transport and direct buffers, without JDK 25 warnings. (The Vector API and
# jdk.unsupported are resolved by the main module's `requires`, not --add-modules, which would
# keep the JVM from using the module graph archived in the AOT cache.)
jvm_opts="$gc_opts
    -XX:MaxRAMPercentage=50
    -XX:+UseTransparentHugePages
    -XX:+ExitOnOutOfMemoryError
    --sun-misc-unsafe-memory-access=allow
    --enable-native-access=io.grpc.netty.shaded
    --add-opens java.base/java.nio=io.grpc.netty.shaded
    -Dio.grpc.netty.shaded.io.netty.tryReflectionSetAccessible=true"
main=io.vectaraft.launcher/io.vectaraft.launcher.Launcher

# AOT cache (JDK 25): classes and the resolved module graph of ~100 jars, loaded in milliseconds
# instead of parsed at every start. It is valid only for this image at this path, so it records
# the path and is made on the first start here (about 2 s, once) when lib/ is writable.
aot=$home/lib/vectaraft.aot
aot_ready() {
    [ -f "$aot" ] && [ "$(cat "$aot.home" 2>/dev/null)" = "$home" ]
}
# The java command line, built back to front so that paths may contain spaces: JVM defaults,
# cache, user options, then the main module and the server's arguments.
set -- "-Dvectaraft.home=$home" -p "$home/app" -m $main "$@"
# shellcheck disable=SC2086  # word splitting of the user's option string is intended
set -- $user_opts "$@"
if [ "${VECTARAFT_AOT:-on}" != off ]; then
    if ! aot_ready && [ -w "$home/lib" ]; then
        tmp=$aot.$$.tmp
        # shellcheck disable=SC2086
        if "$home/bin/java" $jvm_opts "-XX:AOTCacheOutput=$tmp" "-Dvectaraft.home=$home" \
                -p "$home/app" -m $main --version >/dev/null 2>&1 && [ -f "$tmp" ]; then
            mv -f "$tmp" "$aot" && printf '%s\n' "$home" >"$aot.home"
        fi
        rm -f "$tmp" "$tmp.config"
    fi
    # -Xlog:aot=off: if user options make the cache unusable, the JVM quietly starts without it.
    if aot_ready; then
        set -- "-XX:AOTCache=$aot" -Xlog:aot=off "$@"
    fi
fi

# shellcheck disable=SC2086  # word splitting of the option strings is intended
exec "$home/bin/java" $jvm_opts "$@"
