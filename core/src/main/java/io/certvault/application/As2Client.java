package io.certvault.application;

import io.certvault.domain.As2MessageRepository;
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
     * Posts the body, read from its source as it is sent ({@code length} bytes, sent as the Content-Length; null:
     * not known, sent in chunks). Fails with an IOException when the partner cannot be reached, does not answer in
     * time, the body cannot be read, or (https) the partner's TLS certificate does not chain to {@code trusted}
     * (null: the JVM's trusted CAs).
     */
    Answer post(String url, Map<String, String> headers, As2MessageRepository.Source body, Long length,
            Duration connectTimeout, Duration readTimeout, java.security.cert.X509Certificate trusted)
            throws IOException;
}
