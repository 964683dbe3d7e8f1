# vectaraft in a container: the jlink runtime image on a slim base, run as a non-root user.
#
#   ./run.sh --version                     # or: mvn -pl dist -am package -DskipTests
#   docker build -t vectaraft .
#   # a key file (the key is printed once; the directory must be writable by uid 10001)
#   docker run --rm -v "$PWD/secrets:/etc/vectaraft" vectaraft keys create --id ops --role admin \
#       --file /etc/vectaraft/keys.yaml
#   # serve with keys and TLS (server.pem / server.key: PEM certificate and PKCS#8 key)
#   docker run -p 50051:50051 -p 9100:9100 -v vectaraft-data:/data \
#       -v "$PWD/secrets:/etc/vectaraft:ro" \
#       -e VECTARAFT_API_KEYS_FILE=/etc/vectaraft/keys.yaml \
#       -e VECTARAFT_TLS_CERT=/etc/vectaraft/server.pem -e VECTARAFT_TLS_KEY=/etc/vectaraft/server.key \
#       vectaraft
#
# The server listens on 0.0.0.0 here, so it refuses to start without API keys or mutual TLS
# (set VECTARAFT_INSECURE=1 only on a network where every client may read and write everything).
# Key file and certificates are re-read when they change (or on `docker kill -s HUP`).
#
# The image is built on the host first (the tarball carries its own Java runtime, so no JDK in
# the container); the runtime links against glibc, hence Debian slim and not Alpine.
FROM debian:bookworm-slim

# ADD unpacks the local tarball (dist/target/vectaraft-<version>.tar.gz, version from the POM).
ADD dist/target/vectaraft-*.tar.gz /opt/
# --create-cds-archive: the class-data-sharing archive for this path (the tarball has none, as
# it is valid only where it was made; see jlink/README.md): about half the start-up CPU.
RUN ln -s /opt/vectaraft-* /opt/vectaraft \
    && /opt/vectaraft/bin/vectaraft --create-cds-archive \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home vectaraft \
    && mkdir -p /data && chown vectaraft:vectaraft /data

USER vectaraft
WORKDIR /data
VOLUME /data
# gRPC, then HTTP /metrics and /health
EXPOSE 50051 9100

# Bind all interfaces inside the container (the default is loopback) and keep the log on the
# volume. Set through the environment, so they hold when you pass your own flags after the image
# name (flags still win over them); JVM options go in VECTARAFT_JAVA_OPTS.
ENV VECTARAFT_GRPC_ADDR=0.0.0.0:50051 \
    VECTARAFT_METRICS_ADDR=0.0.0.0:9100 \
    VECTARAFT_WAL_PATH=/data/wal.jsonl
ENTRYPOINT ["/opt/vectaraft/bin/vectaraft"]
