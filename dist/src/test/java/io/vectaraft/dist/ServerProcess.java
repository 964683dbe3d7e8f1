package io.vectaraft.dist;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The image's {@code bin/vectaraft} running as a real OS process. Tests wait for lines of its
 * output (e.g. {@code gRPC listening on HOST:PORT}, so port 0 works), never for a fixed time.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("gRPC listening on (\\S+):(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path image;
    private final Process process;
    private final Thread pump;
    private final List<String> lines = new ArrayList<>(); // guarded by this
    private boolean outputEnded; // guarded by this
    private final List<ProcessHandle> seenChildren = new ArrayList<>();

    private ServerProcess(Path image, Process process) {
        this.image = image;
        this.process = process;
        this.pump = Thread.ofPlatform().daemon().name("server-output").start(this::pumpOutput);
    }

    /** Starts {@code image/bin/vectaraft args...} with {@code workDir} as its working directory. */
    static ServerProcess start(Path image, Path workDir, Map<String, String> env, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(image.resolve("bin/vectaraft").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().remove("VECTARAFT_JAVA_OPTS");
        builder.environment().putAll(env);
        return new ServerProcess(image, builder.start());
    }

    /** Waits for the listening line and returns the gRPC port it names. */
    int awaitPort() {
        Matcher m = LISTENING.matcher(awaitLine(LISTENING));
        assertTrue(m.find());
        return Integer.parseInt(m.group(2));
    }

    /**
     * Returns the first output line that contains a match of {@code pattern}, waiting for it while
     * the server runs (at most {@link #START_TIMEOUT}).
     */
    synchronized String awaitLine(Pattern pattern) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < lines.size(); checked++) {
                if (pattern.matcher(lines.get(checked)).find()) {
                    return lines.get(checked);
                }
            }
            if (outputEnded) {
                return fail(
                        "server output ended without a line matching /"
                                + pattern
                                + "/:\n"
                                + output());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return fail(
                        "no line matching /"
                                + pattern
                                + "/ within "
                                + START_TIMEOUT
                                + ":\n"
                                + output());
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A thread dump of the running server ({@code jcmd PID Thread.print} from the image), for
     * failure messages; empty when the server is gone.
     */
    String threadDump() {
        if (!process.isAlive()) {
            return "";
        }
        try {
            Command dump =
                    Command.run(
                            Path.of("."),
                            Duration.ofSeconds(30),
                            List.of(
                                    image.resolve("bin/jcmd").toString(),
                                    Long.toString(process.pid()),
                                    "Thread.print"));
            return "server thread dump:\n" + dump.output();
        } catch (IOException | InterruptedException | AssertionError e) {
            return "no server thread dump: " + e;
        }
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    synchronized String output() {
        return String.join("\n", lines);
    }

    /**
     * Sends SIGTERM ({@link Process#destroy()}), waits for the exit, and checks that neither the
     * server nor anything it started is left running. Returns the exit status.
     */
    int stop() throws InterruptedException {
        process.descendants().forEach(seenChildren::add);
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(
                    "server did not exit within "
                            + STOP_TIMEOUT
                            + " of SIGTERM; output:\n"
                            + output());
        }
        pump.join(STOP_TIMEOUT.toMillis());
        assertFalse(process.isAlive(), "server process still alive");
        for (ProcessHandle child : seenChildren) {
            assertFalse(child.isAlive(), "stray child process left running: " + child.info());
        }
        assertTrue(process.descendants().findAny().isEmpty(), "descendants left after the server");
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private void pumpOutput() {
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // The stream closes under us when close() kills the server; otherwise it is news.
            if (process.isAlive()) {
                throw new UncheckedIOException(e);
            }
        } finally {
            synchronized (this) {
                outputEnded = true;
                notifyAll();
            }
        }
    }
}
