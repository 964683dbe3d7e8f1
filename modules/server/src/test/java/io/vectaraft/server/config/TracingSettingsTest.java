package io.vectaraft.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.server.config.TracingSettings.Protocol;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tracing.*: off by default, an http(s) endpoint turns it on, the transport and ratio checked. */
class TracingSettingsTest {
    @TempDir Path dir;

    private TracingSettings load(Map<String, String> env, String... flags) {
        return ConfigLoader.load(CommandLine.parse(List.of(flags)), env, dir).config().tracing();
    }

    @Test
    void offByDefault() {
        TracingSettings t = load(Map.of());
        assertFalse(t.enabled());
        assertEquals(Protocol.HTTP_PROTOBUF, t.protocol());
        assertEquals(1.0, t.sampleRatio());
    }

    @Test
    void anEndpointFromFlagsOrEnvironmentTurnsItOn() {
        TracingSettings flags =
                load(
                        Map.of(),
                        "--otlp-endpoint",
                        "http://collector:4317",
                        "--otlp-protocol",
                        "grpc",
                        "--trace-sample-ratio",
                        "0.25");
        assertEquals(Optional.of(URI.create("http://collector:4317")), flags.endpoint());
        assertEquals(Protocol.GRPC, flags.protocol());
        assertEquals(0.25, flags.sampleRatio());

        TracingSettings env = load(Map.of("VECTARAFT_OTLP_ENDPOINT", "https://otel.example:4318"));
        assertTrue(env.enabled());
        assertEquals(Protocol.HTTP_PROTOBUF, env.protocol());
    }

    @Test
    void badValuesNameTheSettingAndWhatItAccepts() {
        String endpoint =
                assertThrows(
                                ConfigException.class,
                                () -> load(Map.of(), "--otlp-endpoint", "collector:4318"))
                        .getMessage();
        assertTrue(endpoint.contains("--otlp-endpoint"), endpoint);
        assertTrue(endpoint.contains("http:// or https:// URL"), endpoint);

        String protocol =
                assertThrows(
                                ConfigException.class,
                                () -> load(Map.of(), "--otlp-protocol", "thrift"))
                        .getMessage();
        assertTrue(protocol.contains("grpc or http/protobuf"), protocol);

        String ratio =
                assertThrows(
                                ConfigException.class,
                                () -> load(Map.of(), "--trace-sample-ratio", "2"))
                        .getMessage();
        assertTrue(ratio.contains("a number 0..1"), ratio);
    }
}
