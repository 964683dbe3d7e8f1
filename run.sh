#!/usr/bin/env bash
# Builds whatever is missing, then runs the vectaraft server in the foreground:
#
#   ./run.sh [server flags]        e.g. ./run.sh --port 50052 --no-wal     ./run.sh --help
#
# Selects JDK 25 itself (VECTARAFT_JDK overrides), builds the jlink runtime image
# dist/target/vectaraft-<version>/ with Maven (tests skipped) unless it is newer than every
# source, then execs the image's bin/vectaraft with the flags given. JVM options:
# VECTARAFT_JAVA_OPTS (see jlink/README.md).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export JAVA_HOME=${VECTARAFT_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [[ ! -x $JAVA_HOME/bin/jlink ]]; then
    echo "run.sh: no JDK at $JAVA_HOME: expected a JDK 25 with jlink (set VECTARAFT_JDK)" >&2
    exit 1
fi
export PATH=$JAVA_HOME/bin:$PATH

# The project version: the <version> right after the root POM's own artifactId.
version=$(awk '/<artifactId>vectaraft-parent<\/artifactId>/ { found = 1; next }
               found && /<version>/ { gsub(/.*<version>|<\/version>.*/, ""); print; exit }' \
          "$root/pom.xml")
launcher=$root/dist/target/vectaraft-$version/bin/vectaraft

# build-image.sh rewrites the launcher last, so its mtime is the image's build time.
stale() {
    [[ ! -x $launcher ]] && return 0
    [[ -n $(find "$root/pom.xml" "$root/proto" "$root/modules" "$root/dist/pom.xml" "$root/jlink" \
                 -name target -prune -o -type f -newer "$launcher" -print -quit) ]]
}

if stale; then
    echo "run.sh: building vectaraft $version (the first build downloads dependencies)..." >&2
    (cd "$root" && mvn -B -q -ntp -pl dist -am package -DskipTests) >&2
fi
exec "$launcher" "$@"
