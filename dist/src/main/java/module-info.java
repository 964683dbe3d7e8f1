/**
 * The runtime image's main module: starts {@code io.vectaraft.server}. Its {@code requires} pull in
 * the JDK modules that the server's libraries use without declaring them (Netty and protobuf use
 * {@code sun.misc.Unsafe}; the index's Vector API kernels are an optional dependency), so the
 * launcher needs no {@code --add-modules}, an option that stops the JVM from using the module graph
 * archived in the image's AOT cache.
 */
module io.vectaraft.launcher {
    requires io.vectaraft.server;
    requires jdk.incubator.vector;
    requires jdk.unsupported;
}
