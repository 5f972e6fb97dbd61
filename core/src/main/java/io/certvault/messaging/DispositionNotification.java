package io.certvault.messaging;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * AS2's message disposition notification (RFC 4130 7.4, RFC 8098): the {@code multipart/report} a receiver
 * returns, and the options a sender asks for it with.
 */
public final class DispositionNotification {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** RFC 4130 7.4.3's dispositions: processed, or processed with one of these errors. */
    public static final String PROCESSED = "automatic-action/MDN-sent-automatically; processed";

    private DispositionNotification() {
    }

    public static String failed(String error) {
        return PROCESSED + "/error: " + error;
    }

    /** An MDN's body and its Content-Type. */
    public record Report(String contentType, byte[] body) {
    }

    /**
     * The report: a human-readable part and the machine-readable {@code message/disposition-notification} part.
     * {@code mic} is {@code <base64>, <micalg>}, null when there is none.
     */
    public static Report report(String text, String reportingUa, String recipient, String originalMessageId,
            String mic, String disposition) {
        String boundary = "----=_Certvault_MDN_" + HexFormat.of().formatHex(randomBytes(12));
        StringBuilder notification = new StringBuilder()
                .append("Reporting-UA: ").append(reportingUa).append("\r\n")
                .append("Original-Recipient: rfc822; ").append(recipient).append("\r\n")
                .append("Final-Recipient: rfc822; ").append(recipient).append("\r\n")
                .append("Original-Message-ID: ").append(originalMessageId).append("\r\n")
                .append("Disposition: ").append(disposition).append("\r\n");
        if (mic != null) {
            notification.append("Received-Content-MIC: ").append(mic).append("\r\n");
        }
        String body = "--" + boundary + "\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n\r\n"
                + text.replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: message/disposition-notification\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n\r\n"
                + notification
                + "\r\n--" + boundary + "--\r\n";
        return new Report("multipart/report; report-type=disposition-notification; boundary=\"" + boundary + "\"",
                body.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * What a sender's {@code Disposition-Notification-Options} ask for: a signed receipt (and whether it is
     * required or optional), and the MIC algorithms in the order of preference, as spelled.
     */
    public record Options(boolean signedReceipt, boolean signedReceiptRequired, List<String> micAlgorithms) {
        public static final Options NONE = new Options(false, false, List.of());

        /**
         * Liberal in what it takes: parameters in any case and order, with or without spaces after the commas,
         * {@code required} or {@code optional}.
         */
        public static Options parse(String header) {
            if (header == null || header.isBlank()) {
                return NONE;
            }
            boolean signed = false;
            boolean required = false;
            List<String> micalgs = new ArrayList<>();
            for (String parameter : header.split(";")) {
                int equals = parameter.indexOf('=');
                if (equals < 0) {
                    continue;
                }
                String name = parameter.substring(0, equals).trim().toLowerCase(Locale.ROOT);
                List<String> values = new ArrayList<>();
                for (String value : parameter.substring(equals + 1).split(",")) {
                    if (!value.isBlank()) {
                        values.add(value.trim().replace("\"", ""));
                    }
                }
                if (values.isEmpty()) {
                    continue;
                }
                boolean isRequired = values.get(0).equalsIgnoreCase("required");
                List<String> rest = values.subList(1, values.size());
                if (name.equals("signed-receipt-protocol")
                        && rest.stream().anyMatch(v -> v.equalsIgnoreCase("pkcs7-signature"))) {
                    signed = true;
                    required = isRequired;
                } else if (name.equals("signed-receipt-micalg")) {
                    micalgs.addAll(rest);
                }
            }
            return new Options(signed, required, List.copyOf(micalgs));
        }
    }

    /**
     * An MDN as received: what its machine-readable part says. {@code mic} is {@code <base64>, <micalg>} as sent
     * (null when there is none), {@code text} the human-readable part.
     */
    public record Received(String originalMessageId, String disposition, String mic, String text) {

        /** Whether the disposition says processed, with no error or failure (a warning still counts as processed). */
        public boolean processed() {
            if (disposition == null) {
                return false;
            }
            int semicolon = disposition.indexOf(';');
            String type = (semicolon < 0 ? disposition : disposition.substring(semicolon + 1)).trim()
                    .toLowerCase(Locale.ROOT);
            return type.equals("processed") || type.startsWith("processed/warning");
        }

        /** Whether the MIC it returns is this one: the same digest in the same algorithm, however spelled. */
        public boolean micMatches(String expected) {
            if (mic == null || expected == null) {
                return false;
            }
            String[] got = mic.split(",", 2);
            String[] want = expected.split(",", 2);
            return got.length == 2 && want.length == 2 && got[0].trim().equals(want[0].trim())
                    && MicAlgorithm.parse(got[1].trim()).isPresent()
                    && MicAlgorithm.parse(got[1].trim()).equals(MicAlgorithm.parse(want[1].trim()));
        }
    }

    /**
     * Reads an MDN's {@code multipart/report} (its parts are small: it is read whole). Liberal as received MDNs
     * need: CRLF or bare LF, fields in any case, folded lines.
     */
    public static Received read(String contentType, byte[] body) throws IOException {
        var type = MimeEntity.contentType(contentType);
        if (!type.match("multipart/report")) {
            throw MimeEntity.malformed("An MDN is a multipart/report, not " + type.getBaseType() + ".");
        }
        String boundary = type.getParameter("boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw MimeEntity.malformed("The MDN's multipart/report has no boundary.");
        }
        String text = null;
        Map<String, String> fields = null;
        for (byte[] part : parts(new String(body, StandardCharsets.ISO_8859_1), boundary)) {
            MimeEntity entity = MimeEntity.read(new ByteArrayInputStream(part));
            byte[] content = entity.body().readAllBytes();
            if (entity.contentType().match("message/disposition-notification") && fields == null) {
                byte[] block = (new String(content, StandardCharsets.ISO_8859_1).strip() + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                fields = MimeEntity.read(new ByteArrayInputStream(block)).headers();
            } else if (entity.contentType().match("text/*") && text == null) {
                text = new String(content, StandardCharsets.ISO_8859_1).strip();
            }
        }
        if (fields == null) {
            throw MimeEntity.malformed("The MDN has no message/disposition-notification part.");
        }
        return new Received(fields.get("Original-Message-ID"), fields.get("Disposition"),
                fields.get("Received-Content-MIC"), text);
    }

    /** The parts between the boundary lines; the line break before a boundary belongs to it (RFC 2046). */
    private static List<byte[]> parts(String body, String boundary) {
        List<byte[]> parts = new ArrayList<>();
        String delimiter = "--" + boundary;
        String[] lines = body.split("\r?\n", -1);
        StringBuilder part = null;
        for (String line : lines) {
            String trimmed = line.stripTrailing();
            if (trimmed.equals(delimiter) || trimmed.equals(delimiter + "--")) {
                if (part != null) {
                    parts.add(part.toString().getBytes(StandardCharsets.ISO_8859_1));
                }
                if (trimmed.endsWith("--") && !trimmed.equals(delimiter)) {
                    return parts;
                }
                part = new StringBuilder();
            } else if (part != null) {
                if (part.length() > 0) {
                    part.append("\r\n");
                }
                part.append(line);
            }
        }
        throw MimeEntity.malformed("The MDN's multipart/report does not end with its closing boundary.");
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
