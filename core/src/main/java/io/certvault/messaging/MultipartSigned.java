package io.certvault.messaging;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Splits a multipart/signed body (RFC 1847) into its two parts, streaming: the first part's exact bytes
 * (what was signed, headers included) go to a sink, and the second part, the detached signature, comes back
 * decoded. Parts are kept byte for byte; re-serialising them, as general MIME libraries do, would break
 * signatures.
 */
final class MultipartSigned {
    private static final int CHUNK = 64 * 1024;
    private static final int MAX_SIGNATURE_PART = 1024 * 1024;

    private MultipartSigned() {
    }

    /** Writes the signed part to {@code signedPart} and returns the DER of the detached signature. */
    static byte[] split(InputStream body, String boundary, OutputStream signedPart) throws IOException {
        if (boundary == null || boundary.isEmpty()) {
            throw MimeEntity.malformed("The multipart/signed Content-Type has no boundary.");
        }
        // RFC 2046 puts CRLF before each boundary; some writers (openssl) use a bare LF. The LF is matched as
        // part of the delimiter, and a CR before it is dropped from the content.
        byte[] delimiter = ("\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // The first delimiter may open the body with no line break before it.
        PushbackInputStream in = new PushbackInputStream(new SequenceInputStream(
                new ByteArrayInputStream(new byte[] {'\n'}), body), CHUNK);
        if (!scan(in, delimiter, OutputStream.nullOutputStream()) || endOfParts(in)) {
            throw MimeEntity.malformed("The multipart/signed body has no part with its boundary.");
        }
        if (!scan(in, delimiter, signedPart) || endOfParts(in)) {
            throw MimeEntity.malformed("The multipart/signed body has no signature part.");
        }
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        OutputStream bounded = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                if (second.size() + length > MAX_SIGNATURE_PART) {
                    throw MimeEntity.malformed("The signature part is larger than 1 MiB.");
                }
                second.write(bytes, offset, length);
            }
        };
        if (!scan(in, delimiter, bounded)) {
            throw MimeEntity.malformed("The multipart/signed body does not end with its closing boundary.");
        }
        MimeEntity signature = MimeEntity.read(new ByteArrayInputStream(second.toByteArray()));
        String type = signature.contentType().getBaseType().toLowerCase(Locale.ROOT);
        if (!type.equals("application/pkcs7-signature") && !type.equals("application/x-pkcs7-signature")) {
            throw MimeEntity.malformed("The second part of multipart/signed is " + type
                    + ", not application/pkcs7-signature.");
        }
        try {
            return signature.body().readAllBytes();
        } catch (IllegalArgumentException e) {
            throw MimeEntity.malformed("The signature part is not valid base64.");
        }
    }

    /** After a delimiter: "--" ends the parts; otherwise skip transport padding to the end of the line. */
    private static boolean endOfParts(PushbackInputStream in) throws IOException {
        int first = in.read();
        int second = in.read();
        if (first == '-' && second == '-') {
            return true;
        }
        int b = second;
        if (first == '\r' && second == '\n') {
            return false;
        }
        if (first == '\n') {
            in.unread(second);
            return false;
        }
        while (b != -1 && b != '\n') {
            b = in.read();
        }
        if (b == -1) {
            throw MimeEntity.malformed("The multipart/signed body ends after a boundary.");
        }
        return false;
    }

    /**
     * Copies bytes to {@code out} until the delimiter (Knuth-Morris-Pratt, so a near-match inside the content
     * is handled), leaving the stream just after it. False when the stream ends first.
     */
    private static boolean scan(PushbackInputStream in, byte[] delimiter, OutputStream out) throws IOException {
        int[] failure = failure(delimiter);
        byte[] chunk = new byte[CHUNK];
        byte[] pending = new byte[CHUNK + delimiter.length];
        int pendingLength = 0;
        int matched = 0;
        int count;
        while ((count = in.read(chunk, 0, chunk.length)) != -1) {
            for (int i = 0; i < count; i++) {
                byte b = chunk[i];
                while (matched > 0 && b != delimiter[matched]) {
                    int fallback = failure[matched - 1];
                    // The bytes that no longer can start the delimiter are content.
                    System.arraycopy(delimiter, 0, pending, pendingLength, matched - fallback);
                    pendingLength += matched - fallback;
                    matched = fallback;
                }
                if (b == delimiter[matched]) {
                    matched++;
                    if (matched == delimiter.length) {
                        boolean carriageReturn = pendingLength > 0 && pending[pendingLength - 1] == '\r';
                        out.write(pending, 0, carriageReturn ? pendingLength - 1 : pendingLength);
                        if (i + 1 < count) {
                            in.unread(chunk, i + 1, count - i - 1);
                        }
                        return true;
                    }
                } else {
                    pending[pendingLength++] = b;
                }
                if (pendingLength >= CHUNK) {
                    // Keep the last byte back: it may be the CR of the delimiter's line break.
                    out.write(pending, 0, pendingLength - 1);
                    pending[0] = pending[pendingLength - 1];
                    pendingLength = 1;
                }
            }
        }
        out.write(pending, 0, pendingLength);
        out.write(delimiter, 0, matched);
        return false;
    }

    private static int[] failure(byte[] pattern) {
        int[] failure = new int[pattern.length];
        int k = 0;
        for (int i = 1; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = failure[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            failure[i] = k;
        }
        return failure;
    }
}
