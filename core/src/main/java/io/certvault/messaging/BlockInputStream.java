package io.certvault.messaging;

import java.io.IOException;
import java.io.InputStream;

/** An input stream made of blocks that a subclass produces one at a time (decrypted, decoded, ...). */
abstract class BlockInputStream extends InputStream {
    private byte[] block = new byte[0];
    private int position;

    /** The next block of output, possibly empty; null at the end. */
    protected abstract byte[] nextBlock() throws IOException;

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        while (position == block.length) {
            byte[] next = nextBlock();
            if (next == null) {
                return -1;
            }
            block = next;
            position = 0;
        }
        int count = Math.min(length, block.length - position);
        System.arraycopy(block, position, bytes, offset, count);
        position += count;
        return count;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] discard = new byte[8192];
        long skipped = 0;
        int count;
        while (skipped < n && (count = read(discard, 0, (int) Math.min(discard.length, n - skipped))) != -1) {
            skipped += count;
        }
        return skipped;
    }

    @Override
    public int available() {
        return block.length - position;
    }
}
