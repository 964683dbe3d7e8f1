package io.vectaraft.wal.log;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.Metric;
import io.vectaraft.index.VectorRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Records and entries for storage tests, with awkward values on purpose. */
public final class Fixtures {
    private Fixtures() {}

    public static CollectionSpec spec(String name, int dim) {
        return new CollectionSpec(name, dim, Metric.EUCLIDEAN, IndexSpec.flat());
    }

    public static VectorRecord record(Random rnd, String id, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        Map<String, MetadataValue> m = new LinkedHashMap<>();
        m.put("n", MetadataValue.of(rnd.nextInt(1000)));
        m.put("tag", MetadataValue.of("t" + rnd.nextInt(5)));
        return new VectorRecord(id, v, m);
    }

    public static List<VectorRecord> records(Random rnd, String prefix, int n, int dim) {
        List<VectorRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(record(rnd, prefix + i, dim));
        }
        return out;
    }

    /** Every metadata kind, and floats that text formats tend to mangle. */
    public static VectorRecord awkward(String id) {
        float[] v = {
            -0.0f,
            Float.MIN_VALUE,
            Float.MAX_VALUE,
            1.0e-42f,
            0.1f,
            (float) Math.PI,
            Float.intBitsToFloat(0x7fc00001),
            Float.NEGATIVE_INFINITY
        };
        Map<String, MetadataValue> m = new LinkedHashMap<>();
        m.put("text", MetadataValue.of("héllo \"quoted\" \n\u2603"));
        m.put("int", MetadataValue.of(Long.MIN_VALUE));
        m.put("one", MetadataValue.of(1.0));
        m.put("big", MetadataValue.of(1.0e20));
        m.put("tiny", MetadataValue.of(1.0e-7));
        m.put("negzero", MetadataValue.of(-0.0));
        m.put("nan", MetadataValue.of(Double.NaN));
        m.put("inf", MetadataValue.of(Double.NEGATIVE_INFINITY));
        m.put("bool", MetadataValue.of(true));
        m.put("list", MetadataValue.of(List.of("a", "", "c")));
        m.put("empty", MetadataValue.of(List.of()));
        return new VectorRecord(id, v, m);
    }

    /** Awkward metadata and finite but awkward floats (the index accepts only finite values). */
    public static VectorRecord awkwardFinite(String id, int dim) {
        VectorRecord a = awkward(id);
        float[] v = new float[dim];
        float[] src = {
            -0.0f, Float.MIN_VALUE, Float.MAX_VALUE / 4, 1.0e-42f, 0.1f, (float) Math.PI
        };
        for (int i = 0; i < dim; i++) {
            v[i] = src[i % src.length];
        }
        return new VectorRecord(id, v, a.metadata());
    }

    /** Vectors compared bit by bit (Arrays.equals folds NaN payloads together). */
    public static boolean sameBits(VectorRecord a, VectorRecord b) {
        if (!a.id().equals(b.id()) || a.vector().length != b.vector().length) {
            return false;
        }
        for (int i = 0; i < a.vector().length; i++) {
            if (Float.floatToRawIntBits(a.vector()[i]) != Float.floatToRawIntBits(b.vector()[i])) {
                return false;
            }
        }
        return a.metadata().equals(b.metadata());
    }
}
