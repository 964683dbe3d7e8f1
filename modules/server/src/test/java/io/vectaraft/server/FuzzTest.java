package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.vectaraft.api.v1.CollectionInfo;
import io.vectaraft.api.v1.FieldIndexInfo;
import io.vectaraft.api.v1.HnswIndex;
import io.vectaraft.api.v1.IndexSpec;
import io.vectaraft.api.v1.ListAliasesRequest;
import io.vectaraft.api.v1.ListCollectionsRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.ScrollRequest;
import io.vectaraft.api.v1.ScrollResponse;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes every request type of the VectorService against a real server process (with its
 * write-ahead log): random bytes, mutated valid messages, and random valid messages with extreme
 * values (empty, huge and control-character strings, NaN and infinite floats, extreme integers,
 * deep filters, long lists). Fails on any UNKNOWN, INTERNAL or other status no client mistake
 * should get, on a server that dies, and on any state change from a rejected write.
 *
 * <p>Bounded in {@code ./test.sh}; longer runs and replays (the seed is printed):
 *
 * <pre>
 * ./test.sh -o -pl modules/server -am -Dtest=FuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dvectaraft.fuzz.seconds=1800 [-Dvectaraft.fuzz.seed=N]
 * </pre>
 */
class FuzzTest {
    private static final Duration DEFAULT_RUN = Duration.ofSeconds(20);
    private static final int DIMENSION = 8;
    private static final List<String> NAMES = List.of("flat", "hnsw", "fz-1", "");

    /** Statuses a request may get; anything else is a server bug or a crash. */
    private static final Set<Status.Code> EXPECTED =
            EnumSet.of(
                    Status.Code.OK,
                    Status.Code.INVALID_ARGUMENT,
                    Status.Code.NOT_FOUND,
                    Status.Code.ALREADY_EXISTS,
                    Status.Code.FAILED_PRECONDITION,
                    Status.Code.RESOURCE_EXHAUSTED,
                    Status.Code.OUT_OF_RANGE);

    private static final Set<String> WRITES =
            Set.of("CreateCollection", "DeleteCollection", "Upsert", "Delete", "CreateSnapshot");

    @Test
    void everyRequestTypeSurvivesRandomMutatedAndExtremeInput(@TempDir Path dir) throws Exception {
        Duration run =
                Duration.ofSeconds(Long.getLong("vectaraft.fuzz.seconds", DEFAULT_RUN.toSeconds()));
        long seed = Long.getLong("vectaraft.fuzz.seed", new Random().nextLong());
        System.out.println("FuzzTest: seed " + seed + ", " + run.toSeconds() + " s");
        Random random = new Random(seed);
        List<MethodDescriptor<byte[], byte[]>> methods =
                MalformedRequestTest.rawMethods(VectorServiceGrpc.getServiceDescriptor());
        Map<String, Message> prototypes = prototypes();
        Map<String, int[]> outcomes = new TreeMap<>();
        try (ChildServer server =
                ChildServer.start(
                        dir,
                        List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
                        "--wal-path",
                        dir.resolve("wal.jsonl").toString(),
                        "--fsync",
                        "none")) {
            seedCollections(server.stub());
            long deadline = System.nanoTime() + run.toNanos();
            long calls = 0;
            while (System.nanoTime() < deadline) {
                MethodDescriptor<byte[], byte[]> method =
                        methods.get(random.nextInt(methods.size()));
                String name = method.getBareMethodName();
                Input input = input(random, prototypes.get(name));
                boolean write = WRITES.contains(name);
                String before = write ? fingerprint(server.stub()) : null;
                Status status = MalformedRequestTest.call(server.channel(), method, input.bytes());
                calls++;
                String where =
                        "seed "
                                + seed
                                + ", call "
                                + calls
                                + ", "
                                + name
                                + " ("
                                + input.kind()
                                + ") bytes "
                                + hex(input.bytes());
                if (!EXPECTED.contains(status.getCode())) {
                    fail(
                            where
                                    + ": got "
                                    + status
                                    + (server.alive() ? "" : "; the server died")
                                    + "\n"
                                    + server.tail());
                }
                outcomes.computeIfAbsent(name + " " + status.getCode(), k -> new int[1])[0]++;
                if (write && !status.isOk()) {
                    assertEquals(
                            before,
                            fingerprint(server.stub()),
                            where + ": a rejected write changed the state");
                }
                if (write && status.isOk() && name.equals("DeleteCollection")) {
                    seedCollections(server.stub());
                }
            }
            assertTrue(server.alive(), "alive after " + calls + " calls\n" + server.tail());
            assertTrue(server.stub().ping(PingRequest.getDefaultInstance()).getUptimeMs() > 0);
            System.out.println("FuzzTest: " + calls + " calls, outcomes " + summary(outcomes));
        }
    }

    /** A request as sent, and how it was made. */
    private record Input(String kind, byte[] bytes) {}

    private static Input input(Random random, Message prototype) {
        return switch (random.nextInt(3)) {
            case 0 -> {
                byte[] b = new byte[random.nextInt(random.nextBoolean() ? 16 : 512)];
                random.nextBytes(b);
                yield new Input("random bytes", b);
            }
            case 1 -> new Input("mutated", mutate(random, valid(random, prototype).toByteArray()));
            default -> new Input("extreme values", valid(random, prototype).toByteArray());
        };
    }

    private static Map<String, Message> prototypes() {
        Map<String, Message> byMethod = new TreeMap<>();
        for (MethodDescriptor<?, ?> m : VectorServiceGrpc.getServiceDescriptor().getMethods()) {
            MethodDescriptor.PrototypeMarshaller<?> p =
                    (MethodDescriptor.PrototypeMarshaller<?>) m.getRequestMarshaller();
            byMethod.put(m.getBareMethodName(), (Message) p.getMessagePrototype());
        }
        return byMethod;
    }

    /** Two collections with a few records each, unless they exist. */
    private static void seedCollections(VectorServiceBlockingStub stub) {
        Set<String> existing = new java.util.HashSet<>();
        stub.listCollections(ListCollectionsRequest.getDefaultInstance())
                .getCollectionsList()
                .forEach(c -> existing.add(c.getName()));
        if (!existing.contains("flat")) {
            stub.createCollection(Protos.create("flat", DIMENSION, Metric.EUCLIDEAN));
            stub.upsert(Protos.upsert("flat", records(20)));
        }
        if (!existing.contains("hnsw")) {
            stub.createCollection(
                    Protos.create("hnsw", DIMENSION, Metric.COSINE).toBuilder()
                            .setIndex(
                                    IndexSpec.newBuilder().setHnsw(HnswIndex.newBuilder().setM(4)))
                            .build());
            stub.upsert(Protos.upsert("hnsw", records(20)));
        }
    }

    private static Record[] records(int n) {
        Record[] records = new Record[n];
        for (int i = 0; i < n; i++) {
            float[] v = new float[DIMENSION];
            v[i % DIMENSION] = 1;
            v[(i + 1) % DIMENSION] = i;
            records[i] =
                    Protos.record(
                            "r" + i, v, Map.of("n", Protos.num(i), "s", Protos.str("v" + i % 3)));
        }
        return records;
    }

    /** Records per page whose reply stays within the default limits.max-response-bytes. */
    private static int pageFor(int dimension) {
        return (int) Math.max(1, Math.min(10_000, (64L << 20) / (128 + 4L * dimension)));
    }

    /** Every collection's parameters and records: what a rejected write must leave alone. */
    private static String fingerprint(VectorServiceBlockingStub stub) {
        StringBuilder b = new StringBuilder();
        for (CollectionInfo c :
                stub.listCollections(ListCollectionsRequest.getDefaultInstance())
                        .getCollectionsList()) {
            // Build progress (graph state, field index readiness and sizes) moves on its own.
            CollectionInfo.Builder info = c.toBuilder().clearState().clearFieldIndexes();
            c.getFieldIndexesList()
                    .forEach(
                            i ->
                                    info.addFieldIndexes(
                                            FieldIndexInfo.newBuilder()
                                                    .setKey(i.getKey())
                                                    .setType(i.getType())));
            b.append(info.build()).append('|');
            String token = "";
            do {
                ScrollResponse page =
                        stub.scroll(
                                ScrollRequest.newBuilder()
                                        .setCollection(c.getName())
                                        .setLimit(pageFor(c.getDimension()))
                                        .setIncludeValues(true)
                                        .setIncludeMetadata(true)
                                        .setPageToken(token)
                                        .build());
                page.getRecordsList().forEach(r -> b.append(r).append('|'));
                token = page.getNextPageToken();
            } while (!token.isEmpty());
        }
        b.append(stub.listAliases(ListAliasesRequest.getDefaultInstance()));
        return b.toString();
    }

    /** A random message of the prototype's type with extreme values. */
    private static Message valid(Random random, Message prototype) {
        return new Generator(random).fill(prototype.newBuilderForType(), 0).build();
    }

    /** Builds one message, with at most {@link #MAX_MESSAGES} nested messages in all. */
    private static final class Generator {
        private static final int MAX_MESSAGES = 300;
        private final Random random;
        private int messages;

        Generator(Random random) {
            this.random = random;
        }

        Message.Builder fill(Message.Builder b, int depth) {
            for (FieldDescriptor f : b.getDescriptorForType().getFields()) {
                if (random.nextInt(4) == 0) {
                    continue;
                }
                if (f.isRepeated()) {
                    int n = count(random, f);
                    for (int i = 0; i < n; i++) {
                        Object v = value(b, f, depth);
                        if (v != null) {
                            b.addRepeatedField(f, v);
                        }
                    }
                } else {
                    Object v = value(b, f, depth);
                    if (v != null) {
                        b.setField(f, v);
                    }
                }
            }
            return b;
        }

        private int count(Random random, FieldDescriptor f) {
            if (f.getJavaType() == FieldDescriptor.JavaType.FLOAT && random.nextBoolean()) {
                return DIMENSION;
            }
            boolean scalar = f.getJavaType() != FieldDescriptor.JavaType.MESSAGE;
            return switch (random.nextInt(10)) {
                case 0 -> 0;
                case 1 -> scalar ? 200 + random.nextInt(2000) : 1 + random.nextInt(40);
                default -> 1 + random.nextInt(4);
            };
        }

        private Object value(Message.Builder b, FieldDescriptor f, int depth) {
            return switch (f.getJavaType()) {
                case INT -> extremeInt(random);
                case LONG -> random.nextBoolean() ? (long) extremeInt(random) : extremeLong(random);
                case FLOAT -> (float) extremeDouble(random);
                case DOUBLE -> extremeDouble(random);
                case BOOLEAN -> random.nextBoolean();
                case STRING -> text(random, f.getName(), depth);
                case BYTE_STRING ->
                        com.google.protobuf.ByteString.copyFromUtf8(text(random, "", depth));
                case ENUM -> {
                    List<EnumValueDescriptor> values = f.getEnumType().getValues();
                    yield values.get(random.nextInt(values.size()));
                }
                case MESSAGE -> {
                    if (++messages > MAX_MESSAGES || depth > 12 || random.nextInt(depth + 2) > 3) {
                        yield null;
                    }
                    Message.Builder child = fill(b.newBuilderForField(f), depth + 1);
                    if (child instanceof io.vectaraft.api.v1.Filter.Builder filter
                            && random.nextInt(8) == 0) {
                        // Past the filter depth limit, and now and then past protobuf's.
                        yield deep(filter.build(), 20 + random.nextInt(120));
                    }
                    yield child.build();
                }
            };
        }

        private static io.vectaraft.api.v1.Filter deep(
                io.vectaraft.api.v1.Filter leaf, int levels) {
            io.vectaraft.api.v1.Filter f = leaf;
            for (int i = 0; i < levels; i++) {
                f = i % 2 == 0 ? Protos.not(f) : Protos.and(f);
            }
            return f;
        }
    }

    private static int extremeInt(Random random) {
        int[] picks = {
            0, 1, -1, 2, 8, 100, 10_000, 10_001, 65_536, Integer.MAX_VALUE, Integer.MIN_VALUE
        };
        return random.nextBoolean() ? picks[random.nextInt(picks.length)] : random.nextInt(20);
    }

    private static long extremeLong(Random random) {
        long[] picks = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53, (1L << 53) + 1};
        return picks[random.nextInt(picks.length)];
    }

    private static double extremeDouble(Random random) {
        double[] picks = {
            0.0,
            -0.0,
            1,
            -1,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Float.MAX_VALUE,
            Float.MIN_VALUE,
            Double.MAX_VALUE,
            1e-300
        };
        return random.nextInt(3) == 0 ? picks[random.nextInt(picks.length)] : random.nextGaussian();
    }

    private static String text(Random random, String field, int depth) {
        if ((field.equals("collection") || field.equals("name")) && random.nextInt(3) > 0) {
            return NAMES.get(random.nextInt(NAMES.size()));
        }
        return switch (random.nextInt(8)) {
            case 0 -> "";
            case 1 -> "x".repeat(1 + random.nextInt(depth == 0 ? 100_000 : 300));
            case 2 -> "a\nb\r\u0000\u001b[31m\u2028" + random.nextInt(10);
            case 3 -> "\uD83D\uDE00\u00e9\u4e2d";
            case 4 -> "r" + random.nextInt(30);
            case 5 -> random.nextBoolean() ? "n" : "s";
            default -> Integer.toString(random.nextInt(100));
        };
    }

    /** Flips, inserts, deletes or cuts bytes of a valid message. */
    private static byte[] mutate(Random random, byte[] message) {
        List<Byte> bytes = new ArrayList<>(message.length + 8);
        for (byte x : message) {
            bytes.add(x);
        }
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = bytes.isEmpty() ? 0 : random.nextInt(bytes.size());
            switch (random.nextInt(4)) {
                case 0 -> {
                    if (!bytes.isEmpty()) {
                        bytes.set(at, (byte) (bytes.get(at) ^ (1 << random.nextInt(8))));
                    }
                }
                case 1 -> bytes.add(at, (byte) random.nextInt(256));
                case 2 -> {
                    if (!bytes.isEmpty()) {
                        bytes.remove(at);
                    }
                }
                default -> {
                    if (!bytes.isEmpty()) {
                        bytes.subList(at, bytes.size()).clear();
                    }
                }
            }
        }
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }

    private static String hex(byte[] bytes) {
        String h = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 200));
        return bytes.length > 200 ? h + "...(" + bytes.length + " bytes)" : h;
    }

    private static String summary(Map<String, int[]> outcomes) {
        StringBuilder b = new StringBuilder();
        outcomes.forEach((k, v) -> b.append(k).append('=').append(v[0]).append(", "));
        return b.toString();
    }
}
