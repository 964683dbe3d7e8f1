package io.vectaraft.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.server.config.TlsSettings.ClientAuth;
import io.vectaraft.server.config.TlsSettings.PemIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The auth, TLS and tracing settings, and the rules that span them. */
class SecuritySettingsTest {
    private static final String KEY = "0123456789abcdef0123";

    @TempDir Path dir;

    private ConfigLoader.Loaded load(Map<String, String> env, String... flags) {
        return ConfigLoader.load(CommandLine.parse(List.of(flags)), env, dir);
    }

    private String error(Map<String, String> env, String... flags) {
        return assertThrows(ConfigException.class, () -> load(env, flags)).getMessage();
    }

    @Test
    void defaultsAreOffLoopbackAndPlain() {
        ServerConfig c = load(Map.of()).config();
        assertFalse(c.auth().keysOn());
        assertFalse(c.auth().openObservability());
        assertFalse(c.auth().insecure());
        assertEquals(Optional.empty(), c.tls().grpc());
        assertEquals(Optional.empty(), c.tls().http());
        assertEquals(ClientAuth.NONE, c.tls().clientAuth());
        assertEquals(List.of(), load(Map.of()).warnings());
    }

    @Test
    void aNonLoopbackAddressNeedsKeysMutualTlsOrInsecure() throws IOException {
        String refused = error(Map.of(), "--host", "0.0.0.0");
        assertTrue(
                refused.startsWith(
                        "refusing to serve gRPC on 0.0.0.0:50051 (not loopback) without authentication"),
                refused);
        assertTrue(error(Map.of(), "--host", "::").contains("[::]:50051"), "IPv6 any-address too");

        var insecure = load(Map.of(), "--host", "0.0.0.0", "--insecure");
        assertTrue(
                insecure.warnings().getFirst().contains("without authentication (auth.insecure)"),
                insecure.warnings().toString());

        var keys = load(Map.of("VECTARAFT_API_KEY", KEY), "--host", "0.0.0.0");
        assertTrue(keys.config().auth().keysOn());
        assertTrue(
                keys.warnings()
                        .getFirst()
                        .startsWith("API keys travel in plaintext on 0.0.0.0:50051"),
                keys.warnings().toString());

        Path pem = Files.writeString(dir.resolve("x.pem"), "");
        var mutual =
                load(
                        Map.of(),
                        "--host",
                        "0.0.0.0",
                        "--tls-cert",
                        pem.toString(),
                        "--tls-key",
                        pem.toString(),
                        "--tls-client-ca",
                        pem.toString(),
                        "--tls-client-auth",
                        "require");
        assertTrue(mutual.config().tls().mutual());
        assertEquals(List.of(), mutual.warnings(), "mutual TLS is authentication");
        String optional =
                error(
                        Map.of(),
                        "--host",
                        "0.0.0.0",
                        "--tls-cert",
                        pem.toString(),
                        "--tls-key",
                        pem.toString(),
                        "--tls-client-ca",
                        pem.toString(),
                        "--tls-client-auth",
                        "optional");
        assertTrue(
                optional.startsWith("refusing"),
                "optional client certificates authenticate nobody: " + optional);
        assertEquals(
                List.of(),
                load(Map.of(), "--host", "localhost").warnings(),
                "localhost is loopback");
    }

    @Test
    void tlsCombinationsThatCannotWorkAreRefused() {
        assertEquals(
                "tls.cert is set but tls.key is not: expected both the certificate and its private key",
                error(Map.of(), "--tls-cert", "c.pem"));
        assertEquals(
                "metrics.tls.key is set but metrics.tls.cert is not: expected both the certificate and its private key",
                error(Map.of("VECTARAFT_METRICS_TLS_KEY", "k.pem")));
        assertEquals(
                "tls.client-ca is set but tls.client-auth is none: expected optional or require",
                error(
                        Map.of(),
                        "--tls-cert",
                        "c.pem",
                        "--tls-key",
                        "k.pem",
                        "--tls-client-ca",
                        "ca.pem"));
        assertTrue(
                error(Map.of(), "--tls-client-auth", "require")
                        .startsWith("tls.client-auth is require but tls.client-ca is not set"));
        assertTrue(
                error(Map.of(), "--tls-client-ca", "ca.pem", "--tls-client-auth", "require")
                        .startsWith("tls.client-ca is set but tls.cert and tls.key are not"));
        assertEquals(
                "invalid tls.client-auth \"always\" from flag --tls-client-auth: expected none, optional or require",
                error(Map.of(), "--tls-client-auth", "always"));
    }

    @Test
    void theHttpListenerUsesTheGrpcCertificateUnlessToldOtherwise() {
        PemIdentity grpc = new PemIdentity(dir.resolve("c.pem"), dir.resolve("k.pem"));
        TlsSettings same =
                load(Map.of(), "--tls-cert", "c.pem", "--tls-key", "k.pem").config().tls();
        assertEquals(Optional.of(grpc), same.grpc());
        assertEquals(Optional.of(grpc), same.http(), "the same certificate");
        TlsSettings own =
                load(
                                Map.of(),
                                "--tls-cert",
                                "c.pem",
                                "--tls-key",
                                "k.pem",
                                "--metrics-tls-cert",
                                "m.pem",
                                "--metrics-tls-key",
                                "mk.pem")
                        .config()
                        .tls();
        assertEquals(
                Optional.of(new PemIdentity(dir.resolve("m.pem"), dir.resolve("mk.pem"))),
                own.http());
        TlsSettings plain =
                load(Map.of(), "--tls-cert", "c.pem", "--tls-key", "k.pem", "--no-metrics-tls")
                        .config()
                        .tls();
        assertEquals(Optional.empty(), plain.http(), "plain HTTP on request");
    }

    @Test
    void theSingleKeyIsNeverShownAndMustBeLongEnough() {
        var loaded = load(Map.of("VECTARAFT_API_KEY", KEY));
        assertEquals(Optional.of(KEY), loaded.config().auth().apiKey());
        String summary = ServerConfig.describeOverrides(loaded.origins());
        assertFalse(summary.contains(KEY), summary);
        assertTrue(summary.contains("auth.api-key=(secret)"), summary);
        assertFalse(loaded.config().toString().contains(KEY), "nor in the config's toString");
        String weak = error(Map.of(), "--api-key", "short");
        assertFalse(weak.contains("short\""), weak);
        assertEquals(
                "invalid auth.api-key from flag --api-key: expected at least 16 characters (e.g. openssl rand -hex 32)",
                weak);
    }

    @Test
    void switchesTakeNoValue() {
        assertTrue(load(Map.of(), "--open-observability").config().auth().openObservability());
        assertEquals("flag --insecure takes no value", error(Map.of(), "--insecure=true"));
        assertTrue(
                load(Map.of("VECTARAFT_INSECURE", "1")).config().auth().insecure(),
                "1 in the environment");
        assertTrue(CommandLine.usage().contains("--insecure "), CommandLine.usage());
        assertFalse(CommandLine.usage().contains("--insecure <"), "a switch shows no value");
    }

    @Test
    void keysSettingsComeFromEveryLayer() throws IOException {
        Path file =
                Files.writeString(
                        dir.resolve("c.yaml"),
                        "auth:\n  keys-file: keys.yaml\n  open-observability: true\n");
        AuthSettings a = load(Map.of(), "--config", file.toString()).config().auth();
        assertEquals(
                Optional.of(dir.resolve("keys.yaml")),
                a.keysFile(),
                "relative to the working directory");
        assertTrue(a.openObservability());
        assertEquals(
                Optional.of(dir.resolve("env.yaml")),
                load(Map.of("VECTARAFT_API_KEYS_FILE", "env.yaml")).config().auth().keysFile());
    }
}
