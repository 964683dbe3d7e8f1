package io.vectaraft.index.vector;

import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Picks the kernel implementation once, at start-up, as Lucene's {@code VectorizationProvider}
 * does: the Vector API kernels when the {@code jdk.incubator.vector} module is in the boot layer,
 * otherwise the scalar ones, with a log line that names the flag to add.
 *
 * <p>The system property {@value #PROPERTY} overrides the choice: {@code scalar} forces the
 * fallback (the index test suite runs once that way), {@code panama} insists on the Vector API
 * (falling back with a warning when it is missing), {@code auto} (the default) decides alone.
 */
final class KernelSelector {
    static final String PROPERTY = "vectaraft.vector.impl";
    static final String ADD_MODULES_FLAG = "--add-modules jdk.incubator.vector";
    private static final String INCUBATOR_MODULE = "jdk.incubator.vector";
    private static final String PANAMA_CLASS = "io.vectaraft.index.vector.PanamaKernels";
    private static final System.Logger LOG = System.getLogger(VectorOps.class.getName());

    private KernelSelector() {}

    static VectorKernels select() {
        String requested = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        switch (requested) {
            case "scalar" -> {
                LOG.log(Level.INFO, "Vector kernels: scalar (forced by -D{0}=scalar)", PROPERTY);
                return new ScalarKernels();
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

    private static VectorKernels panamaOrScalar() {
        if (ModuleLayer.boot().findModule(INCUBATOR_MODULE).isEmpty()) {
            LOG.log(
                    Level.WARNING,
                    "Vector kernels: scalar, because the Java Vector API module {0} is not"
                            + " loaded; add the JVM flag \"{1}\" for SIMD distance kernels",
                    INCUBATOR_MODULE,
                    ADD_MODULES_FLAG);
            return new ScalarKernels();
        }
        try {
            VectorKernels kernels =
                    (VectorKernels)
                            Class.forName(PANAMA_CLASS).getDeclaredConstructor().newInstance();
            LOG.log(Level.INFO, "Vector kernels: {0} (Java Vector API)", kernels.name());
            return kernels;
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            LOG.log(
                    Level.WARNING,
                    "Vector kernels: scalar, because the Vector API kernels could not start: "
                            + cause,
                    cause);
            return new ScalarKernels();
        }
    }
}
