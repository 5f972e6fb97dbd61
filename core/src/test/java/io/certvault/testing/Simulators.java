package io.certvault.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** What the in-process simulators of vault services share: serving on daemon threads and answering JSON. */
public final class Simulators {

    private Simulators() {
    }

    /** Serves every path with the handler on daemon threads named after the simulator, and starts. */
    public static void serve(HttpServer server, String name, HttpHandler handler) {
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", handler);
        server.start();
    }

    /** Answers with a JSON body, or with no body when it is null. */
    public static void send(HttpExchange exchange, int status, JsonObject body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        // Plain "application/json": vault-java-driver compares the media type as a whole string.
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
