#!/usr/bin/env bash
# Pings a vectaraft server with the Java client:
#   clients/java/ping.sh [--api-key K] [--tls-ca CA.pem [--tls-cert C.pem --tls-key K.pem]] [--timeout S] [HOST:PORT[,HOST:PORT...]]
# (default 127.0.0.1:50051; several addresses, comma-separated: a node answering UNAVAILABLE is passed over for the next). Builds the client first if it is missing or stale.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export JAVA_HOME=${VECTARAFT_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
target_dir=$root/clients/java/target
jar=$target_dir/vectaraft-client-java.jar
if [[ ! -f $jar || ! -d $target_dir/libs ]] \
    || [[ -n $(find "$root/clients/java/src" "$root/clients/java/pom.xml" "$root/proto" -newer "$jar" -print -quit) ]]; then
    echo "ping.sh: building the Java client..." >&2
    (cd "$root" && mvn -B -q -pl clients/java -am package -DskipTests) >&2
fi
# jdk.unsupported: Netty and protobuf use sun.misc.Unsafe, and on the module path nothing
# resolves that module unless asked; the other flags let Netty use direct buffers quietly.
exec "$JAVA_HOME/bin/java" --add-modules jdk.unsupported --sun-misc-unsafe-memory-access=allow \
    --enable-native-access=io.grpc.netty.shaded --add-opens java.base/java.nio=io.grpc.netty.shaded \
    -Dio.grpc.netty.shaded.io.netty.tryReflectionSetAccessible=true \
    -p "$jar:$target_dir/libs" -m io.vectaraft.client/io.vectaraft.client.PingClient "$@"
