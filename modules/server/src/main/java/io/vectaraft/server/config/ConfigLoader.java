package io.vectaraft.server.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.yaml.YamlConfigParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a {@link ServerConfig} from four layers, each over the one before: built-in defaults, a
 * YAML file ({@code --config <file>}, else {@code ./vectaraft.yaml} if present), environment
 * variables ({@code VECTARAFT_*}) and command-line flags. Each layer is read with Helidon Config;
 * the loader resolves every {@link Setting} itself so that it can say which source a value came
 * from, both in errors and in the startup log.
 */
public final class ConfigLoader {
    public static final String DEFAULT_FILE = "vectaraft.yaml";

    private ConfigLoader() {}

    /** A raw value and where it came from, e.g. {@code environment variable VECTARAFT_FSYNC}. */
    public record Origin(String value, String source) {
        public boolean isDefault() {
            return source.equals("default");
        }
    }

    /**
     * The configuration, per setting the source that won, and warnings for the log (unknown {@code
     * VECTARAFT_*} variables: the environment is shared, so they do not stop start-up).
     */
    public record Loaded(
            ServerConfig config, Map<Setting, Origin> origins, List<String> warnings) {}

    /**
     * @param workingDir where {@code vectaraft.yaml} is looked for and relative paths resolve
     * @throws ConfigException naming the setting, its source and the accepted values
     */
    public static Loaded load(CommandLine flags, Map<String, String> env, Path workingDir) {
        Map<Setting, Origin> origins = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            origins.put(s, new Origin(s.defaultValue(), "default"));
        }
        yamlFile(flags, workingDir).ifPresent(file -> origins.putAll(fromYaml(file)));
        origins.putAll(fromEnv(env));
        flags.values().forEach((s, v) -> origins.put(s, new Origin(v, "flag " + s.flag())));

        Map<Setting, Object> parsed = new EnumMap<>(Setting.class);
        origins.forEach((s, o) -> parsed.put(s, parse(s, o)));
        ServerConfig config = ServerConfig.from(parsed, workingDir);
        List<String> warnings = new ArrayList<>(unknownEnv(env));
        warnings.addAll(SecurityRules.check(config));
        return new Loaded(config, Map.copyOf(origins), List.copyOf(warnings));
    }

    private static Object parse(Setting s, Origin o) {
        try {
            return s.parse(o.value());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    "invalid "
                            + s.key()
                            + (s.secret() ? "" : " \"" + o.value() + "\"")
                            + " from "
                            + o.source()
                            + ": expected "
                            + s.accepted());
        }
    }

    private static Optional<Path> yamlFile(CommandLine flags, Path workingDir) {
        if (flags.configFile().isPresent()) {
            Path file = workingDir.resolve(flags.configFile().get());
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new ConfigException(
                        "config file "
                                + file
                                + " (flag --config): expected a readable YAML file, got "
                                + (Files.exists(file) ? "an unreadable file" : "no such file"));
            }
            return Optional.of(file);
        }
        Path file = workingDir.resolve(DEFAULT_FILE);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    private static Map<Setting, Origin> fromYaml(Path file) {
        Config yaml;
        try {
            yaml =
                    Config.builder(ConfigSources.file(file))
                            .disableEnvironmentVariablesSource()
                            .disableSystemPropertiesSource()
                            .disableParserServices()
                            .addParser(YamlConfigParser.create())
                            .build();
        } catch (RuntimeException e) {
            throw new ConfigException(
                    "config file " + file + ": expected valid YAML, got " + firstLine(e), e);
        }
        Map<Setting, Origin> result = new EnumMap<>(Setting.class);
        yaml.traverse()
                .filter(Config::isLeaf)
                .forEach(
                        node -> {
                            String key = node.key().toString();
                            Setting s =
                                    Setting.byKey(key)
                                            .orElseThrow(
                                                    () ->
                                                            new ConfigException(
                                                                    "config file "
                                                                            + file
                                                                            + ": unknown key \""
                                                                            + key
                                                                            + "\" (see --help or"
                                                                            + " docs/configuration.md)"));
                            result.put(
                                    s,
                                    new Origin(
                                            node.asString().orElse(""),
                                            "config file " + file + " (" + key + ")"));
                        });
        return result;
    }

    private static Map<Setting, Origin> fromEnv(Map<String, String> env) {
        Map<Setting, Origin> result = new EnumMap<>(Setting.class);
        String addr = env.get(Setting.GRPC_ADDR_ENV);
        if (addr != null) {
            String source = "environment variable " + Setting.GRPC_ADDR_ENV;
            HostPort hp;
            try {
                hp = HostPort.parse(addr.strip());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(
                        "invalid gRPC address \""
                                + addr
                                + "\" from "
                                + source
                                + ": expected host:port with port 0..65535");
            }
            result.put(Setting.GRPC_HOST, new Origin(hp.host(), source));
            result.put(Setting.GRPC_PORT, new Origin(Integer.toString(hp.port()), source));
        }
        for (Setting s : Setting.values()) {
            s.env()
                    .filter(env::containsKey)
                    .ifPresent(
                            name ->
                                    result.put(
                                            s,
                                            new Origin(
                                                    env.get(name),
                                                    "environment variable " + name)));
        }
        return result;
    }

    private static List<String> unknownEnv(Map<String, String> env) {
        // Also the variables of bin/vectaraft (JVM options) and run.sh (the JDK), which reach the
        // server's environment too.
        Set<String> known =
                new HashSet<>(
                        Set.of(Setting.GRPC_ADDR_ENV, "VECTARAFT_JAVA_OPTS", "VECTARAFT_JDK"));
        for (Setting s : Setting.values()) {
            s.env().ifPresent(known::add);
        }
        return env.keySet().stream()
                .filter(k -> k.startsWith("VECTARAFT_") && !known.contains(k))
                .sorted()
                .map(k -> "unknown environment variable " + k + " ignored (see --help)")
                .toList();
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage()).strip();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
