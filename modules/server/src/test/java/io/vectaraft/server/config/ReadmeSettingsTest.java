package io.vectaraft.server.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The README's configuration table names every setting: its YAML key, variable and flag. */
class ReadmeSettingsTest {
    private static final Path README = Path.of("../../README.md");

    @ParameterizedTest
    @EnumSource(Setting.class)
    void readmeTableHasTheSetting(Setting setting) throws IOException {
        List<String> rows =
                Files.readAllLines(README).stream()
                        .filter(line -> line.startsWith("| `" + setting.key() + "` |"))
                        .toList();
        assertTrue(
                rows.size() == 1,
                "README.md: expected one configuration row for " + setting.key() + ", got " + rows);
        String row = rows.getFirst();
        assertTrue(
                row.contains("`" + setting.flag()),
                "README.md row of " + setting.key() + " should name " + setting.flag());
        setting.env()
                .ifPresent(
                        env ->
                                assertTrue(
                                        row.contains("`" + env + "`"),
                                        "README.md row of "
                                                + setting.key()
                                                + " should name "
                                                + env));
    }
}
