package io.vectaraft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vectaraft.index.CollectionNotFoundException;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.wal.log.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaStateTest {
    @TempDir Path dir;

    private static byte[] entry(Mutation m) {
        return ReplicaState.encode(m);
    }

    @Test
    void appliesEntriesAndResolvesDeleteByFilterWhenApplied() {
        ReplicaState state = new ReplicaState(dir.resolve("vectors"));
        List<VectorRecord> records = Fixtures.records(new Random(7), "r", 40, 4);
        assertNull(state.apply(entry(new Mutation.Create(Fixtures.spec("c", 4)))).refused());
        assertEquals(40, state.apply(entry(new Mutation.Upsert("c", records))).count(), "upserted");
        Filter tagged = Filter.eq("tag", MetadataValue.of("t1"));
        long matching = state.database().get("c").count(tagged);
        // Entries written after the delete was encoded but applied before it are seen by it.
        List<VectorRecord> more = Fixtures.records(new Random(8), "s", 20, 4);
        byte[] delete = entry(new Mutation.DeleteMatching("c", tagged));
        state.apply(entry(new Mutation.Upsert("c", more)));
        long matchingNow = state.database().get("c").count(tagged);
        assertEquals(
                (int) matchingNow,
                state.apply(delete).count(),
                "deleted what matched when applied (" + matching + " when encoded)");
        assertEquals(0, state.database().get("c").count(tagged), "none left");
    }

    @Test
    void anEntryTheStateRefusesChangesNothing() {
        ReplicaState state = new ReplicaState(dir.resolve("vectors"));
        ReplicaState.Applied a =
                state.apply(
                        entry(
                                new Mutation.Upsert(
                                        "missing", Fixtures.records(new Random(1), "r", 2, 4))));
        assertInstanceOf(CollectionNotFoundException.class, a.refused(), "refused, not thrown");
        assertEquals(0, state.database().list().size(), "nothing created");
        assertThrows(
                CollectionNotFoundException.class,
                () -> state.check(new Mutation.Delete("missing", List.of("x"))),
                "checked before submission");
        state.apply(entry(new Mutation.Create(Fixtures.spec("c", 4))));
        assertThrows(
                InvalidArgumentException.class,
                () ->
                        state.check(
                                new Mutation.Upsert(
                                        "c", Fixtures.records(new Random(1), "r", 2, 3))),
                "a wrong dimension is refused before submission");
    }

    @Test
    void aSnapshotLoadsIntoAnotherReplica() {
        ReplicaState state = new ReplicaState(dir.resolve("vectors"));
        state.apply(entry(new Mutation.Create(Fixtures.spec("c", 4))));
        List<VectorRecord> records = Fixtures.records(new Random(3), "r", 25, 4);
        state.apply(entry(new Mutation.Upsert("c", records)));
        SnapshotFile snap = state.writeSnapshot(dir.resolve("snaps"), 42);
        assertEquals(ReplicaState.snapshotPath(dir.resolve("snaps"), 42), snap.path(), "named");

        ReplicaState other = new ReplicaState(dir.resolve("vectors2"));
        other.apply(entry(new Mutation.Create(Fixtures.spec("stale", 2))));
        assertEquals(42, other.load(snap.path()), "index covered");
        assertEquals(
                List.of("c"),
                other.database().list().stream().map(c -> c.spec().name()).toList(),
                "state replaced");
        assertEquals(
                state.database().get("c").get(List.of("r0", "r24"), true),
                other.database().get("c").get(List.of("r0", "r24"), true),
                "same records");
    }
}
