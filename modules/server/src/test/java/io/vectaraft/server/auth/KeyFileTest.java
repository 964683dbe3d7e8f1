package io.vectaraft.server.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The key file format: what parses, and every error message with its line. */
class KeyFileTest {
    private static final Path FILE = Path.of("/etc/vectaraft/keys.yaml");
    static final String A = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    static final String B = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    @Test
    void parsesTheExampleOfTheDocs() {
        List<ApiKey> keys =
                KeyFile.parse(
                        FILE,
                        """
                        keys:
                          - id: ops            # shown in logs and metrics
                            sha256: %s
                            role: admin
                          - id: tenant-a
                            sha256: %s
                            role: read-write
                            collections: ["a-*", "shared"]
                        """
                                .formatted(A, B));
        assertEquals(2, keys.size(), "two keys");
        ApiKey ops = keys.get(0);
        assertEquals("ops", ops.id());
        assertEquals(Role.ADMIN, ops.role());
        assertTrue(ops.scope().all(), "no collections field: all collections");
        assertArrayEquals(HexFormat.of().parseHex(A), ops.sha256(), "digest");
        ApiKey tenant = keys.get(1);
        assertEquals(Role.READ_WRITE, tenant.role());
        assertEquals(List.of("a-*", "shared"), tenant.scope().patterns());
    }

    @Test
    void emptyListsAreNoKeys() {
        assertEquals(List.of(), KeyFile.parse(FILE, "keys: []\n"), "flow style");
        assertEquals(List.of(), KeyFile.parse(FILE, "keys:\n"), "nothing under keys");
    }

    @Test
    void upperCaseDigestsAndBlockListsWork() {
        List<ApiKey> keys =
                KeyFile.parse(
                        FILE,
                        "keys:\n- id: x\n  sha256: "
                                + A.toUpperCase()
                                + "\n  role: read-only\n  collections:\n    - shared\n");
        assertArrayEquals(HexFormat.of().parseHex(A), keys.getFirst().sha256());
        assertEquals(List.of("shared"), keys.getFirst().scope().patterns());
    }

    static Stream<Arguments> errors() {
        String ok = "  - id: ops\n    sha256: " + A + "\n    role: admin\n";
        return Stream.of(
                Arguments.of("", 0, "expected a mapping with a \"keys\" list, got an empty file"),
                Arguments.of(
                        "# only a comment\n",
                        0,
                        "expected a mapping with a \"keys\" list, got an empty file"),
                Arguments.of("keys: [\n", 2, "expected valid YAML, got "),
                Arguments.of(
                        "- a\n- b\n",
                        1,
                        "the file: expected a mapping with a \"keys\" list, got a list"),
                Arguments.of("kys: []\n", 1, "the file: unknown field \"kys\" (expected keys)"),
                Arguments.of("keys: []\nkeys: []\n", 2, "the file: field \"keys\" given twice"),
                Arguments.of("other: 1\n", 1, "the file: unknown field \"other\" (expected keys)"),
                Arguments.of("keys: ops\n", 1, "keys: expected a list of keys, got a single value"),
                Arguments.of(
                        "keys:\n  - ops\n",
                        2,
                        "keys[0]: expected a mapping with id, sha256, role, collections, got a single value"),
                Arguments.of(
                        "keys:\n"
                                + ok
                                + "  - id: b\n    sha256: "
                                + B
                                + "\n    role: admin\n    colections: [a]\n",
                        8,
                        "keys[1]: unknown field \"colections\" (expected id, sha256, role, collections)"),
                Arguments.of(
                        "keys:\n  - id: b\n    key: vtr_b_x\n",
                        3,
                        "keys[0]: unknown field \"key\" (expected id, sha256, role, collections); a key file holds the sha256 of each key, never the key itself"),
                Arguments.of(
                        "keys:\n  - id: b\n    id: c\n", 3, "keys[0]: field \"id\" given twice"),
                Arguments.of(
                        "keys:\n  - sha256: " + A + "\n    role: admin\n",
                        2,
                        "keys[0]: expected an id, got none"),
                Arguments.of(
                        "keys:\n  - id:\n    sha256: " + A + "\n    role: admin\n",
                        2,
                        "keys[0]: expected an id, got none"),
                Arguments.of(
                        "keys:\n  - id: [a]\n", 2, "keys[0].id: expected a string, got a list"),
                Arguments.of(
                        "keys:\n  - id: \"bad id\"\n    sha256: " + A + "\n    role: admin\n",
                        2,
                        "keys[0].id \"bad id\": expected 1-64 characters of [A-Za-z0-9._-], starting with a letter or digit"),
                Arguments.of(
                        "keys:\n  - id: b\n    role: admin\n",
                        2,
                        "keys[0]: expected a sha256 (hex SHA-256 of the key), got none"),
                Arguments.of(
                        "keys:\n  - id: b\n    sha256: abc\n    role: admin\n",
                        3,
                        "keys[0].sha256: expected 64 hex digits (the SHA-256 of the key), got 3 characters"),
                Arguments.of(
                        "keys:\n  - id: b\n    sha256: " + "z".repeat(64) + "\n    role: admin\n",
                        3,
                        "keys[0].sha256: expected 64 hex digits (the SHA-256 of the key), got 64 characters that are not all hex digits"),
                Arguments.of(
                        "keys:\n  - id: b\n    sha256: " + A + "\n",
                        2,
                        "keys[0]: expected a role (admin, read-write or read-only), got none"),
                Arguments.of(
                        "keys:\n  - id: b\n    sha256: " + A + "\n    role: writer\n",
                        4,
                        "keys[0].role \"writer\": expected admin, read-write or read-only"),
                Arguments.of(
                        "keys:\n  - id: b\n    sha256: "
                                + A
                                + "\n    role: admin\n    collections: a-*\n",
                        5,
                        "keys[0].collections: expected a list of names or prefixes ending in '*', got a single value"),
                Arguments.of(
                        "keys:\n  - id: b\n    sha256: "
                                + A
                                + "\n    role: admin\n    collections: []\n",
                        5,
                        "keys[0].collections: expected at least one name or prefix, got an empty list (leave the field out for every collection)"),
                Arguments.of(
                        "keys:\n  - id: b\n    sha256: "
                                + A
                                + "\n    role: admin\n    collections: [a, \"\"]\n",
                        5,
                        "keys[0].collections[1]: expected a collection name or a prefix ending in '*', got \"\""),
                Arguments.of(
                        "keys:\n  - id: b\n    sha256: "
                                + A
                                + "\n    role: admin\n    collections: [\"a*b\"]\n",
                        5,
                        "keys[0].collections[0]: expected '*' only at the end of a pattern, got \"a*b\""),
                Arguments.of(
                        "keys:\n  - id: b\n    sha256: "
                                + A
                                + "\n    role: admin\n    collections: [[a]]\n",
                        5,
                        "keys[0].collections[0]: expected a string, got a list"),
                Arguments.of(
                        "keys:\n" + ok + "  - id: ops\n    sha256: " + B + "\n    role: admin\n",
                        5,
                        "keys[1].id \"ops\": expected a unique id, got one already used on line 2"),
                Arguments.of(
                        "keys:\n" + ok + "  - id: other\n    sha256: " + A + "\n    role: admin\n",
                        5,
                        "keys[1].sha256: expected a distinct key, got the digest of keys[0] \"ops\""));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void errorsNameTheFileTheLineAndTheProblem(String yaml, int line, String problem) {
        KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFile.parse(FILE, yaml));
        assertEquals(line, e.line(), "line of: " + e.getMessage());
        assertTrue(
                e.problem().startsWith(problem),
                "expected problem <" + problem + ">, got <" + e.problem() + ">");
        assertTrue(
                e.getMessage()
                        .startsWith("key file " + FILE + (line > 0 ? " line " + line : "") + ": "),
                "message names the file and line: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    }

    @Test
    void aMissingFileIsAnError() {
        Path missing = Path.of("/nonexistent/keys.yaml");
        KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFile.read(missing));
        assertTrue(
                e.getMessage().startsWith("key file " + missing + ": cannot read it: "),
                e.getMessage());
    }

    @Test
    void aliasBombsAreRefused() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'p'; c++) {
            char prev = (char) (c - 1);
            yaml.append(c).append(": &").append(c).append(" [");
            yaml.append(("*" + prev + ", ").repeat(9)).append("*").append(prev).append("]\n");
        }
        yaml.append("keys: []\n");
        KeyFileException e =
                assertThrows(KeyFileException.class, () -> KeyFile.parse(FILE, yaml.toString()));
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
    }
}
