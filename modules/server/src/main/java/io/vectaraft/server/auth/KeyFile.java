package io.vectaraft.server.auth;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a key file:
 *
 * <pre>
 * keys:
 *   - id: ops            # shown in logs and metrics; never the key itself
 *     sha256: 9f86d0...  # hex SHA-256 of the whole key string
 *     role: admin        # admin | read-write | read-only
 *   - id: tenant-a
 *     sha256: 2c26b4...
 *     role: read-write
 *     collections: ["a-*", "shared"]   # optional: names or trailing-'*' prefixes; absent = all
 * </pre>
 *
 * The YAML is composed into nodes only (no objects are constructed from tags), so that every
 * problem can name its line. Strict: unknown fields, repeated ids or digests and malformed values
 * are errors, each a {@link KeyFileException} naming the file, the line and the problem.
 */
public final class KeyFile {
    /** Ids appear in logs, metric labels and generated keys. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static final String ID_RULE =
            "1-64 characters of [A-Za-z0-9._-], starting with a letter or digit";
    private static final Set<String> FIELDS = Set.of("id", "sha256", "role", "collections");
    private static final String FIELD_LIST = "id, sha256, role, collections";

    private final Path file;

    private KeyFile(Path file) {
        this.file = file;
    }

    /** Reads and checks {@code file}. */
    public static List<ApiKey> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KeyFileException(file, 0, "cannot read it: " + e);
        }
        return parse(file, text);
    }

    /** Checks {@code text} as the content of {@code file}. */
    public static List<ApiKey> parse(Path file, String text) {
        return new KeyFile(file).keys(compose(file, text));
    }

    private static Node compose(Path file, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        options.setAllowRecursiveKeys(false);
        try {
            return new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            throw new KeyFileException(
                    file, line, "expected valid YAML, got " + oneLine(e.getProblem()));
        } catch (YAMLException e) {
            throw new KeyFileException(
                    file, 0, "expected valid YAML, got " + oneLine(e.getMessage()));
        }
    }

    private List<ApiKey> keys(Node root) {
        if (root == null) {
            throw new KeyFileException(
                    file, 0, "expected a mapping with a \"keys\" list, got an empty file");
        }
        MappingNode top = mapping(root, "the file", "a mapping with a \"keys\" list");
        Map<String, NodeTuple> fields = fields(top, "the file", Set.of("keys"), "keys");
        NodeTuple keys = fields.get("keys");
        if (keys == null) {
            throw new KeyFileException(file, line(top), "expected a \"keys\" list, got none");
        }
        Node list = keys.getValueNode();
        if (isNull(list)) {
            return List.of();
        }
        if (!(list instanceof SequenceNode sequence)) {
            throw error(list, "keys: expected a list of keys, got " + kind(list));
        }
        List<ApiKey> result = new ArrayList<>();
        Map<String, Integer> idLines = new HashMap<>();
        Map<String, Integer> digestIndex = new HashMap<>();
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
            String where = "keys[" + i + "]";
            ApiKey key = key(items.get(i), where);
            Integer previous = idLines.putIfAbsent(key.id(), line(items.get(i)));
            if (previous != null) {
                throw error(
                        items.get(i),
                        where
                                + ".id \""
                                + key.id()
                                + "\": expected a unique id, got one already used on line "
                                + previous);
            }
            String hex = HexFormat.of().formatHex(key.digest());
            Integer same = digestIndex.putIfAbsent(hex, i);
            if (same != null) {
                throw error(
                        items.get(i),
                        where
                                + ".sha256: expected a distinct key, got the digest of keys["
                                + same
                                + "] \""
                                + result.get(same).id()
                                + "\"");
            }
            result.add(key);
        }
        return List.copyOf(result);
    }

    private ApiKey key(Node node, String where) {
        MappingNode map = mapping(node, where, "a mapping with " + FIELD_LIST);
        Map<String, NodeTuple> fields = fields(map, where, FIELDS, FIELD_LIST);
        String id = required(map, fields, where, "id", "an id");
        if (!ID.matcher(id).matches()) {
            throw error(
                    fields.get("id").getValueNode(),
                    where + ".id \"" + id + "\": expected " + ID_RULE);
        }
        String sha = required(map, fields, where, "sha256", "a sha256 (hex SHA-256 of the key)");
        byte[] digest = digest(sha);
        if (digest == null) {
            throw error(
                    fields.get("sha256").getValueNode(),
                    where
                            + ".sha256: expected 64 hex digits (the SHA-256 of the key), got "
                            + sha.length()
                            + " characters"
                            + (sha.length() == 64 ? " that are not all hex digits" : ""));
        }
        String roleName =
                required(map, fields, where, "role", "a role (admin, read-write or read-only)");
        Role role =
                Role.byLabel(roleName)
                        .orElseThrow(
                                () ->
                                        error(
                                                fields.get("role").getValueNode(),
                                                where
                                                        + ".role \""
                                                        + roleName
                                                        + "\": expected admin, read-write or"
                                                        + " read-only"));
        NodeTuple collections = fields.get("collections");
        CollectionScope scope =
                collections == null
                        ? CollectionScope.ALL
                        : scope(collections.getValueNode(), where + ".collections");
        return new ApiKey(id, digest, role, scope);
    }

    private CollectionScope scope(Node node, String where) {
        if (!(node instanceof SequenceNode sequence)) {
            throw error(
                    node,
                    where
                            + ": expected a list of names or prefixes ending in '*', got "
                            + kind(node));
        }
        List<Node> items = sequence.getValue();
        if (items.isEmpty()) {
            throw error(
                    node,
                    where
                            + ": expected at least one name or prefix, got an empty list (leave"
                            + " the field out for every collection)");
        }
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String at = where + "[" + i + "]";
            String pattern = scalar(items.get(i), at);
            var problem = CollectionScope.problem(pattern);
            if (problem.isPresent()) {
                throw error(items.get(i), at + ": " + problem.get());
            }
            patterns.add(pattern);
        }
        return new CollectionScope(patterns);
    }

    private static byte[] digest(String hex) {
        if (hex.length() != 2 * ApiKey.DIGEST_BYTES) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private MappingNode mapping(Node node, String where, String expected) {
        if (node instanceof MappingNode map) {
            return map;
        }
        throw error(node, where + ": expected " + expected + ", got " + kind(node));
    }

    /** The fields of a mapping by name; unknown or repeated fields are errors. */
    private Map<String, NodeTuple> fields(
            MappingNode map, String where, Set<String> known, String knownList) {
        Map<String, NodeTuple> fields = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String name = scalar(t.getKeyNode(), where + " field name");
            if (!known.contains(name)) {
                String hint =
                        name.equals("key") || name.equals("secret")
                                ? "; a key file holds the sha256 of each key, never the key"
                                        + " itself"
                                : "";
                throw error(
                        t.getKeyNode(),
                        where
                                + ": unknown field \""
                                + name
                                + "\" (expected "
                                + knownList
                                + ")"
                                + hint);
            }
            if (fields.put(name, t) != null) {
                throw error(t.getKeyNode(), where + ": field \"" + name + "\" given twice");
            }
        }
        return fields;
    }

    private String required(
            MappingNode map,
            Map<String, NodeTuple> fields,
            String where,
            String name,
            String what) {
        NodeTuple t = fields.get(name);
        String value =
                t == null || isNull(t.getValueNode())
                        ? ""
                        : scalar(t.getValueNode(), where + "." + name);
        if (value.isEmpty()) {
            throw error(
                    t == null ? map : t.getValueNode(),
                    where + ": expected " + what + ", got none");
        }
        return value;
    }

    private String scalar(Node node, String where) {
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        throw error(node, where + ": expected a string, got " + kind(node));
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s
                && (s.getTag().getValue().endsWith(":null") || s.getValue().isEmpty())
                && s.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN;
    }

    private static String kind(Node node) {
        return switch (node) {
            case MappingNode m -> "a mapping";
            case SequenceNode s -> "a list";
            case ScalarNode s -> isNull(s) ? "nothing" : "a single value";
            default -> "a " + node.getNodeId();
        };
    }

    private KeyFileException error(Node node, String problem) {
        return new KeyFileException(file, line(node), problem);
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static String oneLine(String s) {
        String text = String.valueOf(s).strip();
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
