package io.certvault.rest;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small JSON client for the API tests; it keeps every response body for leak checks. */
final class ApiClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    /** The Authorization header sent with every request, or null for none. */
    private final String authorization;
    final List<String> responseBodies = new ArrayList<>();

    /** A response: status and body text, with the body as JSON when it is JSON. */
    record Reply(int status, String body) {
        JsonObject json() {
            return Json.createReader(new StringReader(body)).readObject();
        }

        String errorCode() {
            return json().getJsonObject("error").getString("code");
        }

        String errorMessage() {
            return json().getJsonObject("error").getString("message");
        }
    }

    ApiClient(URI base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    /** The API of a deployment, at 127.0.0.1 (Arquillian names the first non-loopback address). */
    static URI api(java.net.URL deployment) {
        return URI.create("http://127.0.0.1:" + deployment.getPort() + deployment.getPath() + "api/");
    }

    /** Signed in as the built-in admin, whose password the build gives the server (CERTVAULT_ADMIN_PASSWORD). */
    static ApiClient admin(URI base) {
        return basic(base, "admin", System.getProperty("certvault.it.admin-password"));
    }

    static ApiClient basic(URI base, String user, String password) {
        return new ApiClient(base, "Basic " + java.util.Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    static ApiClient bearer(URI base, String token) {
        return new ApiClient(base, "Bearer " + token);
    }

    static ApiClient anonymous(URI base) {
        return new ApiClient(base, null);
    }

    private HttpRequest.Builder signed(HttpRequest.Builder request) {
        return authorization == null ? request : request.setHeader("Authorization", authorization);
    }

    URI uri(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Reply getAbsolute(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    Reply put(String path, JsonStructure body) {
        return put(path, body.toString());
    }

    Reply put(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    Reply post(String path, JsonStructure body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** Sends and returns the raw response (bytes and headers), for message bodies. */
    HttpResponse<byte[]> sendBytes(HttpRequest.Builder request) {
        return exchange(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<java.nio.file.Path> sendToFile(HttpRequest.Builder request, java.nio.file.Path file) {
        return exchange(request, HttpResponse.BodyHandlers.ofFile(file));
    }

    /** Streams the response body through a digest without keeping it. */
    HttpResponse<Void> sendDigesting(HttpRequest.Builder request, java.security.MessageDigest digest) {
        return exchange(request, info -> HttpResponse.BodySubscribers.fromSubscriber(
                new java.util.concurrent.Flow.Subscriber<java.util.List<java.nio.ByteBuffer>>() {
                    @Override
                    public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                        subscription.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(java.util.List<java.nio.ByteBuffer> buffers) {
                        buffers.forEach(digest::update);
                    }

                    @Override
                    public void onError(Throwable throwable) {
                    }

                    @Override
                    public void onComplete() {
                    }
                }, subscriber -> null));
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(signed(request).timeout(Duration.ofMinutes(5)).build(), handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(signed(request).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            responseBodies.add(response.body());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
