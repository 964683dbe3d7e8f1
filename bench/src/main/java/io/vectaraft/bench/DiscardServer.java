package io.vectaraft.bench;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.vectaraft.api.v1.CollectionInfo;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.DeleteCollectionRequest;
import io.vectaraft.api.v1.DeleteCollectionResponse;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.PingResponse;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.UpsertResponse;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * The ceiling of a client's upload rate: a gRPC server with vectaraft's service and transport
 * (grpc-java's Netty server on virtual threads, the same message limit) whose Upsert stores
 * nothing. {@code --parse protobuf} parses each request with the generated message's parser and
 * decodes every packed vector into a {@code float[]}, then drops them; {@code --parse none} drops
 * the request's bytes unread. CreateCollection echoes the collection (what the Python SDK needs to
 * upload), DeleteCollection and Ping answer; nothing else is served. Prints {@code gRPC listening
 * on HOST:PORT} (as the server does) and serves until killed.
 */
final class DiscardServer {
    private DiscardServer() {}

    static void run(Args a) throws Exception {
        int port = a.integer("port", 0);
        String parse = a.choice("parse", "protobuf", java.util.List.of("protobuf", "none"));
        int maxMessageBytes = a.integer("max-message-bytes", 64 << 20);
        int window = a.integer("flow-control-window", 0); // 0: grpc's default (1 MiB)
        a.rejectUnknown();
        ServerServiceDefinition service = new Discarding().bindService();
        if (parse.equals("none")) {
            service = unparsedUpsert(service);
        }
        NettyServerBuilder builder =
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                        .executor(Executors.newVirtualThreadPerTaskExecutor())
                        .maxInboundMessageSize(maxMessageBytes)
                        .addService(service);
        if (window > 0) {
            builder.flowControlWindow(window);
        }
        Server server = builder.build().start();
        System.out.println(
                "gRPC listening on 127.0.0.1:" + server.getPort() + " (parse " + parse + ")");
        System.out.flush();
        server.awaitTermination();
    }

    /** The service with Upsert's request bytes dropped unread (the reply counts no records). */
    private static ServerServiceDefinition unparsedUpsert(ServerServiceDefinition parsed) {
        MethodDescriptor<UpsertRequest, UpsertResponse> upsert =
                VectorServiceGrpc.getUpsertMethod();
        ServerServiceDefinition.Builder b =
                ServerServiceDefinition.builder(parsed.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> m : parsed.getMethods()) {
            if (!m.getMethodDescriptor().getFullMethodName().equals(upsert.getFullMethodName())) {
                b.addMethod(m);
            }
        }
        MethodDescriptor<Long, UpsertResponse> dropped =
                upsert.toBuilder(new Dropping(), upsert.getResponseMarshaller()).build();
        b.addMethod(
                dropped,
                ServerCalls.asyncUnaryCall(
                        (Long bytes, StreamObserver<UpsertResponse> reply) -> {
                            reply.onNext(UpsertResponse.getDefaultInstance());
                            reply.onCompleted();
                        }));
        return b.build();
    }

    /**
     * Closes the request's stream unread (grpc releases its buffers); the request is its size (a
     * unary handler refuses a null request).
     */
    private static final class Dropping implements MethodDescriptor.Marshaller<Long> {
        @Override
        public InputStream stream(Long value) {
            throw new UnsupportedOperationException("requests only");
        }

        @Override
        public Long parse(InputStream stream) {
            try (stream) {
                return (long) stream.available();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final class Discarding extends VectorServiceGrpc.VectorServiceImplBase {
        // Written by each upsert so that the decoding cannot be optimized away.
        private volatile float sink;

        @Override
        public void createCollection(
                CreateCollectionRequest request, StreamObserver<CollectionInfo> reply) {
            reply.onNext(
                    CollectionInfo.newBuilder()
                            .setName(request.getName())
                            .setDimension(request.getDimension())
                            .setMetric(request.getMetric())
                            .build());
            reply.onCompleted();
        }

        @Override
        public void deleteCollection(
                DeleteCollectionRequest request, StreamObserver<DeleteCollectionResponse> reply) {
            reply.onNext(DeleteCollectionResponse.getDefaultInstance());
            reply.onCompleted();
        }

        @Override
        public void ping(PingRequest request, StreamObserver<PingResponse> reply) {
            reply.onNext(PingResponse.newBuilder().setVersion("discard").build());
            reply.onCompleted();
        }

        @Override
        public void upsert(UpsertRequest request, StreamObserver<UpsertResponse> reply) {
            float last = 0;
            for (var r : request.getRecordsList()) {
                // The server's decoding of a packed vector (RecordTranslator), minus the checks.
                float[] v = new float[r.getPackedValues().size() / Float.BYTES];
                r.getPackedValues()
                        .asReadOnlyByteBuffer()
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer()
                        .get(v);
                last += v.length == 0 ? 0 : v[v.length - 1];
            }
            sink = last;
            reply.onNext(
                    UpsertResponse.newBuilder()
                            .setUpsertedCount(request.getRecordsCount())
                            .build());
            reply.onCompleted();
        }
    }
}
