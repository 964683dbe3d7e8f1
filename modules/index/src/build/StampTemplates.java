import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Stamps out the kernel sources from their templates at build time, as the JDK generates its vector
 * classes from {@code X-Vector.java.template}: C2 compiles a kernel well only when each method sees
 * one kind of row (array or memory segment) and one fold, so the kernels exist in several copies,
 * and a template keeps those copies one text.
 *
 * <p>Usage: {@code java StampTemplates.java TEMPLATE_DIR OUTPUT_DIR}. Each {@code X.java.template}
 * below TEMPLATE_DIR becomes {@code X.java} below OUTPUT_DIR (rewritten only when its text
 * changes). A template is Java with loops over lines:
 *
 * <pre>
 * // #for fold in dot squareDistance
 * // #for Row,Offset in float[],int MemorySegment,long
 * static float $fold$(float[] a, int aOffset, $Row$ b, $Offset$ bOffset, int length) { ... }
 * // #end
 * // #end
 * </pre>
 *
 * A loop repeats the lines up to its {@code // #end} once per value (a tuple of comma-separated
 * values for comma-separated names), replacing {@code $name$}. Loops nest. A placeholder left
 * unreplaced, an {@code // #end} without its loop or a tuple of the wrong size stops the build.
 * Directives are written as google-java-format leaves line comments, so templates stay formatted.
 */
public final class StampTemplates {
    private static final String SUFFIX = ".template";
    private static final Pattern FOR = Pattern.compile("\\s*// #for\\s+(\\S+)\\s+in\\s+(.+)");
    private static final Pattern END = Pattern.compile("\\s*// #end\\s*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$([A-Za-z]\\w*)\\$");

    private StampTemplates() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java StampTemplates.java TEMPLATE_DIR OUTPUT_DIR");
            System.exit(2);
        }
        Path templates = Path.of(args[0]);
        Path output = Path.of(args[1]);
        Set<Path> stamped = new HashSet<>();
        try (Stream<Path> files = Files.walk(templates)) {
            for (Path template : files.filter(p -> p.toString().endsWith(SUFFIX)).toList()) {
                String relative = templates.relativize(template).toString();
                Path target =
                        output.resolve(relative.substring(0, relative.length() - SUFFIX.length()));
                stamp(template, target);
                stamped.add(target);
            }
        } catch (TemplateException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
        removeOrphans(output, stamped);
    }

    /** Deletes what an earlier run stamped from a template that is gone, so it is not compiled. */
    private static void removeOrphans(Path output, Set<Path> stamped) throws IOException {
        Files.createDirectories(output);
        try (Stream<Path> files = Files.walk(output)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (!stamped.contains(file)) {
                    Files.delete(file);
                }
            }
        }
    }

    private static void stamp(Path template, Path target) throws IOException {
        List<String> lines = Files.readAllLines(template);
        StringBuilder out = new StringBuilder();
        out.append("// Stamped from ")
                .append(template.getFileName())
                .append(" by StampTemplates: edit the template, not this file.\n");
        int end = expand(template, lines, 0, Map.of(), out);
        if (end != lines.size()) {
            throw new TemplateException(template, end + 1, "// #end without a // #for");
        }
        String text = out.toString();
        if (!Files.exists(target) || !Files.readString(target).equals(text)) {
            Files.createDirectories(target.getParent());
            Files.writeString(target, text);
        }
    }

    /**
     * Appends lines from {@code from} on with {@code values} substituted, up to the {@code // #end}
     * that closes the enclosing loop or the end of the file; returns that line's index.
     */
    private static int expand(
            Path template,
            List<String> lines,
            int from,
            Map<String, String> values,
            StringBuilder out) {
        int i = from;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (END.matcher(line).matches()) {
                return i;
            }
            Matcher loop = FOR.matcher(line);
            if (loop.matches()) {
                i = expandLoop(template, lines, i, loop, values, out);
            } else {
                out.append(substitute(template, i, line, values)).append('\n');
            }
            i++;
        }
        return i;
    }

    /**
     * Expands the loop that starts at line {@code at}; returns the index of its {@code // #end}.
     */
    private static int expandLoop(
            Path template,
            List<String> lines,
            int at,
            Matcher loop,
            Map<String, String> values,
            StringBuilder out) {
        String[] names = loop.group(1).split(",");
        int end = at;
        for (String tuple : loop.group(2).trim().split("\\s+")) {
            String[] parts = tuple.split(",", -1);
            if (parts.length != names.length) {
                throw new TemplateException(
                        template,
                        at + 1,
                        "'" + tuple + "' does not give " + names.length + " values");
            }
            Map<String, String> inner = new LinkedHashMap<>(values);
            for (int n = 0; n < names.length; n++) {
                inner.put(names[n], parts[n]);
            }
            end = expand(template, lines, at + 1, inner, out);
        }
        if (end >= lines.size()) {
            throw new TemplateException(template, at + 1, "// #for without its // #end");
        }
        return end;
    }

    private static String substitute(
            Path template, int index, String line, Map<String, String> values) {
        Matcher placeholder = PLACEHOLDER.matcher(line);
        StringBuilder result = new StringBuilder();
        while (placeholder.find()) {
            String value = values.get(placeholder.group(1));
            if (value == null) {
                throw new TemplateException(
                        template, index + 1, "no loop gives " + placeholder.group());
            }
            placeholder.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        return placeholder.appendTail(result).toString();
    }

    private static final class TemplateException extends RuntimeException {
        TemplateException(Path template, int line, String message) {
            super(template + ":" + line + ": " + message);
        }
    }
}
