package io.vectaraft.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code limits.*} settings from every layer, their defaults and accepted values. */
class LimitSettingsTest {
    @TempDir Path dir;

    private Limits load(Map<String, String> env, String... flags) {
        return ConfigLoader.load(CommandLine.parse(List.of(flags)), env, dir).config().limits();
    }

    @Test
    void defaults() {
        assertEquals(
                new Limits(100_000, 64L << 20, 4096, 4, Duration.ofSeconds(1), 90),
                load(Map.of()),
                "built-in defaults");
        assertEquals(Limits.defaults(), load(Map.of()), "Limits.defaults() agrees");
    }

    @Test
    void eachLayerOverridesTheOneBelow() throws Exception {
        Files.writeString(
                dir.resolve("vectaraft.yaml"),
                "limits:\n  max-results: 500\n  max-concurrent-searches: 2\n");
        assertEquals(500, load(Map.of()).maxResults(), "YAML file");
        assertEquals(2, load(Map.of()).maxConcurrentSearches(), "YAML file");
        assertEquals(700, load(Map.of("VECTARAFT_MAX_RESULTS", "700")).maxResults(), "environment");
        Limits flags =
                load(
                        Map.of("VECTARAFT_MAX_RESULTS", "700"),
                        "--max-results",
                        "900",
                        "--max-response-bytes",
                        "12345",
                        "--max-filter-terms",
                        "7",
                        "--max-concurrent-searches",
                        "1",
                        "--queue-timeout-ms",
                        "250",
                        "--write-heap-percent",
                        "75");
        assertEquals(
                new Limits(900, 12345, 7, 1, Duration.ofMillis(250), 75), flags, "flags over all");
    }

    @Test
    void theWriteHeapPercentComesFromEveryLayer() throws Exception {
        assertEquals(
                80,
                load(Map.of("VECTARAFT_WRITE_HEAP_PERCENT", "80")).writeHeapPercent(),
                "environment");
        assertEquals(100, load(Map.of(), "--write-heap-percent", "100").writeHeapPercent(), "off");
        Files.writeString(dir.resolve("vectaraft.yaml"), "limits:\n  write-heap-percent: 85\n");
        assertEquals(85, load(Map.of()).writeHeapPercent(), "YAML file");
    }

    @Test
    void aWriteHeapPercentOutside1To100IsRefusedNamingTheSetting() {
        for (String value : new String[] {"0", "101", "90%", "0.9"}) {
            ConfigException e =
                    assertThrows(
                            ConfigException.class,
                            () -> load(Map.of(), "--write-heap-percent", value),
                            value);
            assertEquals(
                    "invalid limits.write-heap-percent \""
                            + value
                            + "\" from flag --write-heap-percent: expected an integer 1..100",
                    e.getMessage());
        }
    }

    @Test
    void zeroIsRefusedNamingTheSetting() {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> load(Map.of(), "--max-concurrent-searches", "0"));
        assertTrue(
                e.getMessage()
                        .contains(
                                "invalid limits.max-concurrent-searches \"0\" from flag"
                                        + " --max-concurrent-searches: expected an integer"),
                e.getMessage());
    }
}
