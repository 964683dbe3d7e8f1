package io.vectaraft.index.flat;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The header of an image that an index structure writes beside its store's records (a graph, the
 * quantized codes): a magic number naming the structure and a format version, so a reader refuses
 * what it cannot read instead of misreading it.
 *
 * @param what how errors name the image, e.g. {@code "hnsw graph image"}
 */
public record ImageHeader(String what, int magic, int version) {

    public void write(DataOutput out) throws IOException {
        out.writeInt(magic);
        out.writeInt(version);
    }

    /**
     * Reads a header and checks it is this one.
     *
     * @throws IOException naming the image, the header expected and the one found
     */
    public void read(DataInput in) throws IOException {
        int m = in.readInt();
        int v = in.readInt();
        if (m != magic || v != version) {
            throw new IOException(
                    what
                            + ": expected magic "
                            + Integer.toHexString(magic)
                            + " version "
                            + version
                            + ", got "
                            + Integer.toHexString(m)
                            + " version "
                            + v);
        }
    }
}
