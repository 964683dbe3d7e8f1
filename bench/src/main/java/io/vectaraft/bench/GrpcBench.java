package io.vectaraft.bench;

final class GrpcBench {
    static void run(Args a) {
        throw new IllegalArgumentException("grpc: not built yet");
    }
}
