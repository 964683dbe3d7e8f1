package io.vectaraft.server.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parsed command-line flags. Strict: an unknown flag, a missing value or a repeated flag is a
 * {@link ConfigException}. Values are checked later, with those of the other sources.
 *
 * @param values the settings given as flags, raw
 * @param configFile {@code --config <file>}
 */
public record CommandLine(
        Map<Setting, String> values, Optional<Path> configFile, boolean help, boolean version) {
    public static final String CONFIG_FLAG = "--config";

    public CommandLine {
        values = Collections.unmodifiableMap(new EnumMap<>(values));
    }

    /** Accepts {@code --flag value} and {@code --flag=value}. */
    public static CommandLine parse(List<String> args) {
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        Path configFile = null;
        boolean help = false;
        boolean version = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            int eq = arg.indexOf('=');
            String flag = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            String inline = flag.equals(arg) ? null : arg.substring(eq + 1);
            switch (flag) {
                case "--help", "-h" -> help = true;
                case "--version" -> version = true;
                case CONFIG_FLAG -> {
                    String value = inline != null ? inline : valueAfter(args, i++, flag);
                    if (configFile != null) {
                        throw new ConfigException("flag " + flag + " given twice");
                    }
                    configFile = Path.of(value);
                }
                default -> {
                    Setting s =
                            Setting.byFlag(flag)
                                    .orElseThrow(
                                            () ->
                                                    new ConfigException(
                                                            "unknown flag \""
                                                                    + arg
                                                                    + "\" (run with --help for the"
                                                                    + " list)"));
                    String value;
                    if (s.switchFlag()) {
                        if (inline != null) {
                            throw new ConfigException("flag " + flag + " takes no value");
                        }
                        value = s.negatingFlag() ? "false" : "true";
                    } else {
                        value = inline != null ? inline : valueAfter(args, i++, flag);
                    }
                    if (values.put(s, value) != null) {
                        throw new ConfigException("flag " + flag + " given twice");
                    }
                }
            }
        }
        return new CommandLine(values, Optional.ofNullable(configFile), help, version);
    }

    private static String valueAfter(List<String> args, int i, String flag) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new ConfigException("flag " + flag + " needs a value");
        }
        return args.get(i + 1);
    }

    /** The {@code --help} text, generated from {@link Setting}. */
    public static String usage() {
        StringBuilder b =
                new StringBuilder(
                        "Usage: vectaraft [flags]\n"
                                + "Precedence: defaults < YAML file < environment < flags.\n\n");
        row(b, "--config <file>", "YAML configuration (default: ./vectaraft.yaml if present)");
        for (Setting s : Setting.values()) {
            String env = s.env().map(e -> "; env " + e).orElse("");
            String def =
                    s.switchFlag() || s.defaultValue().isEmpty()
                            ? ""
                            : " (default " + s.defaultValue() + ")";
            row(b, s.usage(), s.help() + def + env);
        }
        row(b, "", "env " + Setting.GRPC_ADDR_ENV + "=host:port sets --host and --port");
        row(b, "--version", "print the version and exit");
        row(b, "--help", "print this help and exit");
        return b.toString();
    }

    private static void row(StringBuilder b, String flag, String text) {
        b.append(String.format("  %-36s %s%n", flag, text));
    }
}
