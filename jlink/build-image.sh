#!/usr/bin/env bash
# Builds the vectaraft runtime image and its tarball (run by the dist module at `package`):
#
#   build-image.sh JDK_HOME LIBS_DIR VERSION TARGET_DIR
#
# JDK_HOME    the JDK whose jlink and modules are used (the one running Maven)
# LIBS_DIR    the server's runtime jars: vectaraft-*.jar and every library (dist's copy-libs)
# VERSION     the project version from the POM
# TARGET_DIR  where vectaraft-VERSION/ and vectaraft-VERSION.tar.gz go
#
# The JDK part is linked only when the module list or the JDK changed (jlink takes ~10 s);
# the application jars and the launcher are refreshed every time.
set -euo pipefail

jdk=$1 libs=$2 version=$3 target=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=vectaraft-$version
image=$target/$name
runtime=$target/jlink-runtime

modules=$(grep -v '^[[:space:]]*\(#\|$\)' "$here/modules.txt" | paste -sd, -)
stamp="$modules $("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | grep 'java.runtime.version')"

if [[ ! -f $runtime/.stamp || $(cat "$runtime/.stamp") != "$stamp" ]]; then
    echo "jlink: linking JDK modules $modules"
    rm -rf "$runtime"
    "$jdk/bin/jlink" --add-modules "$modules" --output "$runtime" \
        --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
        --generate-cds-archive
    printf '%s' "$stamp" >"$runtime/.stamp"
fi

# Assemble the image beside the final place and swap it in, so a failed build never leaves a
# half-made image that run.sh would take for an up-to-date one.
staging=$target/.$name.staging
rm -rf "$staging"
cp -a "$runtime" "$staging"
rm -f "$staging/.stamp"
mkdir -p "$staging/app"
cp "$libs"/*.jar "$staging/app/"
sed "s/@VERSION@/$version/g" "$here/vectaraft.sh" >"$staging/bin/vectaraft"
chmod 755 "$staging/bin/vectaraft"
printf '%s\n' "$version" >"$staging/VERSION"
rm -rf "$image"
mv "$staging" "$image"

tar -czf "$target/$name.tar.gz" -C "$target" "$name"
echo "jlink: image $image ($(du -sh "$image" | cut -f1)), tarball $target/$name.tar.gz ($(du -sh "$target/$name.tar.gz" | cut -f1))"
