package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vectaraft.api.v1.Condition;
import io.vectaraft.api.v1.HnswIndex;
import io.vectaraft.api.v1.IndexSpec;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import io.vectaraft.server.trace.Tracing;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One SERVER span per RPC over a real socket: it continues the caller's {@code traceparent}, its
 * children time the log append, the fsync wait, the apply and the search, and it carries the
 * query's shape and the call's status. Spans end before the reply is sent, so they are exported by
 * the time the client has its answer.
 */
class TracingTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("rpc.grpc.status_code");

    @TempDir Path dir;
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();

    private TestServer traced(double ratio, String... flags) {
        return TestServer.traced(Tracing.exportingTo(spans, ratio), dir, flags);
    }

    private static VectorServiceBlockingStub withParent(TestServer server, boolean sampled) {
        Metadata headers = new Metadata();
        headers.put(
                Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
                "00-" + TRACE_ID + "-" + CALLER_SPAN + (sampled ? "-01" : "-00"));
        return server.stub().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private SpanData rpc(String method) {
        List<SpanData> found =
                spans.getFinishedSpanItems().stream()
                        .filter(s -> s.getName().equals("vectaraft.v1.VectorService/" + method))
                        .toList();
        assertEquals(1, found.size(), "spans named " + method + ": " + names());
        return found.getFirst();
    }

    private List<String> childrenOf(SpanData parent) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                .map(SpanData::getName)
                .sorted()
                .toList();
    }

    private List<String> names() {
        return spans.getFinishedSpanItems().stream().map(SpanData::getName).toList();
    }

    @Test
    void anUpsertContinuesTheCallersTraceAndTimesAppendFsyncAndApply() {
        try (TestServer server =
                traced(
                        1.0,
                        "--wal-path",
                        dir.resolve("wal.jsonl").toString(),
                        "--fsync",
                        "always")) {
            server.stub().createCollection(Protos.create("docs", 2, Metric.EUCLIDEAN));
            withParent(server, true).upsert(Protos.upsert("docs", Protos.record("a", 1, 2)));

            SpanData upsert = rpc("Upsert");
            assertEquals(SpanKind.SERVER, upsert.getKind());
            assertEquals(TRACE_ID, upsert.getTraceId());
            assertEquals(CALLER_SPAN, upsert.getParentSpanId());
            assertEquals(
                    "docs",
                    upsert.getAttributes().get(AttributeKey.stringKey("vectaraft.collection")));
            assertEquals(0L, upsert.getAttributes().get(STATUS));
            assertEquals(
                    List.of("index.apply", "wal.fsync_wait", "wal.log_append"), childrenOf(upsert));
            spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getParentSpanId().equals(upsert.getSpanId()))
                    .forEach(s -> assertEquals(TRACE_ID, s.getTraceId()));

            SpanData create = rpc("CreateCollection");
            assertFalse(create.getParentSpanContext().isValid(), "no traceparent: a new trace");
        }
    }

    @Test
    void aQueryRecordsItsShapeAndSearchesInAChildSpan() {
        try (TestServer server = traced(1.0)) {
            VectorServiceBlockingStub stub = server.stub();
            stub.createCollection(
                    Protos.create("docs", 2, Metric.EUCLIDEAN).toBuilder()
                            .setIndex(
                                    IndexSpec.newBuilder().setHnsw(HnswIndex.getDefaultInstance()))
                            .build());
            UpsertRequest.Builder batch = UpsertRequest.newBuilder().setCollection("docs");
            for (int i = 0; i < 50; i++) {
                batch.addRecords(
                        Protos.record(
                                "r" + i, new float[] {i, 1}, Map.of("even", Protos.num(i % 2))));
            }
            stub.upsert(batch.build());
            stub.query(
                    QueryRequest.newBuilder()
                            .setCollection("docs")
                            .addAllVector(List.of(3f, 1f))
                            .setTopK(5)
                            .setFilter(Protos.cond("even", Condition.Op.EQ, Protos.num(0)))
                            .build());

            SpanData query = rpc("Query");
            var attributes = query.getAttributes();
            assertEquals(5L, attributes.get(AttributeKey.longKey("vectaraft.top_k")));
            assertEquals(true, attributes.get(AttributeKey.booleanKey("vectaraft.filter")));
            assertEquals("hnsw", attributes.get(AttributeKey.stringKey("vectaraft.index")));
            long scanned = attributes.get(AttributeKey.longKey("vectaraft.candidates_scanned"));
            assertTrue(scanned > 0, "candidates scanned: " + scanned);
            assertEquals(List.of("search"), childrenOf(query));
        }
    }

    @Test
    void aClientMistakeIsRecordedWithItsCodeButNotAsAServerError() {
        try (TestServer server = traced(1.0)) {
            StatusRuntimeException e =
                    assertThrows(
                            StatusRuntimeException.class,
                            () ->
                                    server.stub()
                                            .upsert(
                                                    UpsertRequest.newBuilder()
                                                            .setCollection("missing")
                                                            .addRecords(Protos.record("a", 1f))
                                                            .build()));
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());

            SpanData upsert = rpc("Upsert");
            assertEquals((long) Status.Code.NOT_FOUND.value(), upsert.getAttributes().get(STATUS));
            assertEquals(StatusCode.UNSET, upsert.getStatus().getStatusCode());
            assertEquals(List.of(), childrenOf(upsert), "nothing was logged");
        }
    }

    @Test
    void atRatioZeroOnlyCallsWhoseCallerSampledAreRecorded() {
        try (TestServer server = traced(0.0)) {
            server.stub().ping(PingRequest.getDefaultInstance());
            withParent(server, false).ping(PingRequest.getDefaultInstance());
            assertEquals(List.of(), names(), "neither sampled here nor by the caller");

            withParent(server, true).ping(PingRequest.getDefaultInstance());
            assertEquals(TRACE_ID, rpc("Ping").getTraceId());
        }
    }

    @Test
    void tracingOffRecordsNothingAndCostsNoBehaviour() {
        try (TestServer server = TestServer.start(dir)) {
            server.stub().createCollection(Protos.create("docs", 2, Metric.DOT));
            Record r = Protos.record("a", 1, 2);
            assertEquals(
                    1,
                    withParent(server, true).upsert(Protos.upsert("docs", r)).getUpsertedCount());
        }
        assertEquals(
                Map.of(),
                spans.getFinishedSpanItems().stream()
                        .collect(Collectors.groupingBy(SpanData::getName)));
    }
}
