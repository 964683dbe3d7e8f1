package io.vectaraft.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived command to completion, output (stdout and stderr) captured in a file. */
record Command(int exit, String output) {

    static Command run(Path workDir, Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        return run(workDir, timeout, command, Map.of());
    }

    /** As {@link #run(Path, Duration, List)}, with {@code env} added to the environment. */
    static Command run(
            Path workDir, Duration timeout, List<String> command, Map<String, String> env)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("vectaraft-command", ".log");
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command)
                            .directory(workDir.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                throw new AssertionError(
                        command + " did not finish within " + timeout + ":\n" + read(log));
            }
            return new Command(process.exitValue(), read(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
