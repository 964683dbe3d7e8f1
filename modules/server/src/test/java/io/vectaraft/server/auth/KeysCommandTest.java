package io.vectaraft.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vectaraft keys create}: a random key printed once, its digest appended to the file. */
class KeysCommandTest {
    private static final Pattern KEY = Pattern.compile("vtr_([A-Za-z0-9._-]+)_([0-9A-Za-z]{43})");

    @TempDir Path dir;

    private record Run(int status, String out, String err) {}

    private Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status =
                KeysCommand.run(
                        List.of(args),
                        env,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void createsTheFileAppendsAndEachPrintedKeyAuthenticates() throws Exception {
        Path file = dir.resolve("keys.yaml");
        Run ops =
                run(
                        Map.of(),
                        "create",
                        "--id",
                        "ops",
                        "--role",
                        "admin",
                        "--file",
                        file.toString());
        assertEquals(0, ops.status(), ops.err());
        Run tenant =
                run(
                        Map.of("VECTARAFT_API_KEYS_FILE", file.toString()),
                        "create",
                        "--id",
                        "tenant-a",
                        "--role",
                        "read-write",
                        "--collections",
                        "a-*, shared");
        assertEquals(0, tenant.status(), tenant.err());

        String opsKey = ops.out().strip();
        String tenantKey = tenant.out().strip();
        assertTrue(KEY.matcher(opsKey).matches(), "key format: " + opsKey);
        assertTrue(tenantKey.startsWith("vtr_tenant-a_"), tenantKey);
        assertNotEquals(opsKey.substring(7), tenantKey.substring(12), "random parts differ");
        assertEquals(1, ops.out().lines().count(), "stdout is the key alone");

        String text = Files.readString(file);
        assertTrue(
                !text.contains(opsKey) && !text.contains(tenantKey),
                "only digests are stored:\n" + text);
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "a new key file is private");

        KeyRing ring = new KeyRing(KeyFile.read(file));
        ApiKey a = ring.authenticate(opsKey).orElseThrow();
        assertEquals("ops", a.id());
        assertEquals(Role.ADMIN, a.role());
        assertTrue(a.scope().all());
        ApiKey t = ring.authenticate(tenantKey).orElseThrow();
        assertEquals(Role.READ_WRITE, t.role());
        assertEquals(List.of("a-*", "shared"), t.scope().patterns());
    }

    @Test
    void keepsCommentsAndIndentationOfAHandWrittenFile() throws Exception {
        Path file = dir.resolve("keys.yaml");
        Files.writeString(
                file,
                "# production keys\nkeys:\n- id: ops\n  sha256: "
                        + KeyFileTest.A
                        + "\n  role: admin # the on-call team\n");
        Run r =
                run(
                        Map.of(),
                        "create",
                        "--id",
                        "ro",
                        "--role",
                        "read-only",
                        "--file",
                        file.toString());
        assertEquals(0, r.status(), r.err());
        String text = Files.readString(file);
        assertTrue(text.startsWith("# production keys\nkeys:\n- id: ops\n"), text);
        assertTrue(text.contains("# the on-call team"), text);
        assertEquals(List.of("ops", "ro"), KeyFile.read(file).stream().map(ApiKey::id).toList());
    }

    @Test
    void refusesWhatItCannotDoCleanly() throws Exception {
        Path file = dir.resolve("keys.yaml");
        Files.writeString(
                file, "keys:\n  - id: ops\n    sha256: " + KeyFileTest.A + "\n    role: admin\n");
        String before = Files.readString(file);
        Run dup =
                run(
                        Map.of(),
                        "create",
                        "--id",
                        "ops",
                        "--role",
                        "admin",
                        "--file",
                        file.toString());
        assertEquals(2, dup.status(), dup.err());
        assertTrue(dup.err().contains("id \"ops\": expected a new id"), dup.err());
        assertEquals("", dup.out(), "no key printed when nothing was stored");

        Run role =
                run(Map.of(), "create", "--id", "x", "--role", "writer", "--file", file.toString());
        assertEquals(2, role.status());
        assertTrue(
                role.err().contains("--role \"writer\": expected admin, read-write or read-only"),
                role.err());

        Run noFile = run(Map.of(), "create", "--id", "x", "--role", "admin");
        assertEquals(2, noFile.status());
        assertTrue(noFile.err().contains("no key file"), noFile.err());

        Run pattern =
                run(
                        Map.of(),
                        "create",
                        "--id",
                        "x",
                        "--role",
                        "admin",
                        "--collections",
                        "a*b",
                        "--file",
                        file.toString());
        assertEquals(2, pattern.status());
        assertTrue(pattern.err().contains("'*' only at the end"), pattern.err());

        Files.writeString(
                file,
                "keys:\n  - id: ops\n    sha256: "
                        + KeyFileTest.A
                        + "\n    role: admin\nnote: x\n");
        Run invalid =
                run(Map.of(), "create", "--id", "y", "--role", "admin", "--file", file.toString());
        assertEquals(2, invalid.status());
        assertTrue(invalid.err().contains("unknown field \"note\""), invalid.err());

        assertEquals(2, run(Map.of(), "list").status(), "unknown subcommand");
        assertEquals(before.length() > 0, true);
    }

    @Test
    void anEmptyFlowListIsTurnedIntoABlockList() throws Exception {
        Path file = dir.resolve("keys.yaml");
        Files.writeString(file, "keys: []\n");
        Run r =
                run(
                        Map.of(),
                        "create",
                        "--id",
                        "a",
                        "--role",
                        "read-only",
                        "--file",
                        file.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(1, KeyFile.read(file).size());
    }
}
