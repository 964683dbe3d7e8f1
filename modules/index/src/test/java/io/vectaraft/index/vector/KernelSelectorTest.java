package io.vectaraft.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The start-up choice, including the fallback in a real JVM started without the incubator module,
 * which must name the flag to add.
 */
class KernelSelectorTest {

    @Test
    void propertyForcesScalar() {
        String previous = System.getProperty(KernelSelector.PROPERTY);
        try {
            System.setProperty(KernelSelector.PROPERTY, "scalar");
            KernelSelector.Choice forced = KernelSelector.select();
            assertEquals("scalar", forced.kernels().name());
            assertEquals(
                    "scalar (forced by -Dvectaraft.vector.impl=scalar)",
                    forced.description(),
                    "the reason is in the description");
            System.setProperty(KernelSelector.PROPERTY, "auto");
            KernelSelector.Choice auto = KernelSelector.select();
            assertTrue(auto.kernels().name().startsWith("panama-"), "module present");
            assertTrue(
                    auto.description()
                            .matches("Panama Vector API, \\d+-bit \\(\\d+ float lanes\\)"),
                    "species in the description: " + auto.description());
            System.setProperty(KernelSelector.PROPERTY, "bogus");
            assertTrue(
                    KernelSelector.select().kernels().name().startsWith("panama-"),
                    "unknown value: automatic choice");
        } finally {
            if (previous == null) {
                System.clearProperty(KernelSelector.PROPERTY);
            } else {
                System.setProperty(KernelSelector.PROPERTY, previous);
            }
        }
    }

    @Test
    void fallsBackToScalarAndNamesTheFlagWhenTheModuleIsAbsent()
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PrintImplementation.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, process.exitValue(), "child JVM exit status; output:\n" + output);
        assertTrue(output.contains("implementation=scalar"), "scalar chosen; output:\n" + output);
        assertTrue(
                output.contains(
                        "description=scalar (jdk.incubator.vector not loaded; add "
                                + KernelSelector.ADD_MODULES_FLAG
                                + ")"),
                "the description gives the reason and the flag; output:\n" + output);
        assertTrue(
                output.contains(KernelSelector.ADD_MODULES_FLAG),
                "log names the flag to add; output:\n" + output);
    }

    /** Entry point of the child JVM: class path, no {@code --add-modules}. */
    public static final class PrintImplementation {
        public static void main(String[] args) {
            System.out.println("implementation=" + VectorOps.implementationName());
            System.out.println("description=" + VectorOps.kernelDescription());
        }
    }
}
