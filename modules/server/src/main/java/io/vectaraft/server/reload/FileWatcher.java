package io.vectaraft.server.reload;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action when any of a group of files changes: the key file, the TLS certificate and its
 * key. One thread looks at each file's identity, size and modification time every {@link #PERIOD}:
 * polling works the same for files edited in place, replaced by a rename, swapped behind a symlink
 * (Kubernetes secrets) or bind-mounted into a container, where file-system events are not always
 * delivered. {@link #reloadAll} (SIGHUP) runs every action at once, changed or not.
 *
 * <p>Actions run one at a time on the watcher's thread; an action that throws is logged and the
 * file is looked at again on the next change.
 */
public final class FileWatcher implements AutoCloseable {
    /** How often files are looked at. */
    public static final Duration PERIOD = Duration.ofSeconds(1);

    private static final System.Logger LOG = System.getLogger(FileWatcher.class.getName());

    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(
                    r -> Thread.ofPlatform().name("file-watcher").daemon().unstarted(r));
    private final List<Group> groups = new CopyOnWriteArrayList<>();

    public FileWatcher() {
        thread.scheduleWithFixedDelay(
                this::poll, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code action} whenever one of {@code files} changes from now on. */
    public void watch(List<Path> files, Runnable action) {
        groups.add(new Group(List.copyOf(files), action, stamps(files)));
    }

    /** Runs every action now, on the watcher's thread (SIGHUP); returns at once. */
    public void reloadAll() {
        thread.execute(
                () -> {
                    for (Group g : groups) {
                        g.stamps = stamps(g.files);
                        run(g);
                    }
                });
    }

    private void poll() {
        for (Group g : groups) {
            List<Stamp> now = stamps(g.files);
            if (!now.equals(g.stamps)) {
                g.stamps = now;
                run(g);
            }
        }
    }

    private static void run(Group g) {
        try {
            g.action.run();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "reloading " + g.files + " failed: " + e.getMessage(), e);
        }
    }

    private static List<Stamp> stamps(List<Path> files) {
        List<Stamp> stamps = new ArrayList<>(files.size());
        for (Path f : files) {
            stamps.add(stamp(f));
        }
        return stamps;
    }

    /** What identifies a version of a file; null fields when it is missing or unreadable. */
    private static Stamp stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            // FileTime's text keeps the file system's full precision (nanoseconds on ext4).
            return new Stamp(a.fileKey(), a.size(), a.lastModifiedTime().toString());
        } catch (NoSuchFileException e) {
            return new Stamp(null, -1, "missing");
        } catch (IOException e) {
            return new Stamp(null, -1, Objects.toString(e.getMessage()));
        }
    }

    private record Stamp(Object fileKey, long size, String modified) {}

    private static final class Group {
        final List<Path> files;
        final Runnable action;
        volatile List<Stamp> stamps;

        Group(List<Path> files, Runnable action, List<Stamp> stamps) {
            this.files = files;
            this.action = action;
            this.stamps = stamps;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
