package io.certvault.testing;

import java.io.InputStream;
import java.util.Random;

/** Deterministic bytes of a given length, made as they are read: a large payload that takes no memory. */
public final class GeneratedStream extends InputStream {
    private final long size;
    private long position;
    private final Random random = new Random(1);

    public GeneratedStream(long size) {
        this.size = size;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) {
        if (position >= size) {
            return -1;
        }
        int count = (int) Math.min(length, size - position);
        byte[] chunk = new byte[count];
        random.nextBytes(chunk);
        System.arraycopy(chunk, 0, bytes, offset, count);
        position += count;
        return count;
    }
}
