package io.certvault.application;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** How Certvault reaches a partner's AS2 server: one HTTP POST, its answer read whole (an MDN is small). */
public interface As2Client {

    /** The partner's answer; header names without regard to case. */
    record Answer(int status, Map<String, String> headers, byte[] body) {
        public Answer {
            Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            h.putAll(headers);
            headers = h;
        }

        public String header(String name) {
            return headers.get(name);
        }
    }

    /**
     * Fails with an IOException when the partner cannot be reached, does not answer in time, or (https) its TLS
     * certificate does not chain to {@code trusted} (null: the JVM's trusted CAs).
     */
    Answer post(String url, Map<String, String> headers, byte[] body, Duration connectTimeout, Duration readTimeout,
            java.security.cert.X509Certificate trusted) throws IOException;
}
