package io.vectaraft.server.auth;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vectaraft keys create --id NAME --role ROLE [--collections 'a-*,shared'] [--file F]}:
 * makes a random key ({@code vtr_<id>_<43 base62 characters>}, 256 random bits), appends its
 * SHA-256 to the key file (created, mode 600, when missing; replaced atomically, so a running
 * server reloads it whole), and prints the key once on standard output. Nothing else ever holds the
 * key.
 */
public final class KeysCommand {
    public static final String USAGE =
            "usage: vectaraft keys create --id NAME --role admin|read-write|read-only"
                    + " [--collections 'a-*,shared'] [--file F]\n"
                    + "  --file defaults to $VECTARAFT_API_KEYS_FILE; prints the new key once";

    private static final String BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int RANDOM_BYTES = 32;

    /** Digits of a 256-bit number in base 62. */
    private static final int RANDOM_DIGITS = 43;

    private static final Pattern ITEM_INDENT = Pattern.compile("(?m)^([ \\t]*)- ");
    private static final Pattern EMPTY_FLOW_LIST =
            Pattern.compile("(?m)^keys:[ \\t]*\\[[ \\t]*\\][ \\t]*$");

    private final SecureRandom random;

    KeysCommand(SecureRandom random) {
        this.random = random;
    }

    /**
     * Runs {@code keys <args>}.
     *
     * @return the exit status: 0 done, 1 the file could not be written, 2 a usage or key file error
     */
    public static int run(
            List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        return new KeysCommand(new SecureRandom()).execute(args, env, out, err);
    }

    int execute(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !args.getFirst().equals("create")) {
            err.println(USAGE);
            return 2;
        }
        Request request;
        try {
            request = Request.parse(args.subList(1, args.size()), env);
        } catch (IllegalArgumentException e) {
            err.println("vectaraft keys: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        String key = newKey(request.id());
        try {
            append(request, KeyRing.sha256(key));
        } catch (KeyFileException e) {
            err.println("vectaraft keys: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("vectaraft keys: cannot write " + request.file() + ": " + e);
            return 1;
        }
        err.println(
                "added key \""
                        + request.id()
                        + "\" ("
                        + request.role()
                        + ", "
                        + request.scope()
                        + ") to "
                        + request.file()
                        + "; a running server takes it within a second. The key, shown only now:");
        out.println(key);
        return 0;
    }

    /** {@code vtr_<id>_<base62 of 256 random bits>}. */
    String newKey(String id) {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        BigInteger n = new BigInteger(1, bytes);
        BigInteger base = BigInteger.valueOf(62);
        char[] digits = new char[RANDOM_DIGITS];
        for (int i = RANDOM_DIGITS - 1; i >= 0; i--) {
            BigInteger[] qr = n.divideAndRemainder(base);
            digits[i] = BASE62.charAt(qr[1].intValue());
            n = qr[0];
        }
        return "vtr_" + id + "_" + new String(digits);
    }

    private static void append(Request r, byte[] digest) throws IOException {
        Path file = r.file();
        boolean exists = Files.exists(file);
        String text = exists ? Files.readString(file, StandardCharsets.UTF_8) : "keys:\n";
        List<ApiKey> existing = KeyFile.parse(file, text);
        if (existing.stream().anyMatch(k -> k.id().equals(r.id()))) {
            throw new KeyFileException(
                    file,
                    0,
                    "id \"" + r.id() + "\": expected a new id, got one already in the file");
        }
        if (existing.isEmpty()) {
            text = EMPTY_FLOW_LIST.matcher(text).replaceFirst("keys:");
        }
        String updated = withEntry(text, r, HexFormat.of().formatHex(digest));
        List<ApiKey> after;
        try {
            after = KeyFile.parse(file, updated);
        } catch (KeyFileException e) {
            after = List.of();
        }
        if (after.size() != existing.size() + 1
                || !Arrays.equals(after.getLast().sha256(), digest)) {
            throw new KeyFileException(
                    file,
                    0,
                    "cannot append a key: expected the \"keys\" list to end the file, in block"
                            + " style (\"  - id: ...\")");
        }
        write(file, updated, exists);
    }

    private static String withEntry(String text, Request r, String hex) {
        Matcher m = ITEM_INDENT.matcher(text.substring(Math.max(0, text.indexOf("keys:"))));
        String indent = m.find() ? m.group(1) : "  ";
        String pad = indent + "  ";
        StringBuilder b = new StringBuilder(text);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            b.append('\n');
        }
        b.append(indent).append("- id: ").append(r.id()).append('\n');
        b.append(pad).append("sha256: ").append(hex).append('\n');
        b.append(pad).append("role: ").append(r.role().label()).append('\n');
        if (!r.scope().all() || r.collectionsGiven()) {
            List<String> quoted = new ArrayList<>();
            for (String p : r.scope().patterns()) {
                quoted.add("\"" + p.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
            }
            b.append(pad).append("collections: [").append(String.join(", ", quoted)).append("]\n");
        }
        return b.toString();
    }

    /** Writes beside the file and renames over it: readers see the old file or the new one. */
    private static void write(Path file, String text, boolean exists) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp =
                dir.resolve(
                        "." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Set<PosixFilePermission> mode =
                exists && supportsPosix(file)
                        ? Files.getPosixFilePermissions(file)
                        : PosixFilePermissions.fromString("rw-------");
        try {
            if (supportsPosix(dir)) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(mode));
            } else {
                Files.createFile(tmp);
            }
        } catch (FileAlreadyExistsException e) {
            Files.delete(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(mode));
        }
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(
                        tmp,
                        file,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean supportsPosix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The flags of {@code keys create}, checked. */
    record Request(
            String id, Role role, CollectionScope scope, boolean collectionsGiven, Path file) {
        static Request parse(List<String> args, Map<String, String> env) {
            String id = null;
            String role = null;
            String collections = null;
            String file = null;
            for (int i = 0; i < args.size(); i++) {
                String flag = args.get(i);
                int eq = flag.indexOf('=');
                String name = eq > 0 ? flag.substring(0, eq) : flag;
                String value;
                if (eq > 0) {
                    value = flag.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new IllegalArgumentException("flag " + name + " needs a value");
                }
                switch (name) {
                    case "--id" -> id = once(name, id, value);
                    case "--role" -> role = once(name, role, value);
                    case "--collections" -> collections = once(name, collections, value);
                    case "--file" -> file = once(name, file, value);
                    default -> throw new IllegalArgumentException("unknown flag \"" + name + "\"");
                }
            }
            if (id == null || role == null) {
                throw new IllegalArgumentException("expected --id and --role");
            }
            if (!KeyFile.ID.matcher(id).matches()) {
                throw new IllegalArgumentException(
                        "--id \"" + id + "\": expected 1-64 characters of [A-Za-z0-9._-]");
            }
            String roleName = role;
            Role parsedRole =
                    Role.byLabel(role)
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "--role \""
                                                            + roleName
                                                            + "\": expected admin, read-write or"
                                                            + " read-only"));
            CollectionScope scope = CollectionScope.ALL;
            if (collections != null) {
                List<String> patterns = new ArrayList<>();
                for (String p : collections.split(",", -1)) {
                    String pattern = p.strip();
                    Optional<String> problem = CollectionScope.problem(pattern);
                    if (problem.isPresent()) {
                        throw new IllegalArgumentException("--collections: " + problem.get());
                    }
                    patterns.add(pattern);
                }
                scope = new CollectionScope(patterns);
            }
            String path = file != null ? file : env.get("VECTARAFT_API_KEYS_FILE");
            if (path == null || path.isBlank()) {
                throw new IllegalArgumentException(
                        "no key file: expected --file F or VECTARAFT_API_KEYS_FILE");
            }
            return new Request(id, parsedRole, scope, collections != null, Path.of(path));
        }

        private static String once(String flag, String previous, String value) {
            if (previous != null) {
                throw new IllegalArgumentException("flag " + flag + " given twice");
            }
            return value;
        }
    }
}
