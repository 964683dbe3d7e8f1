package io.vectaraft.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.MethodDescriptor;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.server.auth.RpcRules.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The role table covers every RPC of the service: the list comes from the generated service
 * descriptor, so an RPC added to the .proto without a rule fails here.
 */
class RpcRulesTest {
    /** The roles of issue 13, by the role that first may call each RPC. */
    private static final Map<String, Access> EXPECTED =
            Map.ofEntries(
                    Map.entry("Ping", Access.READ),
                    Map.entry("ListCollections", Access.READ),
                    Map.entry("DescribeCollection", Access.READ),
                    Map.entry("Get", Access.READ),
                    Map.entry("Query", Access.READ),
                    Map.entry("QueryBatch", Access.READ),
                    Map.entry("Count", Access.READ),
                    Map.entry("Scroll", Access.READ),
                    Map.entry("ListSnapshots", Access.READ),
                    Map.entry("Upsert", Access.WRITE),
                    Map.entry("Delete", Access.WRITE),
                    Map.entry("CreateCollection", Access.ADMIN),
                    Map.entry("DeleteCollection", Access.ADMIN),
                    Map.entry("CreateSnapshot", Access.ADMIN),
                    // Issue 16.
                    Map.entry("UpdateMetadata", Access.WRITE),
                    Map.entry("ListAliases", Access.READ),
                    Map.entry("CreateAlias", Access.ADMIN),
                    Map.entry("SwitchAlias", Access.ADMIN),
                    Map.entry("DeleteAlias", Access.ADMIN),
                    Map.entry("RestoreSnapshot", Access.ADMIN),
                    Map.entry("CreateFieldIndex", Access.ADMIN),
                    Map.entry("DeleteFieldIndex", Access.ADMIN));

    private static List<MethodDescriptor<?, ?>> rpcs() {
        List<MethodDescriptor<?, ?>> methods = new ArrayList<>();
        VectorServiceGrpc.getServiceDescriptor().getMethods().forEach(methods::add);
        return methods;
    }

    @Test
    void everyRpcOfTheProtoHasARule() {
        List<String> missing =
                rpcs().stream()
                        .map(MethodDescriptor::getFullMethodName)
                        .filter(name -> RpcRules.listed(name).isEmpty())
                        .toList();
        assertEquals(
                List.of(),
                missing,
                "RPCs without a role in RpcRules (add each to the table and to this test)");
        assertTrue(rpcs().size() >= EXPECTED.size(), "the descriptor lists the RPCs");
    }

    @Test
    void theTableIsTheRoleTableOfTheIssue() {
        Map<String, Access> actual = new TreeMap<>();
        for (MethodDescriptor<?, ?> m : rpcs()) {
            actual.put(m.getBareMethodName(), RpcRules.of(m.getFullMethodName()).access());
        }
        assertEquals(new TreeMap<>(EXPECTED), actual, "access each RPC needs");
    }

    @Test
    void rolesAllowWhatTheyShould() {
        for (MethodDescriptor<?, ?> m : rpcs()) {
            Access a = RpcRules.of(m.getFullMethodName()).access();
            String name = m.getBareMethodName();
            assertEquals(a == Access.READ, Role.READ_ONLY.allows(a), "read-only may call " + name);
            assertEquals(
                    a != Access.ADMIN, Role.READ_WRITE.allows(a), "read-write may call " + name);
            assertTrue(Role.ADMIN.allows(a), "admin may call " + name);
        }
    }

    @Test
    void everyRpcThatNamesACollectionIsCheckedAgainstTheScope() {
        for (MethodDescriptor<?, ?> m : rpcs()) {
            var rule = RpcRules.of(m.getFullMethodName());
            boolean named =
                    m.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p
                            && p.getMessagePrototype() instanceof com.google.protobuf.Message msg
                            && msg.getDescriptorForType().getFields().stream()
                                    .anyMatch(
                                            f ->
                                                    f.getName().equals("collection")
                                                            || f.getName().equals("name")
                                                            || f.getName().equals("alias"));
            assertEquals(
                    named,
                    rule.target() == Target.COLLECTION,
                    m.getBareMethodName()
                            + ": a request that names a collection or an alias is scope-checked");
        }
    }

    @Test
    void anUnlistedRpcNeedsAnUnscopedAdmin() {
        var rule = RpcRules.of("vectaraft.v1.VectorService/SomethingNew");
        assertEquals(Access.ADMIN, rule.access());
        assertEquals(Target.SERVER, rule.target());
    }
}
