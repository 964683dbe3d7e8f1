/** The vectaraft server: gRPC on grpc-java's Netty server, HTTP observability on Helidon SE. */
module io.vectaraft.server {
    requires transitive io.vectaraft.api;
    requires transitive io.vectaraft.wal;
    requires io.vectaraft.cluster;
    requires io.grpc.netty.shaded;
    requires io.grpc.services;
    requires io.helidon.webserver;
    requires io.helidon.config;
    requires io.helidon.config.yaml;
    requires io.helidon.webserver.observe;
    requires io.helidon.webserver.observe.metrics;
    requires io.helidon.webserver.observe.health;
    requires io.helidon.health;
    requires io.helidon.health.checks;
    requires io.helidon.metrics.api;
    requires micrometer.core;
    requires io.helidon.logging.common;
    requires java.logging;
    requires java.management;
    requires jdk.management;
    requires jdk.unsupported;
    requires org.yaml.snakeyaml;
    requires io.grpc.util;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;
    requires io.opentelemetry.sdk.common;
    requires io.opentelemetry.sdk.trace;
    requires io.opentelemetry.exporter.otlp;

    exports io.vectaraft.server;
    exports io.vectaraft.server.config;
    exports io.vectaraft.server.grpc;
    exports io.vectaraft.server.recall;
    exports io.vectaraft.server.auth;
    exports io.vectaraft.server.tls;
    exports io.vectaraft.server.trace;
}
