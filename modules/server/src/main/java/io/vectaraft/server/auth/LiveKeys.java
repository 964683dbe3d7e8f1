package io.vectaraft.server.auth;

import io.vectaraft.server.config.AuthSettings;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The keys in force: those of the key file and the single {@code auth.api-key}. {@link #reload}
 * re-reads the file (the server calls it when the file changes and on SIGHUP); a file that fails to
 * parse leaves the keys in force as they were and logs one line naming the file, the line and the
 * problem. Readers get an immutable {@link KeyRing}, swapped whole, so a call never sees half a
 * reload.
 */
public final class LiveKeys implements Supplier<KeyRing> {
    /** The id of the single {@code auth.api-key} in logs and metrics. */
    public static final String SINGLE_KEY_ID = "api-key";

    private static final System.Logger LOG = System.getLogger(LiveKeys.class.getName());

    private final Optional<Path> file;
    private final Optional<ApiKey> single;
    private volatile KeyRing ring;

    private LiveKeys(Optional<Path> file, Optional<ApiKey> single) {
        this.file = file;
        this.single = single;
        this.ring = build();
    }

    /**
     * Reads the keys the settings name.
     *
     * @throws KeyFileException when the key file is unusable (the server does not start)
     */
    public static LiveKeys load(AuthSettings settings) {
        Optional<ApiKey> single =
                settings.apiKey()
                        .map(
                                secret ->
                                        new ApiKey(
                                                SINGLE_KEY_ID,
                                                KeyRing.sha256(secret),
                                                Role.ADMIN,
                                                CollectionScope.ALL));
        return new LiveKeys(settings.keysFile(), single);
    }

    @Override
    public KeyRing get() {
        return ring;
    }

    public Optional<Path> file() {
        return file;
    }

    /**
     * Re-reads the key file. On success the new keys are in force for every call that starts after;
     * on failure the previous ones stay and the problem is logged.
     *
     * @return whether the new keys are in force
     */
    public synchronized boolean reload() {
        if (file.isEmpty()) {
            return true;
        }
        KeyRing before = ring;
        KeyRing after;
        try {
            after = build();
        } catch (KeyFileException e) {
            LOG.log(
                    Level.ERROR,
                    e.getMessage() + "; keeping the " + before.size() + " keys in force");
            return false;
        }
        ring = after;
        LOG.log(Level.INFO, "key file " + file.get() + " reloaded: " + change(before, after));
        return true;
    }

    private KeyRing build() {
        List<ApiKey> keys = new ArrayList<>();
        if (file.isPresent()) {
            keys.addAll(KeyFile.read(file.get()));
        }
        if (single.isPresent()) {
            if (keys.stream().anyMatch(k -> k.id().equals(SINGLE_KEY_ID))) {
                throw new KeyFileException(
                        file.orElseThrow(),
                        0,
                        "id \""
                                + SINGLE_KEY_ID
                                + "\": expected another id, this one names auth.api-key");
            }
            keys.add(single.get());
        }
        return new KeyRing(keys);
    }

    private static String change(KeyRing before, KeyRing after) {
        Set<String> old = ids(before);
        Set<String> now = ids(after);
        Set<String> added = new TreeSet<>(now);
        added.removeAll(old);
        Set<String> removed = new TreeSet<>(old);
        removed.removeAll(now);
        StringBuilder b = new StringBuilder().append(after.size()).append(" keys");
        if (!added.isEmpty()) {
            b.append(", added ").append(String.join(" ", added));
        }
        if (!removed.isEmpty()) {
            b.append(", removed ").append(String.join(" ", removed));
        }
        return b.toString();
    }

    private static Set<String> ids(KeyRing ring) {
        Set<String> ids = new TreeSet<>();
        ring.keys().forEach(k -> ids.add(k.id()));
        return ids;
    }
}
