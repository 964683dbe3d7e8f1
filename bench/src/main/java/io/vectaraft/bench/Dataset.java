package io.vectaraft.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A data set in the benchmark layout (see bench/README.md): {@code meta.json}, {@code base.f32},
 * {@code query.f32} (little-endian float32, row-major, no header) and exact top-{@code gtK} ids per
 * query in {@code gt_l2.i32}, {@code gt_cos.i32}, {@code gt_dot.i32}.
 */
public record Dataset(
        Path dir, String name, int n, int nq, int dim, int gtK, float[] base, float[] queries) {

    /** Bases up to this size are read into the heap; larger ones stay in their file. */
    private static final long IN_HEAP_LIMIT = 1L << 30;

    public static Dataset load(Path dir) throws IOException {
        String meta = Files.readString(dir.resolve("meta.json"));
        int n = intField(meta, "n");
        int nq = intField(meta, "nq");
        int dim = intField(meta, "dim");
        int gtK = intField(meta, "gt_k");
        String name = stringField(meta, "name");
        // A base over 2 GiB stays in its file (rows() reads it): a float[] cannot hold it, and a
        // benchmark of a collection larger than its heap must not hold a copy either.
        Path baseFile = dir.resolve("base.f32");
        long baseBytes = 4L * n * dim;
        float[] base = baseBytes <= IN_HEAP_LIMIT ? readFloats(baseFile, (long) n * dim) : null;
        if (base == null && Files.size(baseFile) != baseBytes) {
            throw new IOException(
                    baseFile
                            + ": expected "
                            + baseBytes
                            + " bytes (from meta.json), got "
                            + Files.size(baseFile));
        }
        float[] queries = readFloats(dir.resolve("query.f32"), (long) nq * dim);
        return new Dataset(dir, name, n, nq, dim, gtK, base, queries);
    }

    /** Exact neighbour ids, {@code nq x gtK}, for a metric name of the command line. */
    public int[] groundTruth(String metric) throws IOException {
        String file =
                switch (metric) {
                    case "euclidean" -> "gt_l2.i32";
                    case "cosine" -> "gt_cos.i32";
                    case "dot" -> "gt_dot.i32";
                    default ->
                            throw new IllegalArgumentException(
                                    "--metric: expected euclidean, cosine or dot, got " + metric);
                };
        return readInts(dir.resolve(file), (long) nq * gtK);
    }

    /**
     * Base rows {@code from..to} as vectors, from the heap copy or, for a base kept in its file,
     * read from the file.
     */
    public float[][] rows(int from, int to) throws IOException {
        float[][] out = new float[to - from][];
        if (base != null) {
            for (int i = from; i < to; i++) {
                out[i - from] = java.util.Arrays.copyOfRange(base, i * dim, (i + 1) * dim);
            }
            return out;
        }
        ByteBuffer buffer =
                ByteBuffer.allocate(4 * dim * (to - from)).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(dir.resolve("base.f32"))) {
            long position = 4L * dim * from;
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position + buffer.position());
                if (read < 0) {
                    throw new IOException(dir.resolve("base.f32") + ": ends before row " + to);
                }
            }
        }
        FloatBufferView view = new FloatBufferView(buffer.flip().asFloatBuffer());
        for (int i = 0; i < out.length; i++) {
            out[i] = view.next(dim);
        }
        return out;
    }

    /** Sequential reads of float rows out of a buffer. */
    private record FloatBufferView(java.nio.FloatBuffer floats) {
        float[] next(int dim) {
            float[] v = new float[dim];
            floats.get(v);
            return v;
        }
    }

    public float[] query(int i) {
        float[] q = new float[dim];
        System.arraycopy(queries, i * dim, q, 0, dim);
        return q;
    }

    private static ByteBuffer readAll(Path file, long expectedBytes) throws IOException {
        long size = Files.size(file);
        if (size != expectedBytes) {
            throw new IOException(
                    file + ": expected " + expectedBytes + " bytes (from meta.json), got " + size);
        }
        if (expectedBytes > Integer.MAX_VALUE) {
            throw new IOException(file + ": expected at most 2 GiB, got " + size + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file)) {
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read until full
            }
        }
        return buffer.flip();
    }

    private static float[] readFloats(Path file, long count) throws IOException {
        float[] out = new float[Math.toIntExact(count)];
        readAll(file, count * 4).asFloatBuffer().get(out);
        return out;
    }

    private static int[] readInts(Path file, long count) throws IOException {
        int[] out = new int[Math.toIntExact(count)];
        readAll(file, count * 4).asIntBuffer().get(out);
        return out;
    }

    private static int intField(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("meta.json: expected integer field " + key);
        }
        return Integer.parseInt(m.group(1));
    }

    private static String stringField(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "unnamed";
    }
}
