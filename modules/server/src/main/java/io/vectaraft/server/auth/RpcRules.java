package io.vectaraft.server.auth;

import io.grpc.MethodDescriptor;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.CreateAliasRequest;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.DeleteAliasRequest;
import io.vectaraft.api.v1.DeleteCollectionRequest;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.QueryBatchRequest;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.ScrollRequest;
import io.vectaraft.api.v1.SwitchAliasRequest;
import io.vectaraft.api.v1.UpdateMetadataRequest;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The role table: for every RPC of {@code vectaraft.v1.VectorService}, the {@link Access} it needs
 * and what it touches. An RPC missing from the table is refused to every key but an unscoped admin
 * (fail closed), and {@code RpcRulesTest} fails until the table names it.
 */
public final class RpcRules {
    /** What an RPC touches, and so how a key's collections limit it. */
    public enum Target {
        /** Nothing of any collection (Ping). */
        NONE,
        /** One collection, named in the request. */
        COLLECTION,
        /** The list of collections: the service shows a key only its own. */
        LISTING,
        /** Every collection at once (snapshots): only keys that see every collection. */
        SERVER
    }

    /**
     * @param access what the RPC needs of the caller's role
     * @param target what it touches
     * @param collection the collection a request names (for {@link Target#COLLECTION})
     */
    public record Rule(Access access, Target target, Function<Object, String> collection) {
        /** The collection named by {@code request}, or "" for an RPC of another target. */
        public String collectionOf(Object request) {
            return target == Target.COLLECTION ? collection.apply(request) : "";
        }
    }

    /** For RPCs of other services that need a key but no particular role (reflection). */
    public static final Rule ANY_KEY = new Rule(Access.READ, Target.NONE, r -> "");

    /** For an RPC missing from the table: unscoped admin keys only. */
    static final Rule UNLISTED = new Rule(Access.ADMIN, Target.SERVER, r -> "");

    private static final Map<String, Rule> TABLE = table();

    private RpcRules() {}

    private static Map<String, Rule> table() {
        Map<String, Rule> t = new HashMap<>();
        put(t, VectorServiceGrpc.getPingMethod(), Access.READ, Target.NONE);
        put(t, VectorServiceGrpc.getListCollectionsMethod(), Access.READ, Target.LISTING);
        put(t, VectorServiceGrpc.getListSnapshotsMethod(), Access.READ, Target.SERVER);
        put(t, VectorServiceGrpc.getCreateSnapshotMethod(), Access.ADMIN, Target.SERVER);
        collection(
                t,
                VectorServiceGrpc.getDescribeCollectionMethod(),
                Access.READ,
                DescribeCollectionRequest::getName);
        collection(t, VectorServiceGrpc.getGetMethod(), Access.READ, GetRequest::getCollection);
        collection(t, VectorServiceGrpc.getQueryMethod(), Access.READ, QueryRequest::getCollection);
        collection(
                t,
                VectorServiceGrpc.getQueryBatchMethod(),
                Access.READ,
                QueryBatchRequest::getCollection);
        collection(t, VectorServiceGrpc.getCountMethod(), Access.READ, CountRequest::getCollection);
        collection(
                t, VectorServiceGrpc.getScrollMethod(), Access.READ, ScrollRequest::getCollection);
        collection(
                t, VectorServiceGrpc.getUpsertMethod(), Access.WRITE, UpsertRequest::getCollection);
        collection(
                t, VectorServiceGrpc.getDeleteMethod(), Access.WRITE, DeleteRequest::getCollection);
        collection(
                t,
                VectorServiceGrpc.getCreateCollectionMethod(),
                Access.ADMIN,
                CreateCollectionRequest::getName);
        collection(
                t,
                VectorServiceGrpc.getDeleteCollectionMethod(),
                Access.ADMIN,
                DeleteCollectionRequest::getName);
        collection(
                t,
                VectorServiceGrpc.getUpdateMetadataMethod(),
                Access.WRITE,
                UpdateMetadataRequest::getCollection);
        // Alias changes are admin and scoped by the alias name here; the service also requires
        // the key to cover the collection the alias points at (before and after a change).
        put(t, VectorServiceGrpc.getListAliasesMethod(), Access.READ, Target.LISTING);
        put(t, VectorServiceGrpc.getRestoreSnapshotMethod(), Access.ADMIN, Target.SERVER);
        collection(
                t,
                VectorServiceGrpc.getCreateAliasMethod(),
                Access.ADMIN,
                CreateAliasRequest::getAlias);
        collection(
                t,
                VectorServiceGrpc.getSwitchAliasMethod(),
                Access.ADMIN,
                SwitchAliasRequest::getAlias);
        collection(
                t,
                VectorServiceGrpc.getDeleteAliasMethod(),
                Access.ADMIN,
                DeleteAliasRequest::getAlias);
        collection(
                t,
                VectorServiceGrpc.getCreateFieldIndexMethod(),
                Access.ADMIN,
                io.vectaraft.api.v1.CreateFieldIndexRequest::getCollection);
        collection(
                t,
                VectorServiceGrpc.getDeleteFieldIndexMethod(),
                Access.ADMIN,
                io.vectaraft.api.v1.DeleteFieldIndexRequest::getCollection);
        return Map.copyOf(t);
    }

    private static void put(
            Map<String, Rule> t, MethodDescriptor<?, ?> m, Access a, Target target) {
        t.put(m.getFullMethodName(), new Rule(a, target, r -> ""));
    }

    @SuppressWarnings("unchecked")
    private static <Q> void collection(
            Map<String, Rule> t, MethodDescriptor<Q, ?> m, Access a, Function<Q, String> name) {
        t.put(m.getFullMethodName(), new Rule(a, Target.COLLECTION, r -> name.apply((Q) r)));
    }

    /** The rule of a VectorService RPC, if the table names it. */
    public static Optional<Rule> listed(String fullMethodName) {
        return Optional.ofNullable(TABLE.get(fullMethodName));
    }

    /** The rule of a VectorService RPC; unlisted RPCs need an unscoped admin key. */
    public static Rule of(String fullMethodName) {
        return TABLE.getOrDefault(fullMethodName, UNLISTED);
    }
}
