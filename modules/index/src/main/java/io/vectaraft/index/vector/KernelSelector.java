package io.vectaraft.index.vector;

import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Picks the kernel implementation once, at start-up, as Lucene's {@code VectorizationProvider}
 * does: the Vector API kernels when the {@code jdk.incubator.vector} module is in the boot layer,
 * otherwise the scalar ones, with a warning that names the flag to add. The choice and its reason
 * come back as a {@link Choice}, whose description the server puts in its start-up log line (so the
 * choice is said once, where an operator looks).
 *
 * <p>The system property {@value #PROPERTY} overrides the choice: {@code scalar} forces the
 * fallback (the index test suite runs once that way), {@code panama} insists on the Vector API
 * (falling back with a warning when it is missing), {@code auto} (the default) decides alone.
 * Decision record: docs/decisions/0008-kernel-selection.md.
 */
final class KernelSelector {
    static final String PROPERTY = "vectaraft.vector.impl";
    static final String ADD_MODULES_FLAG = "--add-modules jdk.incubator.vector";
    private static final String INCUBATOR_MODULE = "jdk.incubator.vector";
    private static final String PANAMA_CLASS = "io.vectaraft.index.vector.PanamaKernels";
    private static final System.Logger LOG = System.getLogger(VectorOps.class.getName());

    /**
     * The kernels chosen, and what runs in words, e.g. {@code "Panama Vector API, 512-bit (16 float
     * lanes)"} or {@code "scalar (forced by -Dvectaraft.vector.impl=scalar)"}.
     */
    record Choice(VectorKernels kernels, String description) {}

    private KernelSelector() {}

    static Choice select() {
        String requested = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        switch (requested) {
            case "scalar" -> {
                return scalar("forced by -D" + PROPERTY + "=scalar");
            }
            case "auto", "panama" -> {
                return panamaOrScalar();
            }
            default -> {
                LOG.log(
                        Level.WARNING,
                        "Vector kernels: -D{0}: expected auto, panama or scalar, got \"{1}\";"
                                + " choosing automatically",
                        PROPERTY,
                        requested);
                return panamaOrScalar();
            }
        }
    }

    private static Choice panamaOrScalar() {
        if (ModuleLayer.boot().findModule(INCUBATOR_MODULE).isEmpty()) {
            LOG.log(
                    Level.WARNING,
                    "Vector kernels: scalar, because the Java Vector API module {0} is not"
                            + " loaded; add the JVM flag \"{1}\" for SIMD distance kernels",
                    INCUBATOR_MODULE,
                    ADD_MODULES_FLAG);
            return scalar(INCUBATOR_MODULE + " not loaded; add " + ADD_MODULES_FLAG);
        }
        try {
            VectorKernels kernels =
                    (VectorKernels)
                            Class.forName(PANAMA_CLASS).getDeclaredConstructor().newInstance();
            return new Choice(kernels, kernels.description());
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            LOG.log(
                    Level.WARNING,
                    "Vector kernels: scalar, because the Vector API kernels could not start: "
                            + cause,
                    cause);
            return scalar("the Vector API kernels could not start: " + cause.getMessage());
        }
    }

    private static Choice scalar(String reason) {
        return new Choice(new ScalarKernels(), "scalar (" + reason + ")");
    }
}
