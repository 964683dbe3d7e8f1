package io.vectaraft.index;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A change to a record's metadata that leaves its vector alone: keys to set (added or replaced) and
 * keys to remove. Applying it to a record's metadata is deterministic, so a log replays it exactly.
 *
 * @param set keys to add or replace, with their new values
 * @param unset keys to remove (a key that is absent is ignored)
 */
public record MetadataPatch(Map<String, MetadataValue> set, List<String> unset) {
    public MetadataPatch {
        set = Collections.unmodifiableMap(new LinkedHashMap<>(set));
        unset = List.copyOf(unset);
    }

    /**
     * Checks the patch: it changes something, its keys are non-empty, and no key is both set and
     * unset.
     *
     * @throws InvalidArgumentException naming the bad key
     */
    public MetadataPatch validated() {
        if (set.isEmpty() && unset.isEmpty()) {
            throw new InvalidArgumentException(
                    "update: expected at least one key in set or unset, got neither");
        }
        for (String key : set.keySet()) {
            if (key.isEmpty()) {
                throw new InvalidArgumentException(
                        "set: metadata key: expected a non-empty string, got \"\"");
            }
        }
        for (int i = 0; i < unset.size(); i++) {
            String key = unset.get(i);
            if (key.isEmpty()) {
                throw new InvalidArgumentException(
                        "unset[" + i + "]: expected a non-empty metadata key, got \"\"");
            }
            if (set.containsKey(key)) {
                throw new InvalidArgumentException(
                        "unset["
                                + i
                                + "]: key "
                                + ClientText.quote(key)
                                + " is also in set: expected each key in at most one of them");
            }
        }
        return this;
    }

    /** The metadata after this patch, as a new map ({@code current} is not changed). */
    public Map<String, MetadataValue> applyTo(Map<String, MetadataValue> current) {
        Map<String, MetadataValue> out = new HashMap<>(current);
        out.putAll(set);
        for (String key : unset) {
            out.remove(key);
        }
        return Map.copyOf(out);
    }

    /** The keys this patch touches, set then unset. */
    public List<String> keys() {
        List<String> out = new ArrayList<>(set.keySet());
        out.addAll(unset);
        return out;
    }
}
