package net.p2pci.protocol;

import java.io.ByteArrayOutputStream;

/** A file kept in memory, for tests of {@link FileAnswerReader} that need no disk. */
public final class MemorySink implements FileAnswerReader.BodySink {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(byte[] source, int offset, int length) {
        bytes.write(source, offset, length);
    }

    @Override
    public void prepend(byte[] prefix) {
        byte[] written = bytes.toByteArray();
        bytes.reset();
        bytes.writeBytes(prefix);
        bytes.writeBytes(written);
    }

    public byte[] toByteArray() {
        return bytes.toByteArray();
    }
}
