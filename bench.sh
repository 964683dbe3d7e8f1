#!/usr/bin/env bash
# Benchmarks of vectaraft beside its peers. See bench/README.md and docs/benchmarks.md.
#
#   ./bench.sh data fashion-mnist DIR                 convert Debian's dataset-fashion-mnist
#   ./bench.sh data synthetic DIR --n N --dim D [--clusters C --seed S --nq Q]
#   ./bench.sh flat    --data DIR --metric euclidean|cosine|dot --k 10 --threads N [--batch B]
#                      [--engine collection|raw] [--layout chunks|records] [--duration S]
#   ./bench.sh peers   (same options)      FAISS IndexFlat, same JSON line
#   ./bench.sh compare (same options)      both, then a table with ratios
#   ./bench.sh grpc    --addr HOST:PORT --data DIR --concurrency C --duration S [--upsert]
#                      [--api-key KEY] [--tls-ca PEM]
#   ./bench.sh security --data DIR [--passes 3]   plain vs API keys vs TLS vs both, ratios
#   ./bench.sh security-cpu --data DIR           server CPU per op with keys/TLS on vs off (load-robust)
#   ./bench.sh hnsw    --data DIR --m 16 --ef-construction 200 --ef 10,16,24,32,64,128
#                      [--quantization none] [--index-dir D] [--rebuild]
#                      builds into a directory once, then searches it in a fresh JVM
#   ./bench.sh lucene  (same options; --quantization none|int7|binary)   Lucene 10.6, same protocol
#   ./bench.sh filtered --data DIR --selectivity 0.001,0.01,0.1,0.5 [--index hnsw|flat]
#                      [--field-index on|off] [--ef 64] [--lucene on|off]
#                      filtered k-NN per selectivity (keyword tag, integer range), QPS and recall,
#                      beside Lucene 10.6 KnnFloatVectorQuery with a filter query
#   ./bench.sh hnsw-vs-lucene --data DIR [--quantization none|int8|binary] [--passes 3] [--out F]
#                      ours and Lucene alternated; median ratio at recall 0.95 with its spread
#   ./bench.sh plot-curves --out PNG [--machine TEXT] [--target 0.95] RESULTS.jsonl...
#                      recall@10 vs QPS of hnsw-vs-lucene result files, one subplot per file
#   ./bench.sh hnsw-peers --data DIR --m 16 --ef-construction 200 --ef ... --threads N
#                      hnswlib and FAISS IndexHNSWFlat, one JSON line per ef
#   ./bench.sh python-ingest --data DIR [--n N --batch 1000 --concurrency 2 --passes 5]
#                      [--paths sdk,raw,discard,encode]   upload through the Python SDK, beside the
#                      raw stubs, the in-process rate and the ceilings (a server that drops upserts,
#                      Python's encoding alone)
#   ./bench.sh ingest  --data DIR [--n N --batch 1000 --warmup 3 --passes 5]   upserts in process
#   ./bench.sh discard-server [--port 0 --parse protobuf|none]   gRPC server whose Upsert drops
#   ./bench.sh cluster [--seconds 15 --writers 16 --batch 100 --dim 768 --readers 8 --passes 3
#                      --warmup-passes 1 --kills 20 --latency-reads 500 --phases upserts,queries,failover
#                      --query-records 2000 --query-dim 128]
#                      3 nodes of a Raft group beside a standalone server (fsync always): upserts/s,
#                      LOCAL vs LINEARIZABLE queries/s and latency, write pause on a leader kill
#   ./bench.sh jmh     [JMH options, e.g. KernelBenchmark -p dim=784]
#   ./bench.sh wal throughput --dir D [--dims 128,768 --batches 1,100 --writers 1,16
#                      --policies memory,none,interval,always --warmup S --duration S]
#   ./bench.sh wal recovery-prepare --dir D [--n 1000000 --dim 128 --log-entries 20]
#   ./bench.sh wal recovery --dir D        time StorageEngine.open in a fresh JVM (WAL: modules/wal tests)
#   ./bench.sh soak    [--minutes 4] [--clients 8] [--ids-per-client 5000] [--sample-seconds 30]
#                      [--heap-probe gc|none] [--memory]   mixed load on the built image (./run.sh,
#                      default launcher options; server flags in SOAK_SERVER_FLAGS): latency per
#                      operation, RSS and heap after a forced GC over time; --memory: 30 min by
#                      default, a sample a minute, verdict on growth after the data plateaus
#                      (exit 1 when the heap after GC grows)
#
# Environment: BENCH_HEAP (default 4g), BENCH_JAVA_OPTS (extra JVM options), BENCH_REBUILD=1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
PY=/usr/bin/python3   # Debian's python: numpy and faiss live there, not in the pyenv first on PATH
JAR="$ROOT/bench/target/vectaraft-bench.jar"
HEAP="${BENCH_HEAP:-4g}"
# Measurement advice of docs/toolchain-notes: a fixed, pre-touched heap (page faults while the heap
# grows cost a lot on these VMs), THP, and the Vector API module.
JVM_OPTS=(-Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages
          --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)

# Maven online (the first build on a fresh machine downloads the harness's dependencies, JMH among
# them), quiet, tests skipped. The bench module links against this checkout's index and api modules
# in the same reactor, never a jar another build left in the local repository.
mvn_quiet() {
    (cd "$ROOT" && mvn -B -q -ntp -Dstyle.color=never "$@" -DskipTests) >&2
}

# True when $1 is missing or older than a source of the modules it is built from.
stale() {
    [[ "${BENCH_REBUILD:-0}" == 1 || ! -f "$1" ]] && return 0
    [[ -n $(find "$ROOT/pom.xml" "$ROOT/proto" "$ROOT/modules" "$ROOT/bench/pom.xml" "$ROOT/bench/src" \
                 -name target -prune -o -type f -newer "$1" -print -quit) ]]
}

build() {
    if stale "$JAR"; then
        echo "bench: building the index and api modules and the harness" >&2
        mvn_quiet -pl bench -am package
    fi
}

run_java() {
    build
    # stderr through the filter in a pipeline, not a process substitution: the function returns
    # once the filter has written everything (a caller reading the output after exit sees it all),
    # with java's status (pipefail).
    # shellcheck disable=SC2086
    { "$JAVA" "${JVM_OPTS[@]}" ${BENCH_JAVA_OPTS:-} -cp "$JAR:$ROOT/bench/target/libs/*" "$@" \
        2>&1 1>&3 3>&- | { grep -v -e 'Using incubator modules' || true; } >&2 3>&-; } 3>&1
}

cmd="${1:-}"
shift || true
case "$cmd" in
    data)
        kind="${1:?data: expected fashion-mnist or synthetic}"; shift
        case "$kind" in
            fashion-mnist) exec "$PY" "$ROOT/bench/tools/fashion_mnist.py" "$@" ;;
            synthetic) exec "$PY" "$ROOT/bench/tools/synthetic.py" "$@" ;;
            *) echo "bench data: expected fashion-mnist or synthetic, got $kind" >&2; exit 2 ;;
        esac ;;
    flat)
        # The index's scan pool has one worker per available processor: --threads N means N.
        threads=1; prev=""
        for arg in "$@"; do [[ "$prev" == --threads ]] && threads="$arg"; prev="$arg"; done
        BENCH_JAVA_OPTS="-XX:ActiveProcessorCount=$threads ${BENCH_JAVA_OPTS:-}" \
            run_java io.vectaraft.bench.BenchMain flat "$@" ;;
    grpc) run_java io.vectaraft.bench.BenchMain grpc "$@" ;;
    ingest) run_java io.vectaraft.bench.BenchMain ingest "$@" ;;
    discard-server) run_java io.vectaraft.bench.BenchMain discard-server "$@" ;;
    python-ingest) build; exec "$PY" "$ROOT/bench/tools/python_ingest.py" "$@" ;;
    security) build; exec "$PY" "$ROOT/bench/tools/security_suite.py" "$@" ;;
    security-cpu) build; exec "$PY" "$ROOT/bench/tools/security_cpu.py" "$@" ;;
    hnsw)
        # Two JVMs: the build (skipped when the index directory holds the same build), then the
        # search of the index loaded from disk (docs/toolchain-notes.md: a fresh JVM).
        run_java io.vectaraft.bench.BenchMain hnsw-build "$@"
        run_java io.vectaraft.bench.BenchMain hnsw-search "$@" ;;
    lucene)
        run_java io.vectaraft.bench.BenchMain lucene-build "$@"
        run_java io.vectaraft.bench.BenchMain lucene-search "$@" ;;
    filtered) run_java io.vectaraft.bench.BenchMain filtered "$@" ;;
    hnsw-vs-lucene) build; exec "$PY" "$ROOT/bench/tools/alternate.py" "$@" ;;
    plot-curves) exec "$PY" "$ROOT/bench/tools/plot_curves.py" "$@" ;;   # matplotlib: python3-matplotlib
    hnsw-peers) exec "$PY" "$ROOT/bench/tools/hnsw_peers.py" "$@" ;;
    peers) exec "$PY" "$ROOT/bench/tools/faiss_flat.py" "$@" ;;
    compare)
        ours="$("$0" flat "$@")"
        echo "$ours" >&2
        peer="$("$0" peers "$@")"
        echo "$peer" >&2
        "$PY" "$ROOT/bench/tools/compare.py" "$ours" "$peer" ;;
    wal)
        # The WAL benchmark lives in modules/wal's test sources (io.vectaraft.wal.WalBench).
        WAL="$ROOT/modules/wal/target"
        if stale "$WAL/bench-classpath.txt"; then
            echo "bench: building the index and wal modules" >&2
            # One reactor: the classpath then names the index module's classes, not a jar that
            # would have to be in the local repository.
            mvn_quiet -pl modules/wal -am test-compile dependency:build-classpath \
                -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime
            touch "$WAL/bench-classpath.txt" # the newest build, even when no class changed
        fi
        # shellcheck disable=SC2086
        "$JAVA" "${JVM_OPTS[@]}" ${BENCH_JAVA_OPTS:-} \
            -cp "$ROOT/modules/index/target/classes:$WAL/classes:$WAL/test-classes:$(cat "$WAL/bench-classpath.txt")" \
            io.vectaraft.wal.WalBench "$@" 2> >(grep -v -e 'Using incubator modules' >&2) ;;
    soak)
        # The load driver lives in modules/server's test sources (io.vectaraft.server.SoakBench);
        # the server is the runtime image as ./run.sh builds and starts it, with its own launcher
        # defaults, in a scratch directory.
        SRV="$ROOT/modules/server/target"
        if stale "$SRV/soak-classpath.txt"; then
            echo "bench: building the server module and its tests" >&2
            # package, not test-compile: the cluster module compiles against the shaded Ratis
            # jar, which exists only from the package phase on (its classes dir is no module).
            mvn_quiet -pl modules/server -am package dependency:build-classpath \
                -Dmdep.outputFile=target/soak-classpath.txt -Dmdep.includeScope=test
            touch "$SRV/soak-classpath.txt"
        fi
        work=$(mktemp -d)
        port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        echo "bench: starting the server (./run.sh, log in $work/server.log)" >&2
        # shellcheck disable=SC2086
        "$ROOT/run.sh" --port "$port" --no-metrics --wal-path "$work/wal.jsonl" ${SOAK_SERVER_FLAGS:-} \
            >"$work/server.log" 2>&1 &
        server=$!
        # Cleanup on any exit. `|| true` because the server stopped by SIGTERM exits 143, and a
        # failing command inside an EXIT trap under `set -e` would become the script's status.
        trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
        cp="$ROOT/modules/api/target/classes:$ROOT/modules/index/target/classes:$ROOT/modules/wal/target/classes"
        cp="$cp:$SRV/classes:$SRV/test-classes:$(cat "$SRV/soak-classpath.txt")"
        # The driver is the client: a small heap of its own, apart from the server's.
        status=0
        "$JAVA" -Xmx1g -cp "$cp" io.vectaraft.server.SoakBench --addr "127.0.0.1:$port" \
            --pid "$server" "$@" || status=$?
        echo "bench: server log (maintenance, snapshots, warnings):" >&2
        grep -v -e 'request failed' "$work/server.log" | grep -e 'ms' -e WARN -e SEVERE -e ERROR \
            | tail -40 >&2 || true
        exit "$status" ;;
    cluster)
        # Three server processes of a Raft group on this machine beside a standalone server with
        # fsync always; the driver and the node harness live in modules/server's test sources
        # (io.vectaraft.server.ClusterBench, ClusterNode). Nodes get CLUSTER_NODE_HEAP (default 4g)
        # and CLUSTER_NODE_JAVA_OPTS (extra JVM options, e.g. a JFR recording).
        SRV="$ROOT/modules/server/target"
        # package, not test-compile: Ratis reaches the classpath as the bundle jar.
        if stale "$SRV/cluster-classpath.txt"; then
            echo "bench: building the server module and its tests" >&2
            mvn_quiet -pl modules/server -am package dependency:build-classpath \
                -Dmdep.outputFile=target/cluster-classpath.txt -Dmdep.includeScope=test
            touch "$SRV/cluster-classpath.txt"
        fi
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        cp="$ROOT/modules/api/target/classes:$ROOT/modules/index/target/classes:$ROOT/modules/wal/target/classes"
        cp="$cp:$SRV/classes:$SRV/test-classes:$(cat "$SRV/cluster-classpath.txt")"
        "$JAVA" -Xmx1g -Dvectaraft.cluster.node-heap="${CLUSTER_NODE_HEAP:-4g}" \
            -Dvectaraft.cluster.node-java-opts="${CLUSTER_NODE_JAVA_OPTS:-}" -cp "$cp" \
            io.vectaraft.server.ClusterBench --dir "$work" "$@" \
            2> >(grep -v -e 'Using incubator modules' >&2) ;;
    jmh) run_java org.openjdk.jmh.Main -jvmArgsAppend "-Xms2g -Xmx2g -XX:+AlwaysPreTouch --add-modules jdk.incubator.vector" "$@" ;;
    *) sed -n '2,50p' "$0" >&2; exit 2 ;;
esac
