package io.vectaraft.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.CollectionConflictException;
import io.vectaraft.index.CollectionNotFoundException;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.MetadataPatch;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.Metric;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.wal.log.BinaryUpsertCodec;
import io.vectaraft.wal.log.EntryCodec;
import io.vectaraft.wal.log.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    void upsertsAreBinaryAndJsonOnesFromOlderLogsStillApply() {
        ReplicaState state = new ReplicaState(dir.resolve("vectors"));
        state.apply(entry(new Mutation.Create(Fixtures.spec("c", 4))));
        Mutation.Upsert upsert =
                new Mutation.Upsert("c", Fixtures.records(new Random(5), "r", 3, 4));
        assertEquals(BinaryUpsertCodec.FORMAT, entry(upsert)[0], "binary");
        assertEquals(3, state.apply(EntryCodec.encode(upsert)).count(), "a JSON upsert applies");
        Mutation.Upsert more = new Mutation.Upsert("c", Fixtures.records(new Random(6), "s", 2, 4));
        assertEquals(2, state.apply(entry(more)).count(), "a binary upsert applies");
        assertEquals(
                List.of(upsert.records().get(1)),
                state.database().get("c").get(List.of("r1"), true),
                "decoded as written");
    }

    @Test
    void aCheckedUpsertCarriesNormalizedRecordsThatNoReplicaNormalizesAgain() {
        CollectionSpec cosine = new CollectionSpec("c", 8, Metric.COSINE, IndexSpec.flat());
        ReplicaState receiving = new ReplicaState(dir.resolve("a"));
        ReplicaState older = new ReplicaState(dir.resolve("b"));
        receiving.apply(entry(new Mutation.Create(cosine)));
        older.apply(entry(new Mutation.Create(cosine)));
        Mutation.Upsert received =
                new Mutation.Upsert("c", Fixtures.records(new Random(11), "r", 50, 8));

        Mutation.Upsert checked =
                assertInstanceOf(Mutation.Upsert.class, receiving.check(received));
        byte[] stored = entry(checked);
        assertTrue(checked.stored(), "the entry carries records in stored form");
        assertEquals(BinaryUpsertCodec.FORMAT_STORED, stored[0]);
        assertEquals(50, receiving.apply(stored).count());
        // An entry written by an older node holds the records as received: normalized when applied.
        assertEquals(50, older.apply(entry(received)).count());
        for (VectorRecord r : received.records()) {
            List<String> id = List.of(r.id());
            assertArrayEquals(
                    older.database().get("c").get(id, true).getFirst().vector(),
                    receiving.database().get("c").get(id, true).getFirst().vector(),
                    r.id() + ": the same bits as normalizing when applied");
        }

        // A stored-form entry is taken as it is: this vector is not of unit length, and stays so.
        float[] raw = {3, 4, 0, 0, 0, 0, 0, 0};
        receiving.apply(
                entry(
                        new Mutation.Upsert(
                                "c", List.of(new VectorRecord("s", raw, Map.of())), true)));
        assertArrayEquals(
                raw, receiving.database().get("c").get(List.of("s"), true).getFirst().vector());
        assertEquals(
                checked,
                EntryCodec.decode(EntryCodec.encode(checked), 0, EntryCodec.encode(checked).length),
                "the JSON form keeps the flag too");
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

    @Test
    void metadataUpdatesByFilterAreResolvedWhenAppliedAndAliasesReplicate() {
        ReplicaState state = new ReplicaState(dir.resolve("vectors"));
        state.apply(entry(new Mutation.Create(Fixtures.spec("c", 4))));
        state.apply(entry(new Mutation.Upsert("c", Fixtures.records(new Random(5), "r", 30, 4))));
        Filter tagged = Filter.eq("tag", MetadataValue.of("t1"));
        MetadataPatch mark = new MetadataPatch(Map.of("marked", MetadataValue.of(true)), List.of());
        byte[] update = entry(new Mutation.UpdateMetadata("c", List.of(), tagged, mark));
        // Written after the update was encoded, applied before it: the update sees these too.
        state.apply(entry(new Mutation.Upsert("c", Fixtures.records(new Random(6), "s", 10, 4))));
        long matching = state.database().get("c").count(tagged);
        assertEquals((int) matching, state.apply(update).count(), "resolved when applied");
        Filter marked = Filter.eq("marked", MetadataValue.of(true));
        assertEquals(matching, state.database().get("c").count(marked));
        MetadataPatch unmark = new MetadataPatch(Map.of(), List.of("marked"));
        assertEquals(
                1,
                state.apply(
                                entry(
                                        new Mutation.UpdateMetadata(
                                                "c", List.of("r0", "nope"), null, unmark)))
                        .count(),
                "by ids, missing ones skipped");
        assertInstanceOf(
                InvalidArgumentException.class,
                state.apply(
                                entry(
                                        new Mutation.UpdateMetadata(
                                                "c",
                                                List.of("r1"),
                                                null,
                                                new MetadataPatch(Map.of(), List.of()))))
                        .refused(),
                "an empty patch is refused on every replica alike");

        state.apply(entry(new Mutation.Create(Fixtures.spec("d", 4))));
        assertNull(state.apply(entry(new Mutation.CreateAlias("live", "c"))).refused());
        assertEquals("c", state.database().resolve("live"));
        assertInstanceOf(
                CollectionConflictException.class,
                state.apply(entry(new Mutation.CreateAlias("d", "c"))).refused(),
                "an alias may not take a collection's name");
        assertInstanceOf(
                CollectionNotFoundException.class,
                state.apply(entry(new Mutation.CreateAlias("x", "missing"))).refused());
        assertThrows(
                CollectionNotFoundException.class,
                () -> state.check(new Mutation.DeleteAlias("nope")),
                "a missing alias is refused before submission");
        state.apply(entry(new Mutation.SwitchAlias("live", "d")));
        state.apply(entry(new Mutation.CreateAlias("old", "c")));
        assertEquals(Map.of("live", "d", "old", "c"), state.database().aliases());

        SnapshotFile snap = state.writeSnapshot(dir.resolve("snaps"), 9);
        ReplicaState other = new ReplicaState(dir.resolve("vectors2"));
        other.load(snap.path());
        assertEquals(state.database().aliases(), other.database().aliases(), "in the snapshot");
        assertEquals(
                state.database().get("c").count(marked),
                other.database().get("c").count(marked),
                "updates too");

        state.apply(entry(new Mutation.Drop("c")));
        assertEquals(Map.of("live", "d"), state.database().aliases(), "dropped with c");
    }
}
