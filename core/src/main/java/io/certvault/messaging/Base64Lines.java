package io.certvault.messaging;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

/**
 * Decodes base64 that comes in lines (MIME), in large blocks: line breaks and other white space are dropped
 * and whole 4-character groups decoded at once. The JDK's MIME decoder stream works character by
 * character, which made it the slowest step of reading a large signed message.
 */
final class Base64Lines extends FilterInputStream {
    private static final int CHUNK = 64 * 1024;
    private final byte[] raw = new byte[CHUNK];
    private final byte[] text = new byte[CHUNK + 4];
    private int textLength;
    private byte[] decoded = new byte[0];
    private int position;
    private boolean end;

    Base64Lines(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        while (position == decoded.length) {
            if (end) {
                return -1;
            }
            fill();
        }
        int count = Math.min(length, decoded.length - position);
        System.arraycopy(decoded, position, bytes, offset, count);
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
        return decoded.length - position;
    }

    private void fill() throws IOException {
        int count = in.read(raw, 0, raw.length);
        if (count == -1) {
            end = true;
        } else {
            for (int i = 0; i < count; i++) {
                byte b = raw[i];
                if (b != '\r' && b != '\n' && b != ' ' && b != '\t') {
                    text[textLength++] = b;
                }
            }
        }
        // Decode whole groups; keep a partial group for the next block, or decode it (padded) at the end.
        int whole = end ? textLength : textLength - textLength % 4;
        try {
            decoded = Base64.getDecoder().decode(java.util.Arrays.copyOf(text, whole));
        } catch (IllegalArgumentException e) {
            throw MimeEntity.malformed("The base64 content is not valid base64.");
        }
        System.arraycopy(text, whole, text, 0, textLength - whole);
        textLength -= whole;
        position = 0;
    }
}
