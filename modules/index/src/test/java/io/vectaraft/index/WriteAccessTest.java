package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Only the storage layer can change an index: the mutators live in {@code
 * io.vectaraft.index.write}, which the module exports to {@code io.vectaraft.wal} alone (the
 * compiler then refuses any other module that names them), and no type of a package exported to
 * everyone offers a mutator or hands out one of the write package's types.
 */
class WriteAccessTest {
    private static final String WRITE = "io.vectaraft.index.write";
    private static final Set<String> MUTATORS =
            Set.of(
                    "upsert",
                    "delete",
                    "apply",
                    "restore",
                    "readIndexImage",
                    "finishRestore",
                    "create",
                    "drop",
                    "writer",
                    "imageIO",
                    "prepareUpsert");

    private static Path classes() throws Exception {
        return Path.of(
                VectorCollection.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static ModuleDescriptor descriptor() throws Exception {
        try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void theWritePackageIsExportedToTheStorageLayerAlone() throws Exception {
        ModuleDescriptor module = descriptor();
        assertEquals("io.vectaraft.index", module.name());
        ModuleDescriptor.Exports write =
                module.exports().stream()
                        .filter(e -> e.source().equals(WRITE))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(WRITE + " not exported at all"));
        assertTrue(write.isQualified(), WRITE + " must be a qualified export");
        assertEquals(Set.of("io.vectaraft.wal"), write.targets(), "who may write");
        assertFalse(module.opens().stream().anyMatch(o -> o.source().equals(WRITE)), "not opened");
    }

    @Test
    void packagesExportedToEveryoneOfferNoMutator() throws Exception {
        ModuleDescriptor module = descriptor();
        List<String> open =
                module.exports().stream()
                        .filter(e -> !e.isQualified())
                        .map(ModuleDescriptor.Exports::source)
                        .toList();
        assertTrue(open.contains("io.vectaraft.index"), "the read API is exported: " + open);
        int checked = 0;
        for (String pkg : open) {
            for (Class<?> type : publicTypes(pkg)) {
                checked++;
                for (Method m : type.getMethods()) {
                    if (m.getDeclaringClass() == Object.class || m.getDeclaringClass().isEnum()) {
                        continue;
                    }
                    assertFalse(
                            MUTATORS.contains(m.getName())
                                    && !type.isRecord()
                                    && !isFilterDsl(type),
                            type.getName() + "." + m.getName() + " reads like a mutator");
                    assertFalse(
                            m.getReturnType().getPackageName().equals(WRITE),
                            type.getName() + "." + m.getName() + " hands out a write-side type");
                    for (Class<?> p : m.getParameterTypes()) {
                        assertFalse(
                                p.getPackageName().equals(WRITE),
                                type.getName() + "." + m.getName() + " takes a write-side type");
                    }
                }
            }
        }
        assertTrue(checked > 20, "scanned the exported types: " + checked);
    }

    /** Filters and metadata values build trees; their factories are not writes. */
    private static boolean isFilterDsl(Class<?> type) {
        return type.getPackageName().equals("io.vectaraft.index.filter");
    }

    private static List<Class<?>> publicTypes(String pkg) throws IOException {
        Path dir;
        try {
            dir = classes().resolve(pkg.replace('.', '/'));
        } catch (Exception e) {
            throw new IOException(e);
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
                    .map(n -> pkg + "." + n.substring(0, n.length() - ".class".length()))
                    .<Class<?>>map(WriteAccessTest::load)
                    .filter(c -> Modifier.isPublic(c.getModifiers()))
                    .toList();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, WriteAccessTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
