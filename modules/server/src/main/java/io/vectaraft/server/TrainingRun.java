package io.vectaraft.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.DeleteCollectionRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import io.vectaraft.server.config.HostPort;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The class-data-sharing training run of {@code bin/vectaraft --create-cds-archive}: after the
 * server started, calls it over real sockets the way a first client and a first scrape do, so that
 * the classes of a first call (Netty's HTTP/2 path, the protobuf messages, the meters) are archived
 * with those of the start. Without these calls the archive made the first Ping arrive ~0.2 s of CPU
 * later.
 *
 * <p>Only run on an empty store (the launcher gives it a scratch log): it creates and drops a
 * collection.
 */
final class TrainingRun {
    static final String COLLECTION = "cds-training";

    private TrainingRun() {}

    static void exercise(VectaraftServer server) {
        if (!server.store().orElseThrow().database().list().isEmpty()) {
            throw new IllegalStateException(
                    "training run: expected an empty store, got existing collections");
        }
        HostPort grpc = server.grpcAddress();
        ManagedChannel channel =
                NettyChannelBuilder.forAddress(grpc.host(), grpc.port()).usePlaintext().build();
        try {
            VectorServiceBlockingStub stub =
                    VectorServiceGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(60, TimeUnit.SECONDS);
            stub.ping(PingRequest.getDefaultInstance());
            stub.createCollection(
                    CreateCollectionRequest.newBuilder()
                            .setName(COLLECTION)
                            .setDimension(4)
                            .setMetric(Metric.COSINE)
                            .build());
            stub.upsert(
                    UpsertRequest.newBuilder()
                            .setCollection(COLLECTION)
                            .addRecords(
                                    Record.newBuilder()
                                            .setId("a")
                                            .addAllValues(List.of(1f, 0f, 0f, 0f)))
                            .build());
            stub.query(
                    QueryRequest.newBuilder()
                            .setCollection(COLLECTION)
                            .addAllVector(List.of(1f, 0f, 0f, 0f))
                            .setTopK(1)
                            .build());
            stub.deleteCollection(DeleteCollectionRequest.newBuilder().setName(COLLECTION).build());
        } finally {
            channel.shutdownNow();
        }
        server.metricsAddress().ifPresent(TrainingRun::scrape);
    }

    /**
     * GET /metrics over a plain socket, HTTP/1.1 as Prometheus scrapes. Reads exactly the
     * Content-Length: Helidon answers "Connection: close" but keeps the socket open a while.
     */
    private static void scrape(HostPort http) {
        try (Socket socket = new Socket(http.host(), http.port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(
                    ("GET /metrics HTTP/1.1\r\nHost: " + http + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(
                                    socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String status = in.readLine();
            if (status == null || !status.startsWith("HTTP/1.1 200")) {
                throw new IOException("expected HTTP/1.1 200, got " + status);
            }
            long length = -1;
            for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Long.parseLong(h.substring(15).strip());
                }
            }
            if (length < 0 || in.skip(length) != length) {
                throw new IOException("expected a body of Content-Length bytes, got less");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("training run: GET /metrics on " + http, e);
        }
    }
}
