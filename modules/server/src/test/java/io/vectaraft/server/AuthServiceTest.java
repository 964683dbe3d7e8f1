package io.vectaraft.server;

import static io.vectaraft.server.Protos.create;
import static io.vectaraft.server.Protos.record;
import static io.vectaraft.server.Protos.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.vectaraft.api.v1.CollectionInfo;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.CreateSnapshotRequest;
import io.vectaraft.api.v1.DeleteCollectionRequest;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.ListCollectionsRequest;
import io.vectaraft.api.v1.ListSnapshotsRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.QueryBatchRequest;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryVector;
import io.vectaraft.api.v1.ScrollRequest;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import io.vectaraft.server.TestKeys.Entry;
import io.vectaraft.server.auth.AuditLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys over real sockets: each status, the role table on every RPC, tenants that cannot see or
 * touch each other's collections (with the same answer whether a name exists or not), the gRPC
 * health and reflection services, and the audit line of every refusal.
 */
class AuthServiceTest {
    static final Entry OPS = Entry.of("ops", "admin");
    static final Entry RO = Entry.of("ro", "read-only");
    static final Entry RW = Entry.of("rw", "read-write");
    static final Entry TENANT_A = Entry.of("tenant-a", "read-write", "a-*", "shared");
    static final Entry TENANT_B = Entry.of("tenant-b", "read-write", "b-*");
    static final Entry A_ADMIN = Entry.of("a-admin", "admin", "a-*");

    @TempDir static Path dir;
    private static TestServer server;

    /** Held: java.util.logging keeps loggers weakly, and a collected one loses its handlers. */
    private static final Logger AUDIT_LOGGER = Logger.getLogger(AuditLog.LOGGER);

    private static final List<String> audit = new ArrayList<>();
    private static final Handler AUDIT =
            new Handler() {
                @Override
                public void publish(LogRecord r) {
                    synchronized (audit) {
                        audit.add(r.getMessage());
                    }
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            };

    @BeforeAll
    static void start() throws Exception {
        AUDIT_LOGGER.addHandler(AUDIT);
        Path keys =
                TestKeys.write(dir.resolve("keys.yaml"), OPS, RO, RW, TENANT_A, TENANT_B, A_ADMIN);
        server = TestServer.start(dir, "--api-keys-file", keys.toString());
        VectorServiceBlockingStub ops = as(OPS);
        for (String name : List.of("a-films", "b-films", "shared")) {
            ops.createCollection(create(name, 2, Metric.EUCLIDEAN));
            ops.upsert(upsert(name, record(name + "-1", 1, 0), record(name + "-2", 0, 1)));
        }
    }

    @AfterAll
    static void stop() {
        AUDIT_LOGGER.removeHandler(AUDIT);
        server.close();
    }

    private static VectorServiceBlockingStub as(Entry key) {
        return TestKeys.as(server.stub(), key);
    }

    private static StatusRuntimeException refused(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run);
    }

    @Test
    void noKeyOrAnUnknownOneIsUnauthenticated() {
        StatusRuntimeException none =
                refused(() -> server.stub().ping(PingRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode());
        assertTrue(
                none.getStatus().getDescription().startsWith("missing API key"), none.getMessage());

        for (var interceptor :
                List.of(
                        TestKeys.bearer("vtr_nobody_0123456789abcdefghijklmnopqrstuv"),
                        TestKeys.apiKey("not-a-key"),
                        TestKeys.header("authorization", "Basic b3BzOnNlY3JldA=="),
                        TestKeys.bearer(OPS.secret() + "x"))) {
            StatusRuntimeException e =
                    refused(
                            () ->
                                    server.stub()
                                            .withInterceptors(interceptor)
                                            .count(count("shared")));
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
            assertEquals("invalid API key", e.getStatus().getDescription());
        }
    }

    @Test
    void bothHeadersCarryAKey() {
        assertEquals(
                2,
                server.stub()
                        .withInterceptors(TestKeys.apiKey(RO.secret()))
                        .count(count("shared"))
                        .getCount());
        assertEquals(
                2,
                server.stub()
                        .withInterceptors(TestKeys.bearer(RO.secret()))
                        .count(count("shared"))
                        .getCount());
        assertEquals(
                2,
                server.stub()
                        .withInterceptors(TestKeys.header("authorization", "bearer " + RO.secret()))
                        .count(count("shared"))
                        .getCount(),
                "the scheme is case-insensitive");
    }

    @Test
    void aRoleWithoutTheRightIsDeniedNamingKeyMethodAndCollection() {
        StatusRuntimeException e =
                refused(() -> as(RO).upsert(upsert("shared", record("x", 1, 1))));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertEquals(
                "key \"ro\" (read-only) may not call Upsert on collection \"shared\": Upsert needs the"
                        + " read-write role",
                e.getStatus().getDescription());
        StatusRuntimeException create =
                refused(() -> as(RW).createCollection(create("new", 2, Metric.DOT)));
        assertEquals(Status.Code.PERMISSION_DENIED, create.getStatus().getCode());
        assertTrue(
                create.getStatus().getDescription().contains("needs the admin role"),
                create.getMessage());
        assertEquals(2, as(OPS).count(count("shared")).getCount(), "nothing was written");
    }

    /**
     * Every RPC of the service, called with an empty request by each role: a role without the right
     * gets PERMISSION_DENIED, one with it gets past authorization (to the service's own answer).
     */
    @Test
    void theRoleTableHoldsForEveryRpcOverTheWire() {
        Map<Entry, String> highest = Map.of(RO, "READ", RW, "WRITE", OPS, "ADMIN");
        List<String> wrong = new ArrayList<>();
        for (MethodDescriptor<?, ?> m :
                VectorServiceGrpc.getServiceDescriptor().getMethods().stream().toList()) {
            for (Entry key : List.of(RO, RW, OPS)) {
                Status.Code code = callWithEmptyRequest(m, key);
                boolean allowed =
                        io.vectaraft.server.auth.RpcRules.of(m.getFullMethodName())
                                        .access()
                                        .ordinal()
                                <= io.vectaraft.server.auth.Access.valueOf(highest.get(key))
                                        .ordinal();
                boolean denied = code == Status.Code.PERMISSION_DENIED;
                if (allowed == denied || code == Status.Code.UNAUTHENTICATED) {
                    wrong.add(m.getBareMethodName() + " as " + key.id() + ": " + code);
                }
            }
        }
        assertEquals(List.of(), wrong, "calls whose outcome contradicts the role table");
    }

    @SuppressWarnings("unchecked")
    private static <Q, R> Status.Code callWithEmptyRequest(MethodDescriptor<Q, R> m, Entry key) {
        Q request =
                ((MethodDescriptor.PrototypeMarshaller<Q>) m.getRequestMarshaller())
                        .getMessagePrototype();
        Channel channel =
                ClientInterceptors.intercept(server.channel, TestKeys.bearer(key.secret()));
        try {
            ClientCalls.blockingUnaryCall(
                    channel,
                    m,
                    CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                    request);
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    /** Calls of tenant-a on another tenant's collection, by RPC. */
    private static Map<String, Function<String, Message>> callsOnCollection(
            VectorServiceBlockingStub s) {
        return Map.ofEntries(
                Map.entry(
                        "Get",
                        c ->
                                s.get(
                                        GetRequest.newBuilder()
                                                .setCollection(c)
                                                .addIds(c + "-1")
                                                .build())),
                Map.entry("Count", c -> s.count(count(c))),
                Map.entry(
                        "Scroll",
                        c -> s.scroll(ScrollRequest.newBuilder().setCollection(c).build())),
                Map.entry(
                        "Query",
                        c ->
                                s.query(
                                        QueryRequest.newBuilder()
                                                .setCollection(c)
                                                .addVector(1)
                                                .addVector(0)
                                                .setTopK(1)
                                                .build())),
                Map.entry(
                        "QueryBatch",
                        c ->
                                s.queryBatch(
                                        QueryBatchRequest.newBuilder()
                                                .setCollection(c)
                                                .addQueries(
                                                        QueryVector.newBuilder()
                                                                .addValues(1)
                                                                .addValues(0))
                                                .setTopK(1)
                                                .build())),
                Map.entry(
                        "Delete",
                        c ->
                                s.delete(
                                        DeleteRequest.newBuilder()
                                                .setCollection(c)
                                                .addIds(c + "-1")
                                                .build())),
                Map.entry("Upsert", c -> s.upsert(upsert(c, record("x", 1, 1)))),
                Map.entry(
                        "DescribeCollection",
                        c ->
                                s.describeCollection(
                                        DescribeCollectionRequest.newBuilder().setName(c).build())),
                Map.entry(
                        "DeleteCollection",
                        c ->
                                s.deleteCollection(
                                        DeleteCollectionRequest.newBuilder().setName(c).build())),
                Map.entry(
                        "CreateCollection",
                        c -> s.createCollection(create(c, 2, Metric.EUCLIDEAN))));
    }

    @Test
    void aTenantCannotReachAnotherTenantsCollectionsAndLearnsNothingOfThem() {
        // a-admin may call every RPC by role, so only the collection scope refuses it.
        for (Entry tenant : List.of(TENANT_A, A_ADMIN)) {
            callsOnCollection(as(tenant))
                    .forEach(
                            (rpc, call) -> {
                                Status existing = refused(() -> call.apply("b-films")).getStatus();
                                Status missing = refused(() -> call.apply("b-nothing")).getStatus();
                                assertEquals(
                                        Status.Code.PERMISSION_DENIED,
                                        existing.getCode(),
                                        rpc + " on b-films as " + tenant.id() + ": " + existing);
                                assertEquals(
                                        existing.getCode(),
                                        missing.getCode(),
                                        rpc + ": same code for a missing name");
                                assertEquals(
                                        existing.getDescription().replace("b-films", "NAME"),
                                        missing.getDescription().replace("b-nothing", "NAME"),
                                        rpc + ": same answer for an existing and a missing name");
                                assertTrue(
                                        existing.getDescription()
                                                        .startsWith("key \"" + tenant.id() + "\"")
                                                && existing.getDescription().contains(rpc)
                                                && existing.getDescription()
                                                        .contains("\"b-films\""),
                                        rpc + ": names key, method and collection: " + existing);
                            });
        }
        VectorServiceBlockingStub ops = as(OPS);
        assertEquals(2, ops.count(count("b-films")).getCount(), "tenant b's data untouched");
        assertTrue(
                ops
                        .listCollections(ListCollectionsRequest.getDefaultInstance())
                        .getCollectionsList()
                        .stream()
                        .noneMatch(c -> c.getName().equals("b-nothing")),
                "nothing created for tenant a");
    }

    @Test
    void aTenantWorksInItsOwnCollections() {
        VectorServiceBlockingStub a = as(TENANT_A);
        assertEquals(2, a.count(count("shared")).getCount());
        assertEquals(1, a.upsert(upsert("a-films", record("a-films-3", 1, 1))).getUpsertedCount());
        assertEquals(
                1,
                a.get(GetRequest.newBuilder().setCollection("a-films").addIds("a-films-3").build())
                        .getRecordsCount());
        assertEquals(
                1,
                a.delete(
                                DeleteRequest.newBuilder()
                                        .setCollection("a-films")
                                        .addIds("a-films-3")
                                        .build())
                        .getDeletedCount());
        VectorServiceBlockingStub admin = as(A_ADMIN);
        CollectionInfo made = admin.createCollection(create("a-new", 3, Metric.COSINE));
        assertEquals("a-new", made.getName());
        admin.deleteCollection(DeleteCollectionRequest.newBuilder().setName("a-new").build());
        StatusRuntimeException outside =
                refused(() -> admin.createCollection(create("c-new", 3, Metric.COSINE)));
        assertEquals(
                Status.Code.PERMISSION_DENIED,
                outside.getStatus().getCode(),
                "creating outside the scope");
    }

    @Test
    void listCollectionsShowsOnlyWhatTheKeySees() {
        assertEquals(List.of("a-films", "shared"), names(as(TENANT_A)));
        assertEquals(List.of("b-films"), names(as(TENANT_B)));
        assertTrue(
                names(as(RO)).containsAll(List.of("a-films", "b-films", "shared")),
                "unscoped keys see all");
    }

    private static List<String> names(VectorServiceBlockingStub s) {
        return s
                .listCollections(ListCollectionsRequest.getDefaultInstance())
                .getCollectionsList()
                .stream()
                .map(CollectionInfo::getName)
                .filter(n -> !n.equals("a-new"))
                .sorted()
                .toList();
    }

    @Test
    void serverWideRpcsNeedAKeyThatSeesEveryCollection() {
        for (Runnable call :
                List.<Runnable>of(
                        () ->
                                as(A_ADMIN)
                                        .createSnapshot(CreateSnapshotRequest.getDefaultInstance()),
                        () ->
                                as(TENANT_A)
                                        .listSnapshots(
                                                ListSnapshotsRequest.getDefaultInstance()))) {
            StatusRuntimeException e = refused(call);
            assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
            assertTrue(
                    e.getStatus().getDescription().contains("covers every collection"),
                    e.getMessage());
        }
        assertEquals(
                0,
                as(RO).listSnapshots(ListSnapshotsRequest.getDefaultInstance())
                        .getSnapshotsCount());
    }

    @Test
    void healthIsOpenAndReflectionNeedsAKey() throws Exception {
        assertEquals(
                ServingStatus.SERVING,
                HealthGrpc.newBlockingStub(server.channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus(),
                "grpc.health.v1 answers without a key");
        assertEquals(Status.Code.UNAUTHENTICATED, reflect(null).getStatus().getCode());
        CompletableFuture<ServerReflectionResponse> ok = reflect(TENANT_B.secret());
        assertTrue(
                ok.get(30, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                        .anyMatch(s -> s.getName().equals("vectaraft.v1.VectorService")),
                "reflection lists the service for a valid key");
    }

    /** A reflection list-services call; the future fails with the call's status. */
    private static CompletableFutureWithStatus reflect(String secret) {
        var stub =
                ServerReflectionGrpc.newStub(server.channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS);
        if (secret != null) {
            stub = stub.withInterceptors(TestKeys.bearer(secret));
        }
        CompletableFutureWithStatus result = new CompletableFutureWithStatus();
        StreamObserver<ServerReflectionRequest> requests =
                stub.serverReflectionInfo(
                        new StreamObserver<>() {
                            @Override
                            public void onNext(ServerReflectionResponse r) {
                                result.complete(r);
                            }

                            @Override
                            public void onError(Throwable t) {
                                result.completeExceptionally(t);
                            }

                            @Override
                            public void onCompleted() {}
                        });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        return result;
    }

    private static final class CompletableFutureWithStatus
            extends CompletableFuture<ServerReflectionResponse> {
        Status getStatus() throws InterruptedException {
            try {
                get(30, TimeUnit.SECONDS);
                return Status.OK;
            } catch (java.util.concurrent.ExecutionException e) {
                return Status.fromThrowable(e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("no reflection answer", e);
            }
        }
    }

    @Test
    void everyRefusalIsOneAuditLineWithClientTextEscaped() {
        int before;
        synchronized (audit) {
            before = audit.size();
        }
        String forged = "b-x\n2026-01-01 INFO forged line";
        refused(() -> as(TENANT_A).count(count(forged)));
        refused(() -> server.stub().count(count("shared")));
        List<String> lines;
        synchronized (audit) {
            lines = List.copyOf(audit.subList(before, audit.size()));
        }
        assertEquals(2, lines.size(), "one line per refusal: " + lines);
        String scope = lines.get(0);
        assertTrue(
                scope.matches(
                        "refused: time=\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z peer=127\\.0\\.0\\.1:\\d+ key=tenant-a"
                                + " method=vectaraft\\.v1\\.VectorService/Count collection=\"b-x\\\\n2026-01-01 INFO"
                                + " forged line\" status=PERMISSION_DENIED reason=scope"),
                scope);
        assertEquals(1, scope.lines().count(), "the newline is escaped");
        assertTrue(
                lines.get(1)
                        .contains(
                                "key=none method=vectaraft.v1.VectorService/Count collection=- status=UNAUTHENTICATED reason=missing_key"),
                lines.get(1));
    }

    @Test
    void anEmptyCollectionNameIsTheServicesToReject() {
        StatusRuntimeException e = refused(() -> as(TENANT_A).count(count("")));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getMessage());
        assertNotEquals(null, e.getStatus().getDescription());
    }

    private static CountRequest count(String collection) {
        return CountRequest.newBuilder().setCollection(collection).build();
    }
}
