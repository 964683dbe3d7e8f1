package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.server.TestKeys.Entry;
import io.vectaraft.server.auth.LiveKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key file is re-read when it changes, without a restart; a broken file changes nothing. */
class KeyReloadTest {
    private static final Entry OLD = Entry.of("old", "read-only");
    private static final Entry NEW = Entry.of("new", "read-only");
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Waits for a condition the server reaches on its own (the file watcher's next look). */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + WAIT + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    private static boolean accepted(TestServer server, Entry key) {
        try {
            TestKeys.as(server.stub(), key).ping(PingRequest.getDefaultInstance());
            return true;
        } catch (StatusRuntimeException e) {
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.getMessage());
            return false;
        }
    }

    @Test
    void aRotatedKeyWorksAndTheRemovedOneStopsWithoutARestart(@TempDir Path dir) throws Exception {
        Path file = TestKeys.write(dir.resolve("keys.yaml"), OLD);
        try (TestServer server = TestServer.start(dir, "--api-keys-file", file.toString())) {
            assertTrue(accepted(server, OLD));
            assertTrue(!accepted(server, NEW));
            TestKeys.write(file, NEW);
            await("the new key is accepted", () -> accepted(server, NEW));
            assertTrue(!accepted(server, OLD), "the removed key is refused");
        }
    }

    @Test
    void aBrokenFileKeepsTheKeysInForceAndLogsOneLine(@TempDir Path dir) throws Exception {
        Path file = TestKeys.write(dir.resolve("keys.yaml"), OLD);
        List<String> errors = new ArrayList<>();
        Handler capture =
                new Handler() {
                    @Override
                    public void publish(LogRecord r) {
                        if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                            synchronized (errors) {
                                errors.add(r.getMessage());
                            }
                        }
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                };
        Logger logger = Logger.getLogger(LiveKeys.class.getName());
        logger.addHandler(capture);
        try (TestServer server = TestServer.start(dir, "--api-keys-file", file.toString())) {
            Files.writeString(file, "keys:\n  - id: new\n    sha256: 1234\n    role: admin\n");
            await(
                    "the reload failure is logged",
                    () -> {
                        synchronized (errors) {
                            return !errors.isEmpty();
                        }
                    });
            String line;
            synchronized (errors) {
                line = errors.getFirst();
            }
            assertEquals(
                    "key file "
                            + file
                            + " line 3: keys[0].sha256: expected 64 hex digits (the SHA-256 of the"
                            + " key), got 4 characters; keeping the 1 keys in force",
                    line);
            assertTrue(accepted(server, OLD), "the previous keys stay");
            TestKeys.write(file, OLD, NEW);
            await("a fixed file is taken", () -> accepted(server, NEW));
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void reloadReadsTheFileEvenWhenNothingVisibleChanged(@TempDir Path dir) throws Exception {
        Path file = TestKeys.write(dir.resolve("keys.yaml"), OLD);
        try (TestServer server = TestServer.start(dir, "--api-keys-file", file.toString())) {
            var time = Files.getLastModifiedTime(file);
            // Same size, same inode, same modification time: only an explicit reload sees it.
            String text = Files.readString(file);
            String rotated = TestKeys.Entry.of("old", "read-only").yaml();
            Entry same =
                    new Entry(
                            "old",
                            "vtr_old_ZYXWVUTSRQPONMLKJIHGFEDCBA987654",
                            "read-only",
                            List.of());
            Files.writeString(file, text.replace(rotated, same.yaml()));
            Files.setLastModifiedTime(file, time);
            assertThrows(
                    StatusRuntimeException.class,
                    () -> TestKeys.as(server.stub(), same).ping(PingRequest.getDefaultInstance()));
            server.server.reload();
            await("the rewritten key works after a reload", () -> accepted(server, same));
        }
    }
}
