package io.certvault.messaging;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

/**
 * Decodes base64 that comes in lines (MIME), in large blocks: line breaks and other white space are dropped
 * and whole 4-character groups decoded at once. The JDK's MIME decoder stream works character by
 * character, which made it the slowest step of reading a large signed message.
 */
final class Base64Lines extends BlockInputStream {
    private static final int CHUNK = 64 * 1024;
    private final InputStream in;
    private final byte[] raw = new byte[CHUNK];
    private final byte[] text = new byte[CHUNK + 4];
    private int textLength;
    private boolean end;

    Base64Lines(InputStream in) {
        this.in = in;
    }

    @Override
    protected byte[] nextBlock() throws IOException {
        if (end) {
            return null;
        }
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
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(java.util.Arrays.copyOf(text, whole));
        } catch (IllegalArgumentException e) {
            throw MimeEntity.malformed("The base64 content is not valid base64.");
        }
        System.arraycopy(text, whole, text, 0, textLength - whole);
        textLength -= whole;
        return decoded;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
