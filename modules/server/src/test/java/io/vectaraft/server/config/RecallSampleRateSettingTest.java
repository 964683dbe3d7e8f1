package io.vectaraft.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code recall.sample-rate} from every layer, and its accepted range. */
class RecallSampleRateSettingTest {
    @TempDir Path dir;

    private ServerConfig load(Map<String, String> env, String... flags) {
        return ConfigLoader.load(CommandLine.parse(List.of(flags)), env, dir).config();
    }

    @Test
    void defaultIsOnePercentAndEachLayerOverridesTheOneBelow() throws Exception {
        assertEquals(0.01, load(Map.of()).recallSampleRate(), "default");
        Files.writeString(dir.resolve("vectaraft.yaml"), "recall:\n  sample-rate: 0.5\n");
        assertEquals(0.5, load(Map.of()).recallSampleRate(), "YAML file");
        assertEquals(
                0.25,
                load(Map.of("VECTARAFT_RECALL_SAMPLE_RATE", "0.25")).recallSampleRate(),
                "environment over file");
        assertEquals(
                0.0,
                load(Map.of("VECTARAFT_RECALL_SAMPLE_RATE", "0.25"), "--recall-sample-rate", "0")
                        .recallSampleRate(),
                "flag over environment; 0 turns the monitor off");
        assertEquals(1.0, load(Map.of(), "--recall-sample-rate=1").recallSampleRate(), "1: all");
    }

    @ParameterizedTest
    @CsvSource({"1.5", "-0.1", "often", "NaN"})
    void outOfRangeSaysWhatIsAccepted(String value) {
        ConfigException e =
                assertThrows(
                        ConfigException.class, () -> load(Map.of(), "--recall-sample-rate", value));
        assertTrue(
                e.getMessage()
                        .contains(
                                "invalid recall.sample-rate \""
                                        + value
                                        + "\" from flag --recall-sample-rate: expected a number"
                                        + " 0..1"),
                "got: " + e.getMessage());
    }
}
