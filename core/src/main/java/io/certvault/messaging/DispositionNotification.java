package io.certvault.messaging;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

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

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
