package io.vectaraft.server;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.vectaraft.server.auth.KeyRing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/** Key files written by tests, and stubs that send a key. */
final class TestKeys {
    private TestKeys() {}

    /** One entry of a key file, with its secret (which only the test knows). */
    record Entry(String id, String secret, String role, List<String> collections) {
        static Entry of(String id, String role, String... collections) {
            return new Entry(
                    id,
                    "vtr_" + id + "_0123456789abcdefghijklmnopqrstuv",
                    role,
                    List.of(collections));
        }

        String yaml() {
            StringBuilder b =
                    new StringBuilder("  - id: ")
                            .append(id)
                            .append("\n    sha256: ")
                            .append(HexFormat.of().formatHex(KeyRing.sha256(secret)))
                            .append("\n    role: ")
                            .append(role)
                            .append('\n');
            if (!collections.isEmpty()) {
                b.append("    collections: [");
                b.append(
                        String.join(", ", collections.stream().map(c -> "\"" + c + "\"").toList()));
                b.append("]\n");
            }
            return b.toString();
        }
    }

    static Path write(Path file, Entry... entries) throws IOException {
        StringBuilder b = new StringBuilder("keys:\n");
        for (Entry e : entries) {
            b.append(e.yaml());
        }
        // Beside the file and renamed over it, as an operator's tooling should.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, b.toString());
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** Sends {@code authorization: Bearer <secret>}. */
    static ClientInterceptor bearer(String secret) {
        return header("authorization", "Bearer " + secret);
    }

    /** Sends {@code api-key: <secret>}. */
    static ClientInterceptor apiKey(String secret) {
        return header("api-key", secret);
    }

    static ClientInterceptor header(String name, String value) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    static <S extends AbstractStub<S>> S as(S stub, Entry key) {
        return stub.withInterceptors(bearer(key.secret()));
    }
}
