/** Generated protobuf messages and grpc-java stubs of the vectaraft.v1 API. */
module io.vectaraft.api {
    requires transitive com.google.protobuf;
    requires transitive io.grpc;
    requires transitive io.grpc.stub;
    requires transitive io.grpc.protobuf;
    requires transitive com.google.common;

    exports io.vectaraft.api.v1;
}
