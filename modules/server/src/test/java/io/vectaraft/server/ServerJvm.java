package io.vectaraft.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.Deflater;

/**
 * The command line that runs {@link Main} in a child JVM, for every test that starts a server as a
 * process: this JDK's {@code java}, the Vector API module, the test class path, and a
 * class-data-sharing archive of the server's classes.
 *
 * <p>The archive is what {@code bin/vectaraft --create-cds-archive} makes for the image: the
 * classes one training run of the server loaded ({@link Main#CDS_TRAINING}), already parsed and
 * verified. The suite starts servers often (every kill cycle of the crash and Raft group tests
 * restarts one), and with the archive a start to its ready line took 0.8-1.05 s of CPU instead of
 * 1.6-2.0 s (AMD EPYC, 2 vCPUs); beside the other nodes of a Raft group and eight writers, a killed
 * node rejoined in 5.7-9.5 s instead of 7.9-12.0 s, and the server module's tests took 5:43-6:44
 * instead of 7:15 min. It is made once per test JVM, since the JVM accepts it only for the class
 * path it was made with; when it cannot be made, children start without it, only slower.
 */
final class ServerJvm {
    private ServerJvm() {}

    /** {@code java [jvmOptions] ... Main [args]}. */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> c = new ArrayList<>(java());
        Optional<Archive> archive = Archive.MADE;
        archive.ifPresent(
                a ->
                        c.addAll(
                                List.of(
                                        "-XX:SharedArchiveFile=" + a.file(),
                                        "-Xlog:cds=off,cds+dynamic=off")));
        c.addAll(jvmOptions);
        String classPath = archive.map(Archive::classPath).orElseGet(ServerJvm::testClassPath);
        c.addAll(List.of("-cp", classPath, Main.class.getName()));
        c.addAll(args);
        return c;
    }

    static List<String> command(String... args) {
        return command(List.of(), List.of(args));
    }

    /**
     * {@code java ... Main [args]} for a command-line client ({@code cluster status}, ...): without
     * the Vector API, as {@code bin/vectaraft} runs them, so nothing but their answer is printed.
     */
    static List<String> cli(List<String> args) {
        List<String> c =
                new ArrayList<>(
                        List.of(
                                ProcessHandle.current().info().command().orElseThrow(),
                                "-cp",
                                testClassPath(),
                                Main.class.getName()));
        c.addAll(args);
        return c;
    }

    private static List<String> java() {
        return List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules",
                "jdk.incubator.vector");
    }

    private static String testClassPath() {
        return System.getProperty(
                "surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /**
     * The archive and the class path it was made for. The JVM archives no class path that names a
     * directory, so the directories of this one (the module's classes and test classes) are copied
     * into jars first. Made on first use, by one training run; deleted when the test JVM exits.
     */
    private record Archive(Path file, String classPath) {
        static final Optional<Archive> MADE = make();

        private static Optional<Archive> make() {
            try {
                Path dir = Files.createTempDirectory("vectaraft-test-cds");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                String classPath = jarDirectories(testClassPath(), dir);
                Path file = dir.resolve("server.jsa");
                List<String> c = new ArrayList<>(java());
                c.addAll(
                        List.of(
                                "-XX:ArchiveClassesAtExit=" + file,
                                "-Xlog:cds=off,cds+dynamic=off",
                                "-D" + Main.CDS_TRAINING + "=true",
                                "-cp",
                                classPath,
                                Main.class.getName(),
                                "--port",
                                "0",
                                "--metrics-addr",
                                "127.0.0.1:0",
                                "--wal-path",
                                dir.resolve("wal.jsonl").toString()));
                Path output = dir.resolve("training.out");
                Process p =
                        new ProcessBuilder(c)
                                .redirectErrorStream(true)
                                .redirectOutput(output.toFile())
                                .start();
                boolean exited = p.waitFor(120, TimeUnit.SECONDS);
                if (!exited) {
                    p.destroyForcibly().waitFor();
                }
                if (!exited || p.exitValue() != 0 || !Files.isRegularFile(file)) {
                    System.err.println(
                            "ServerJvm: no class-data-sharing archive for the child servers, the"
                                    + " training run failed:\n"
                                    + Files.readString(output));
                    return Optional.empty();
                }
                return Optional.of(new Archive(file, classPath));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        /** {@code classPath} with each directory replaced by a jar of it made in {@code dir}. */
        private static String jarDirectories(String classPath, Path dir) throws IOException {
            List<String> entries = new ArrayList<>();
            for (String entry : classPath.split(File.pathSeparator)) {
                Path path = Path.of(entry);
                if (Files.isDirectory(path)) {
                    Path jar = dir.resolve("classpath-" + entries.size() + ".jar");
                    writeJar(path, jar);
                    entries.add(jar.toString());
                } else {
                    entries.add(entry);
                }
            }
            return String.join(File.pathSeparator, entries);
        }

        private static void writeJar(Path root, Path jar) throws IOException {
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                    Stream<Path> files = Files.walk(root)) {
                out.setLevel(Deflater.NO_COMPRESSION);
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String name = root.relativize(f).toString().replace(File.separatorChar, '/');
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
        }

        private static void deleteTree(Path dir) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException e) {
                // A temporary directory left behind is harmless.
            }
        }
    }
}
