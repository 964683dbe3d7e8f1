package io.vectaraft.server;

import io.vectaraft.server.config.CommandLine;
import io.vectaraft.server.config.ConfigException;
import io.vectaraft.server.config.ConfigLoader;
import io.vectaraft.server.config.ServerConfig;
import io.vectaraft.wal.LogCorruptException;
import io.vectaraft.wal.OfflineRestore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code vectaraft restore <snapshot-file> [flags]}: with the server stopped, makes a snapshot the
 * whole state of the data directory the flags (or config file and environment) name, as {@link
 * OfflineRestore} does. Exit 0 restored, 1 refused (the file is damaged, foreign or missing:
 * nothing changed), 2 bad usage or a configuration that cannot be restored into.
 */
final class RestoreCommand {
    private RestoreCommand() {}

    static final String USAGE =
            "usage: vectaraft restore <snapshot-file> [--wal-path <path>] [--snapshot-dir <dir>]"
                    + " [--config <file>]\n"
                    + "  With the server stopped: checks the file whole, sets the current log and"
                    + " snapshots aside\n"
                    + "  (into replaced-<millis>/ beside the snapshot directory) and installs the"
                    + " file, so the next start\n"
                    + "  recovers exactly that snapshot.\n";

    static int run(
            List<String> args,
            Map<String, String> env,
            Path cwd,
            PrintStream out,
            PrintStream err) {
        if (args.isEmpty() || args.getFirst().startsWith("-")) {
            err.print(USAGE);
            return 2;
        }
        Path file = cwd.resolve(args.getFirst()).normalize();
        ServerConfig config;
        try {
            config =
                    ConfigLoader.load(CommandLine.parse(args.subList(1, args.size())), env, cwd)
                            .config();
        } catch (ConfigException e) {
            err.println("vectaraft restore: " + e.getMessage());
            return 2;
        }
        if (!config.walEnabled()) {
            err.println(
                    "vectaraft restore: the configuration has no write-ahead log (--no-wal):"
                            + " there is nothing to restore into");
            return 2;
        }
        if (config.cluster().isPresent()) {
            err.println(
                    "vectaraft restore: refused for a cluster node: its state comes from the Raft"
                            + " group (restore a standalone server, or rebuild the group from one)");
            return 2;
        }
        try {
            OfflineRestore.Result r = OfflineRestore.restore(file, config.storageOptions());
            out.println(
                    "vectaraft restore: installed "
                            + r.installed()
                            + " (log position "
                            + r.sequence()
                            + ")"
                            + (r.setAside() == null
                                    ? ""
                                    : "; the previous "
                                            + r.moved()
                                            + " log and snapshot files are in "
                                            + r.setAside()));
            return 0;
        } catch (LogCorruptException e) {
            err.println("vectaraft restore: refused, nothing changed: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("vectaraft restore: failed: " + e.getMessage());
            return 1;
        }
    }
}
