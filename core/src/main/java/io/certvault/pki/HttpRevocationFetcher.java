package io.certvault.pki;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Fetches CRLs and asks OCSP responders over HTTP, with short timeouts and a bound on the answer's size: a slow or
 * hostile location named in a certificate must not hold a message for long or fill the heap.
 */
public final class HttpRevocationFetcher implements RevocationChecker.Fetcher {
    private static final int MAX_BYTES = 10 * 1024 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    public HttpRevocationFetcher(Duration timeout) {
        this.timeout = timeout;
        // HTTP/1.1: OCSP responders and CRL servers are simple servers, and an h2c upgrade offer confuses some.
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @Override
    public byte[] get(URI uri) throws IOException {
        return send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build());
    }

    @Override
    public byte[] post(URI uri, String contentType, byte[] body) throws IOException {
        return send(HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private byte[] send(HttpRequest request) throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            byte[] content = body.readNBytes(MAX_BYTES + 1);
            if (content.length > MAX_BYTES) {
                throw new IOException("the answer is larger than " + MAX_BYTES + " bytes");
            }
            return content;
        }
    }
}
