package io.certvault.messaging;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParseException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A MIME entity read from a stream: its headers, and its body as the rest of the stream (decoded from
 * base64 when the transfer encoding says so). Headers are read byte by byte, so the body starts exactly
 * after the blank line; nothing of the body is buffered beyond the stream's own buffer.
 */
public record MimeEntity(Map<String, String> headers, ContentType contentType, InputStream body) {
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    /** Reads the headers of the entity at the stream's position. */
    public static MimeEntity read(InputStream in) throws IOException {
        InputStream buffered = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 64 * 1024);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String previous = null;
        int total = 0;
        while (true) {
            String line = readLine(buffered);
            if (line == null) {
                throw malformed("The MIME entity ends inside its headers.");
            }
            total += line.length() + 2;
            if (total > MAX_HEADER_BYTES) {
                throw malformed("The MIME headers are longer than 64 KiB.");
            }
            if (line.isEmpty()) {
                break;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && previous != null) {
                headers.merge(previous, " " + line.strip(), String::concat);
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw malformed("A MIME header line has no name: the entity is not MIME.");
            }
            previous = line.substring(0, colon).trim();
            headers.put(previous, line.substring(colon + 1).trim());
        }
        ContentType type = contentType(headers.getOrDefault("Content-Type", "text/plain; charset=us-ascii"));
        String encoding = headers.getOrDefault("Content-Transfer-Encoding", "binary").toLowerCase(Locale.ROOT);
        InputStream body = switch (encoding) {
            case "base64" -> new Base64Lines(buffered);
            case "binary", "8bit", "7bit" -> buffered;
            default -> throw malformed("Content-Transfer-Encoding '" + encoding + "' is not supported: use binary or "
                    + "base64.");
        };
        return new MimeEntity(headers, type, body);
    }

    /** Parses a Content-Type header value. */
    public static ContentType contentType(String value) {
        try {
            return new ContentType(value);
        } catch (ParseException | RuntimeException e) {
            throw malformed("The Content-Type '" + value + "' cannot be parsed.");
        }
    }

    /**
     * A Content-Type as one line: jakarta.mail folds a long one (CRLF and a tab), which is right inside MIME but
     * not in the HTTP header it is answered in.
     */
    public static String headerValue(ContentType type) {
        return type.toString().replaceAll("\\r?\\n[ \\t]+", " ");
    }

    /** Writes the header block of an entity: its Content-Type, a transfer encoding, and the blank line. */
    public static void writeHeaders(OutputStream out, String contentType, String transferEncoding) throws IOException {
        out.write(("Content-Type: " + contentType + "\r\nContent-Transfer-Encoding: " + transferEncoding + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** The lower-case {@code smime-type} parameter, or null. */
    public static String smimeType(ContentType type) {
        String value = type.getParameter("smime-type");
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            if (line.size() > MAX_HEADER_BYTES) {
                throw malformed("A MIME header line is longer than 64 KiB.");
            }
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    static CertvaultException malformed(String message) {
        return new CertvaultException(ErrorCode.MALFORMED_MESSAGE, message);
    }
}
