package io.vectaraft.index.quant;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.Metric;
import io.vectaraft.index.Quantization;
import io.vectaraft.index.flat.ChunkSize;
import io.vectaraft.index.flat.ImageHeader;
import io.vectaraft.index.flat.QueryScorer;
import io.vectaraft.index.flat.SlotStore;
import io.vectaraft.index.vector.VectorOps;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.PrimitiveIterator;

/**
 * The quantized codes of a collection's vectors, by slot beside its {@link SlotStore}: int8 ({@link
 * Int8Quantizer}) or 1-bit ({@link BinaryQuantizer}), in chunks of about 1 MiB on the heap, plus
 * the per-vector corrections of binary codes.
 *
 * <p><b>Training.</b> No codes exist until the collection holds {@link #trainMin} vectors (a search
 * scores full-precision vectors meanwhile); then the quantizer is trained on a sample of up to
 * {@value #SAMPLE_MAX} of them (every n-th slot: deterministic) and every slot is encoded. It is
 * trained again, and every slot re-encoded, when the data drift: each time the collection doubles
 * since the last training (so each vector is encoded about twice in all), and for int8 also as soon
 * as, over at least {@value #DRIFT_MIN_VECTORS} vectors encoded since, the fraction of clipped
 * components passes four times what the training sample itself had (and at least 0.5%): new data
 * outside the bounds. The rules depend only on the writes, so replaying a log re-trains at the same
 * points. Snapshots carry codes, parameters and these counters ({@link #writeImage}): a restart
 * restores them bit for bit instead of quantizing again.
 *
 * <p>Not thread-safe: guarded by the owning collection's lock (writes under the write lock; {@link
 * #scorer} under the read lock).
 */
public final class CodeStore {
    static final int SAMPLE_MAX = 20_000;
    static final int DRIFT_MIN_VECTORS = 1_000;
    static final int DEFAULT_TRAIN_MIN = 1_024;
    private static final ImageHeader HEADER =
            new ImageHeader("code image", 0x51434F44 /* "QCOD" */, 1);

    private final Quantization.Kind kind;
    private final int dim;
    private final boolean euclidean;
    private final int trainMin;
    private final int rowUnits; // bytes (int8) or longs (binary) per code
    private final int rowsPerChunk;
    private byte[][] bytes = new byte[0][];
    private long[][] bits = new long[0][];
    private float[] corrections = new float[0];
    private short[] ones = new short[0];
    private int[] norms = new int[0]; // int8 under EUCLIDEAN: each code's squared norm
    private byte[] centroidOf = new byte[0];
    private int rows;
    private Int8Quantizer int8;
    private BinaryQuantizer binary;
    private long trainedCount;
    private long encodedSince;
    private long clippedSince;
    private double trainingClipRate;
    private boolean deferred;
    private int trainings;

    public CodeStore(CollectionSpec spec) {
        this(spec, DEFAULT_TRAIN_MIN);
    }

    /** With another training threshold (tests train small collections). */
    public CodeStore(CollectionSpec spec, int trainMin) {
        if (!spec.quantization().quantized()) {
            throw new IllegalArgumentException(
                    "codes: expected a quantized collection, got " + spec);
        }
        this.kind = spec.quantization().kind();
        this.dim = spec.dimension();
        this.euclidean = spec.metric() == Metric.EUCLIDEAN;
        this.trainMin = Math.max(2, trainMin);
        this.rowUnits = kind == Quantization.Kind.INT8 ? dim : BinaryQuantizer.words(dim);
        this.rowsPerChunk =
                ChunkSize.rows(rowUnits, kind == Quantization.Kind.INT8 ? Byte.BYTES : Long.BYTES);
    }

    public Quantization.Kind kind() {
        return kind;
    }

    /** The bytes of one code. */
    public int codeBytes() {
        return kind == Quantization.Kind.INT8 ? rowUnits : rowUnits * Long.BYTES;
    }

    /** Whether the codes are trained: searches may score them. */
    public boolean active() {
        return int8 != null || binary != null;
    }

    /** How often the quantizer was trained in this process (metrics, tests). */
    public int trainings() {
        return trainings;
    }

    /**
     * While restoring a snapshot, stored vectors are not encoded: the snapshot's codes follow
     * ({@link #readImage}), and {@link #finishRestore} encodes only if they did not.
     */
    public void deferEncoding() {
        deferred = true;
    }

    /** Ends a restore: trains and encodes when no code image was loaded. */
    public void finishRestore(SlotStore store) {
        deferred = false;
        if (!active() && store.size() >= trainMin) {
            train(store);
        }
    }

    /** Encodes the vector a slot was just given (training or re-training first when due). */
    public void put(int slot, float[] vector, SlotStore store) {
        if (deferred) {
            return;
        }
        if (!active()) {
            if (store.size() >= trainMin) {
                train(store);
            }
            return;
        }
        ensureRows(slot + 1);
        int clipped = encode(slot, vector);
        encodedSince++;
        clippedSince += clipped;
        if (store.size() >= 2 * trainedCount || drifted()) {
            train(store);
        }
    }

    private boolean drifted() {
        if (int8 == null || encodedSince < DRIFT_MIN_VECTORS) {
            return false;
        }
        double rate = clippedSince / ((double) encodedSince * dim);
        return rate > Math.max(4 * trainingClipRate, 0.005);
    }

    /** Trains on a sample of the live vectors and encodes every slot below the store's limit. */
    private void train(SlotStore store) {
        long[] live = store.liveBits();
        int n = store.size();
        int stride = Math.max(1, (n + SAMPLE_MAX - 1) / SAMPLE_MAX);
        int samples = (n + stride - 1) / stride;
        float[] sample = new float[samples * dim];
        int taken = 0;
        int seen = 0;
        for (int slot = 0; slot < store.slotLimit() && taken < samples; slot++) {
            if ((live[slot >>> 6] & (1L << slot)) != 0 && seen++ % stride == 0) {
                store.copyVector(slot, sample, taken++ * dim);
            }
        }
        if (kind == Quantization.Kind.INT8) {
            int8 = Int8Quantizer.train(sample, taken, dim, euclidean);
            long clipped = 0;
            byte[] scratch = new byte[dim];
            float[] row = new float[dim];
            for (int i = 0; i < taken; i++) {
                System.arraycopy(sample, i * dim, row, 0, dim);
                clipped += int8.encode(row, scratch, 0);
            }
            trainingClipRate = clipped / ((double) taken * dim);
        } else {
            binary = BinaryQuantizer.train(sample, taken, dim);
        }
        ensureRows(store.slotLimit());
        float[] vector = new float[dim];
        for (int slot = 0; slot < store.slotLimit(); slot++) {
            store.copyVector(slot, vector, 0);
            encode(slot, vector);
        }
        trainedCount = n;
        encodedSince = 0;
        clippedSince = 0;
        trainings++;
    }

    /** Records an int8 code's squared norm, which EUCLIDEAN scoring needs ({@link Int8Scorer}). */
    private void keepNorm(int slot) {
        if (euclidean) {
            byte[] chunk = bytes[slot / rowsPerChunk];
            int offset = (slot % rowsPerChunk) * rowUnits;
            norms[slot] = VectorOps.dotInt8(chunk, offset, chunk, offset, rowUnits);
        }
    }

    private int encode(int slot, float[] vector) {
        int offset = (slot % rowsPerChunk) * rowUnits;
        if (int8 != null) {
            int clipped = int8.encode(vector, bytes[slot / rowsPerChunk], offset);
            keepNorm(slot);
            return clipped;
        }
        long[] chunk = bits[slot / rowsPerChunk];
        centroidOf[slot] =
                (byte) binary.encode(vector, chunk, offset, corrections, slot, euclidean);
        int count = 0;
        for (int w = 0; w < rowUnits; w++) {
            count += Long.bitCount(chunk[offset + w]);
        }
        ones[slot] = (short) count;
        return 0;
    }

    /**
     * {@link #scorer} with the stored vector of slot {@code node} as the query, for linking a
     * graph. Under EUCLIDEAN int8 that query's grid bytes are the slot's own code, so the scorer
     * reads the code in place: the same scores without copying and quantizing the vector again on
     * every call (graph building asks for one per candidate and per full neighbour list).
     */
    public QueryScorer nodeScorer(int node, SlotStore store) {
        if (int8 == null || !euclidean) {
            return scorer(store.copyVector(node), store);
        }
        int perChunk = rowsPerChunk;
        return Int8Scorer.euclidean(
                bytes[node / perChunk],
                (node % perChunk) * rowUnits,
                dim,
                norms[node],
                int8.stepSquared(),
                norms,
                bytes,
                perChunk);
    }

    /**
     * The estimated similarity of a query to the codes (higher is better, as {@link QueryScorer}):
     * for EUCLIDEAN {@code -(|q|^2 - 2 q.x + |x|^2)} with the exact stored norms of the vectors.
     *
     * @param query normalized under COSINE
     */
    public QueryScorer scorer(float[] query, SlotStore store) {
        int perChunk = rowsPerChunk;
        if (int8 != null) {
            if (!euclidean) {
                return Int8Scorer.dot(int8.prepare(query), bytes, perChunk);
            }
            byte[] onGrid = int8.onGrid(query);
            int norm = VectorOps.dotInt8(onGrid, 0, onGrid, 0, dim);
            return Int8Scorer.euclidean(
                    onGrid, 0, dim, norm, int8.stepSquared(), norms, bytes, perChunk);
        }
        return new BinaryScorer(binary.prepare(query, euclidean), euclidean ? -1 : 1, this);
    }

    /**
     * A query's estimates from 1-bit codes. A code's estimate reads five places (its bits, its
     * count of ones, its centroid and two corrections, each in its own array): {@link #bulkScore}
     * reads one value of each for every node first, so that all those cache misses are in flight
     * together instead of a node's at a time (the Java code has no prefetch instruction).
     */
    private static final class BinaryScorer implements QueryScorer {
        private final BinaryQuantizer.Query query;
        private final float sign;
        private final long[][] bits;
        private final int rowsPerChunk;
        private final int rowUnits;
        private final short[] ones;
        private final byte[] centroidOf;
        private final float[] corrections;
        private long touched; // kept so that the touching loads are not optimized away

        BinaryScorer(BinaryQuantizer.Query query, float sign, CodeStore codes) {
            this.query = query;
            this.sign = sign;
            this.bits = codes.bits;
            this.rowsPerChunk = codes.rowsPerChunk;
            this.rowUnits = codes.rowUnits;
            this.ones = codes.ones;
            this.centroidOf = codes.centroidOf;
            this.corrections = codes.corrections;
        }

        @Override
        public float score(int slot) {
            return sign
                    * query.estimate(
                            bits[slot / rowsPerChunk],
                            (slot % rowsPerChunk) * rowUnits,
                            ones[slot],
                            centroidOf[slot],
                            corrections[2 * slot],
                            corrections[2 * slot + 1]);
        }

        @Override
        public void bulkScore(int[] slots, float[] scores, int count) {
            long sum = 0;
            for (int i = 0; i < count; i++) {
                int slot = slots[i];
                sum +=
                        bits[slot / rowsPerChunk][(slot % rowsPerChunk) * rowUnits]
                                + ones[slot]
                                + centroidOf[slot]
                                + Float.floatToRawIntBits(corrections[2 * slot]);
            }
            touched += sum;
            for (int i = 0; i < count; i++) {
                scores[i] = score(slots[i]);
            }
        }
    }

    /** Bytes held by codes and corrections. */
    public long bytesUsed() {
        long total =
                4L * corrections.length + 2L * ones.length + centroidOf.length + 4L * norms.length;
        for (byte[] chunk : bytes) {
            total += chunk.length;
        }
        for (long[] chunk : bits) {
            total += 8L * chunk.length;
        }
        return total;
    }

    private void ensureRows(int needed) {
        if (needed <= rows) {
            return;
        }
        int perChunk = rowsPerChunk;
        int chunksNeeded = (needed + perChunk - 1) / perChunk;
        if (kind == Quantization.Kind.INT8) {
            int old = bytes.length;
            bytes = Arrays.copyOf(bytes, Math.max(old, chunksNeeded));
            for (int c = 0; c < bytes.length; c++) {
                int want = Math.min(perChunk, needed - c * perChunk);
                int have = bytes[c] == null ? 0 : bytes[c].length / rowUnits;
                if (want > have) {
                    int grown = Math.min(perChunk, Math.max(want, Math.max(16, have * 2)));
                    bytes[c] =
                            bytes[c] == null
                                    ? new byte[grown * rowUnits]
                                    : Arrays.copyOf(bytes[c], grown * rowUnits);
                }
            }
            if (euclidean && needed > norms.length) {
                norms = Arrays.copyOf(norms, Math.max(needed, Math.max(16, norms.length * 2)));
            }
        } else {
            int old = bits.length;
            bits = Arrays.copyOf(bits, Math.max(old, chunksNeeded));
            for (int c = 0; c < bits.length; c++) {
                int want = Math.min(perChunk, needed - c * perChunk);
                int have = bits[c] == null ? 0 : bits[c].length / rowUnits;
                if (want > have) {
                    int grown = Math.min(perChunk, Math.max(want, Math.max(16, have * 2)));
                    bits[c] =
                            bits[c] == null
                                    ? new long[grown * rowUnits]
                                    : Arrays.copyOf(bits[c], grown * rowUnits);
                }
            }
            int slots = Math.max(needed, Math.max(16, ones.length * 2));
            if (needed > ones.length) {
                ones = Arrays.copyOf(ones, slots);
                centroidOf = Arrays.copyOf(centroidOf, slots);
                corrections = Arrays.copyOf(corrections, 2 * slots);
            }
        }
        rows = needed;
    }

    // ---- snapshots

    /**
     * Writes the quantizer, its drift counters and the code of every live record, in id order (rank
     * among the live records, as the graph image numbers nodes), for a snapshot. Under the read
     * lock.
     */
    public void writeImage(SlotStore store, DataOutput out) throws IOException {
        HEADER.write(out);
        out.writeByte(kind.ordinal());
        out.writeInt(dim);
        out.writeInt(store.size());
        out.writeBoolean(active());
        if (!active()) {
            return;
        }
        if (int8 != null) {
            int8.write(out);
        } else {
            binary.write(out);
        }
        out.writeLong(trainedCount);
        out.writeLong(encodedSince);
        out.writeLong(clippedSince);
        out.writeDouble(trainingClipRate);
        for (PrimitiveIterator.OfInt slots = store.slotsInIdOrder(); slots.hasNext(); ) {
            int slot = slots.nextInt();
            int offset = (slot % rowsPerChunk) * rowUnits;
            if (int8 != null) {
                out.write(bytes[slot / rowsPerChunk], offset, rowUnits);
            } else {
                long[] chunk = bits[slot / rowsPerChunk];
                for (int w = 0; w < rowUnits; w++) {
                    out.writeLong(chunk[offset + w]);
                }
                out.writeByte(centroidOf[slot]);
                out.writeFloat(corrections[2 * slot]);
                out.writeFloat(corrections[2 * slot + 1]);
            }
        }
    }

    /**
     * Loads codes written by {@link #writeImage} over the restored records (same ids). Parses the
     * whole image before changing anything.
     *
     * @return false, loading nothing, when the image is of another kind, dimension or record count
     * @throws IOException when it is malformed or short
     */
    public boolean readImage(DataInput in, SlotStore store) throws IOException {
        HEADER.read(in);
        int kindOrdinal = in.readUnsignedByte();
        int imageDim = in.readInt();
        int n = in.readInt();
        boolean trained = in.readBoolean();
        if (kindOrdinal != kind.ordinal() || imageDim != dim || n != store.size()) {
            return false;
        }
        if (!trained) {
            return true; // nothing to load: finishRestore trains if the collection is large enough
        }
        Int8Quantizer loadedInt8 =
                kind == Quantization.Kind.INT8 ? Int8Quantizer.read(in, dim) : null;
        BinaryQuantizer loadedBinary =
                kind == Quantization.Kind.BINARY ? BinaryQuantizer.read(in, dim) : null;
        long trained0 = in.readLong();
        long since = in.readLong();
        long clipped = in.readLong();
        double clipRate = in.readDouble();
        byte[] codeBytes = loadedInt8 != null ? new byte[n * rowUnits] : null;
        long[] codeBits = loadedBinary != null ? new long[n * rowUnits] : null;
        float[] codeCorrections = loadedBinary != null ? new float[2 * n] : null;
        byte[] codeCentroids = loadedBinary != null ? new byte[n] : null;
        for (int r = 0; r < n; r++) {
            if (codeBytes != null) {
                in.readFully(codeBytes, r * rowUnits, rowUnits);
            } else {
                for (int w = 0; w < rowUnits; w++) {
                    codeBits[r * rowUnits + w] = in.readLong();
                }
                codeCentroids[r] = in.readByte();
                if (codeCentroids[r] < 0 || codeCentroids[r] >= loadedBinary.centroidCount()) {
                    throw new IOException(
                            "code image record "
                                    + r
                                    + ": expected a centroid below "
                                    + loadedBinary.centroidCount()
                                    + ", got "
                                    + codeCentroids[r]);
                }
                codeCorrections[2 * r] = in.readFloat();
                codeCorrections[2 * r + 1] = in.readFloat();
            }
        }
        int8 = loadedInt8;
        binary = loadedBinary;
        trainedCount = trained0;
        encodedSince = since;
        clippedSince = clipped;
        trainingClipRate = clipRate;
        ensureRows(store.slotLimit());
        PrimitiveIterator.OfInt slots = store.slotsInIdOrder();
        for (int r = 0; r < n; r++) {
            int slot = slots.nextInt();
            int offset = (slot % rowsPerChunk) * rowUnits;
            if (codeBytes != null) {
                System.arraycopy(
                        codeBytes, r * rowUnits, bytes[slot / rowsPerChunk], offset, rowUnits);
                keepNorm(slot);
            } else {
                long[] chunk = bits[slot / rowsPerChunk];
                System.arraycopy(codeBits, r * rowUnits, chunk, offset, rowUnits);
                int count = 0;
                for (int w = 0; w < rowUnits; w++) {
                    count += Long.bitCount(chunk[offset + w]);
                }
                ones[slot] = (short) count;
                centroidOf[slot] = codeCentroids[r];
                corrections[2 * slot] = codeCorrections[2 * r];
                corrections[2 * slot + 1] = codeCorrections[2 * r + 1];
            }
        }
        return true;
    }

    /** The int8 quantizer, or null (tests compare scores with its own). */
    Int8Quantizer int8() {
        return int8;
    }

    /** The code of a slot as stored (tests compare codes across a restart). */
    public Object codeOf(int slot) {
        int offset = (slot % rowsPerChunk) * rowUnits;
        if (kind == Quantization.Kind.INT8) {
            return Arrays.copyOfRange(bytes[slot / rowsPerChunk], offset, offset + rowUnits);
        }
        long[] code = Arrays.copyOfRange(bits[slot / rowsPerChunk], offset, offset + rowUnits);
        return new Object[] {
            code, centroidOf[slot], corrections[2 * slot], corrections[2 * slot + 1]
        };
    }

    /** Whether two stores hold the same quantizer (tests). */
    public boolean sameQuantizer(CodeStore other) {
        return java.util.Objects.equals(int8, other.int8)
                && java.util.Objects.equals(binary, other.binary);
    }
}
