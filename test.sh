#!/usr/bin/env bash
# Runs every test: unit and gRPC integration tests of every module, the runtime-image tests
# (bin/vectaraft as a real process) and the Python client tests, with JDK 25 selected:
#
#   ./test.sh [extra Maven arguments]
#
# Needs Debian's python3-grpcio, python3-grpc-tools and python3-protobuf (.ci/run installs them).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export JAVA_HOME=${VECTARAFT_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [[ ! -x $JAVA_HOME/bin/jlink ]]; then
    echo "test.sh: no JDK at $JAVA_HOME: expected a JDK 25 with jlink (set VECTARAFT_JDK)" >&2
    exit 1
fi
export PATH=$JAVA_HOME/bin:$PATH

if ! /usr/bin/python3 -c 'import grpc, grpc_tools.protoc, google.protobuf' 2>/dev/null; then
    echo "test.sh: /usr/bin/python3 lacks grpc: apt-get install -y python3-grpcio" \
         "python3-grpc-tools python3-protobuf (or run .ci/run)" >&2
    exit 1
fi

cd "$root"
exec mvn -B -ntp verify "$@"
