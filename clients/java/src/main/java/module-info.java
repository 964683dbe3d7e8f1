/** Example Java client of the vectaraft gRPC API. */
module io.vectaraft.client {
    requires io.vectaraft.api;
    requires io.grpc.netty.shaded;

    exports io.vectaraft.client;
}
