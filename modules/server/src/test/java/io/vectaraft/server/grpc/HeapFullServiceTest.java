package io.vectaraft.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.CreateAliasRequest;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.CreateFieldIndexRequest;
import io.vectaraft.api.v1.DeleteAliasRequest;
import io.vectaraft.api.v1.DeleteCollectionRequest;
import io.vectaraft.api.v1.DeleteFieldIndexRequest;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.FieldIndexType;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.ListCollectionsRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.RestoreSnapshotRequest;
import io.vectaraft.api.v1.ScrollRequest;
import io.vectaraft.api.v1.SwitchAliasRequest;
import io.vectaraft.api.v1.UpdateMetadataRequest;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.Value;
import io.vectaraft.server.config.Limits;
import io.vectaraft.server.recall.RecallMonitor;
import io.vectaraft.wal.StorageEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which RPCs the heap limit refuses, through the service itself over an in-memory store with heap
 * readings set by the test: every write that adds data gets RESOURCE_EXHAUSTED and changes nothing;
 * reads, deletes and the rest are served; and writes go through again once memory is freed.
 */
class HeapFullServiceTest {
    private final WriteHeapLimitTest.Readings heap = new WriteHeapLimitTest.Readings(1_000);
    private final List<String> refused = new ArrayList<>();
    private final StorageEngine store = StorageEngine.inMemory();
    private final VectorServiceImpl service =
            new VectorServiceImpl(
                    store,
                    "test",
                    new ServiceEvents() {
                        @Override
                        public void writeRefused(String method) {
                            refused.add(method);
                        }
                    },
                    RecallMonitor.disabled(),
                    OpenTelemetry.noop().getTracer(""),
                    new Admission(
                            new Limits(1000, 1 << 20, 10, 2, Duration.ofSeconds(1), 90), heap));

    @AfterEach
    void close() {
        store.close();
    }

    /** What one unary call answered: its reply, or the status it failed with. */
    private static <Q, R> Status call(BiConsumer<Q, StreamObserver<R>> method, Q request) {
        Status[] status = {null};
        method.accept(
                request,
                new StreamObserver<R>() {
                    @Override
                    public void onNext(R value) {}

                    @Override
                    public void onError(Throwable t) {
                        status[0] = Status.fromThrowable(t);
                    }

                    @Override
                    public void onCompleted() {
                        status[0] = Status.OK;
                    }
                });
        assertNotNull(status[0], "the call answered");
        return status[0];
    }

    private static void assertOk(String what, Status s) {
        assertEquals(Status.Code.OK, s.getCode(), what + ": " + s);
    }

    private static UpsertRequest upsert(String id) {
        return UpsertRequest.newBuilder()
                .setCollection("docs")
                .addRecords(
                        Record.newBuilder()
                                .setId(id)
                                .addValues(1)
                                .addValues(0)
                                .putMetadata("n", Value.newBuilder().setIntValue(1).build()))
                .build();
    }

    private static CreateCollectionRequest create(String name) {
        return CreateCollectionRequest.newBuilder()
                .setName(name)
                .setDimension(2)
                .setMetric(Metric.EUCLIDEAN)
                .build();
    }

    @Test
    void writesThatAddDataAreRefusedWhileTheRestIsServed() {
        heap.collected(100);
        assertOk("CreateCollection", call(service::createCollection, create("docs")));
        assertOk("Upsert", call(service::upsert, upsert("a")));
        assertOk("Upsert", call(service::upsert, upsert("b")));
        assertOk(
                "CreateAlias",
                call(
                        service::createAlias,
                        CreateAliasRequest.newBuilder()
                                .setAlias("current")
                                .setCollection("docs")
                                .build()));
        assertOk(
                "CreateFieldIndex",
                call(
                        service::createFieldIndex,
                        CreateFieldIndexRequest.newBuilder()
                                .setCollection("docs")
                                .setKey("n")
                                .setType(FieldIndexType.FIELD_INDEX_INTEGER)
                                .build()));
        assertOk("CreateCollection", call(service::createCollection, create("other")));

        heap.collected(930);
        List<Status> writes =
                List.of(
                        call(service::upsert, upsert("c")),
                        call(service::createCollection, create("new")),
                        call(
                                service::updateMetadata,
                                UpdateMetadataRequest.newBuilder()
                                        .setCollection("docs")
                                        .addIds("a")
                                        .putSet("m", Value.newBuilder().setIntValue(2).build())
                                        .build()),
                        call(
                                service::createFieldIndex,
                                CreateFieldIndexRequest.newBuilder()
                                        .setCollection("docs")
                                        .setKey("m")
                                        .setType(FieldIndexType.FIELD_INDEX_INTEGER)
                                        .build()),
                        call(
                                service::createAlias,
                                CreateAliasRequest.newBuilder()
                                        .setAlias("more")
                                        .setCollection("docs")
                                        .build()),
                        call(
                                service::restoreSnapshot,
                                RestoreSnapshotRequest.newBuilder()
                                        .setSnapshotName("snapshot.snap")
                                        .build()));
        for (Status s : writes) {
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode(), s.toString());
            assertEquals(WriteHeapLimitTest.REFUSAL_AT_93, s.getDescription());
        }
        assertEquals(
                List.of(
                        "Upsert",
                        "CreateCollection",
                        "UpdateMetadata",
                        "CreateFieldIndex",
                        "CreateAlias",
                        "RestoreSnapshot"),
                refused,
                "each refusal counted, by method");
        assertEquals(2, store.database().get("docs").size(), "no record added");
        assertEquals(
                List.of("docs", "other"),
                store.database().list().stream().map(c -> c.spec().name()).sorted().toList(),
                "no collection created");
        assertNull(store.database().aliases().get("more"), "no alias created");

        assertOk("Ping", call(service::ping, PingRequest.getDefaultInstance()));
        assertOk(
                "ListCollections",
                call(service::listCollections, ListCollectionsRequest.getDefaultInstance()));
        assertOk(
                "DescribeCollection",
                call(
                        service::describeCollection,
                        DescribeCollectionRequest.newBuilder().setName("docs").build()));
        assertOk(
                "Query",
                call(
                        service::query,
                        QueryRequest.newBuilder()
                                .setCollection("docs")
                                .addVector(1)
                                .addVector(0)
                                .setTopK(2)
                                .build()));
        assertOk(
                "Count",
                call(service::count, CountRequest.newBuilder().setCollection("docs").build()));
        assertOk(
                "Get",
                call(
                        service::get,
                        GetRequest.newBuilder().setCollection("docs").addIds("a").build()));
        assertOk(
                "Scroll",
                call(
                        service::scroll,
                        ScrollRequest.newBuilder().setCollection("docs").setLimit(10).build()));
        assertOk(
                "SwitchAlias",
                call(
                        service::switchAlias,
                        SwitchAliasRequest.newBuilder()
                                .setAlias("current")
                                .setCollection("other")
                                .build()));
        assertOk(
                "DeleteAlias",
                call(
                        service::deleteAlias,
                        DeleteAliasRequest.newBuilder().setAlias("current").build()));
        assertOk(
                "DeleteFieldIndex",
                call(
                        service::deleteFieldIndex,
                        DeleteFieldIndexRequest.newBuilder()
                                .setCollection("docs")
                                .setKey("n")
                                .build()));
        assertOk(
                "Delete",
                call(
                        service::delete,
                        DeleteRequest.newBuilder().setCollection("docs").addIds("b").build()));
        assertOk(
                "DeleteCollection",
                call(
                        service::deleteCollection,
                        DeleteCollectionRequest.newBuilder().setName("other").build()));
        assertEquals(6, refused.size(), "nothing else counted as refused");

        heap.collected(500);
        assertOk("Upsert once memory is freed", call(service::upsert, upsert("c")));
        assertEquals(2, store.database().get("docs").size(), "a, c");
    }
}
