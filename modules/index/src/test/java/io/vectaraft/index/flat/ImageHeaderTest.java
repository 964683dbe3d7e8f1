package io.vectaraft.index.flat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ImageHeaderTest {
    private static final ImageHeader GRAPH = new ImageHeader("graph image", 0x484E5357, 2);

    private static DataInputStream written(ImageHeader header) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        header.write(new DataOutputStream(bytes));
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    /** The message with which {@code GRAPH} refuses what {@code other} wrote. */
    private static String refusal(ImageHeader other) {
        return assertThrows(IOException.class, () -> GRAPH.read(written(other))).getMessage();
    }

    @Test
    void readsWhatItWroteAndRefusesAnotherMagicOrVersion() throws IOException {
        DataInputStream in = written(GRAPH);
        GRAPH.read(in);
        assertEquals(0, in.available(), "eight bytes, all read");

        assertEquals(
                "graph image: expected magic 484e5357 version 2, got 484e5357 version 1",
                refusal(new ImageHeader("x", 0x484E5357, 1)));
        assertEquals(
                "graph image: expected magic 484e5357 version 2, got 51434f44 version 2",
                refusal(new ImageHeader("x", 0x51434F44, 2)));
    }
}
