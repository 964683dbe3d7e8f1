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
# Relink when the modules, the JDK or this script change.
stamp="$modules $("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | grep 'java.runtime.version') $(cksum <"$0")"

if [[ ! -f $runtime/.stamp || $(cat "$runtime/.stamp") != "$stamp" ]]; then
    echo "jlink: linking JDK modules $modules"
    rm -rf "$runtime"
    "$jdk/bin/jlink" --add-modules "$modules" --output "$runtime" \
        --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
        --generate-cds-archive
    # jlink writes two CDS archives; the one for heaps above 32 GB (no compressed oops) costs
    # 15 MB for a start-up gain only such heaps would see.
    rm -f "$runtime/lib/server/classes_nocoops.jsa"
    printf '%s' "$stamp" >"$runtime/.stamp"
fi

# The runtime is for this platform only, so Netty's native libraries for other platforms
# (macOS, Windows, the other CPU) are dead weight: about 8 MB of the 10 MB grpc-netty-shaded jar,
# and as much of the Ratis bundle (its shaded Netty).
trim_foreign_natives() {
    local cpu jar entries foreign
    case $(uname -m) in
        x86_64) cpu=x86_64 ;;
        aarch64) cpu=aarch_64 ;;
        *) return 0 ;;
    esac
    if ! command -v zip >/dev/null; then
        echo "jlink: zip not found, keeping Netty's native libraries for every platform" >&2
        return 0
    fi
    for jar in "$1"/grpc-netty-shaded-*.jar "$1"/vectaraft-ratis-bundle*.jar; do
        [[ -e $jar ]] || continue
        # Keep this platform's libraries (…_x86_64.so) and the directory entry.
        entries=$(unzip -Z1 "$jar" 'META-INF/native/*')
        mapfile -t foreign < <(grep -v -e "_$cpu\.so\$" -e '/$' <<<"$entries" || true)
        if ((${#foreign[@]})); then
            zip -q -d "$jar" "${foreign[@]}"
        fi
    done
}

# Assemble the image beside the final place and swap it in, so a failed build never leaves a
# half-made image that run.sh would take for an up-to-date one.
staging=$target/.$name.staging
rm -rf "$staging"
cp -a "$runtime" "$staging"
rm -f "$staging/.stamp"
mkdir -p "$staging/app"
cp "$libs"/*.jar "$staging/app/"
trim_foreign_natives "$staging/app"
sed "s/@VERSION@/$version/g" "$here/vectaraft.sh" >"$staging/bin/vectaraft"
chmod 755 "$staging/bin/vectaraft"
printf '%s\n' "$version" >"$staging/VERSION"
rm -rf "$image"
mv "$staging" "$image"

tar -czf "$target/$name.tar.gz" -C "$target" "$name"
echo "jlink: image $image ($(du -sh "$image" | cut -f1)), tarball $target/$name.tar.gz ($(du -sh "$target/$name.tar.gz" | cut -f1))"

# The class-data-sharing archive, made where the image now is: it records the jars' absolute
# paths, so it is valid only here and is not in the tarball (see README.md, "Start-up").
"$image/bin/vectaraft" --create-cds-archive
