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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The image's {@code bin/vectaraft} running as a real OS process. Start-up is detected by the
 * server's {@code gRPC listening on HOST:PORT} log line (so port 0 works), not by sleeping.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("gRPC listening on (\\S+):(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Thread pump;
    private final List<ProcessHandle> seenChildren = new ArrayList<>();

    private ServerProcess(Process process) {
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
        return new ServerProcess(builder.start());
    }

    /** Waits for the listening line and returns the gRPC port it names. */
    int awaitPort() {
        try {
            return port.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail(
                    "no 'gRPC listening on' line within " + START_TIMEOUT + "; output:\n" + output);
        } catch (ExecutionException e) {
            return fail(e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    String output() {
        return output.toString();
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
            fail("server did not exit within " + STOP_TIMEOUT + " of SIGTERM; output:\n" + output);
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
                output.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(2)));
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(new UncheckedIOException(e));
        }
        port.completeExceptionally(
                new IllegalStateException("server exited before listening; output:\n" + output));
    }
}
