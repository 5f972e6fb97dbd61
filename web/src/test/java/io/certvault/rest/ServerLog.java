package io.certvault.rest;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * What the test servers logged since this test class's server started, so that a class scans its own
 * server's log and no other class's. Register it before Arquillian's extension, which starts the server:
 * it notes where the log files end at that moment, and hands itself to the test's {@code ServerLog} field.
 * The servers share the file it-logging.properties names; one that finds it still locked by a server
 * shutting down writes a numbered one beside it, which is read too.
 */
public class ServerLog implements BeforeAllCallback, TestInstancePostProcessor {
    private final Path file = Path.of(System.getProperty("certvault.it.log"));
    private final Map<Path, Long> endsBefore = new HashMap<>();

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        for (Path log : files()) {
            endsBefore.put(log, Files.size(log));
        }
    }

    @Override
    public void postProcessTestInstance(Object test, ExtensionContext context) throws IllegalAccessException {
        for (Field field : test.getClass().getDeclaredFields()) {
            if (field.getType() == ServerLog.class) {
                field.setAccessible(true);
                field.set(test, this);
            }
        }
    }

    /** Everything logged since this class's server started. */
    public String text() throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path log : files()) {
            byte[] bytes = Files.readAllBytes(log);
            int from = (int) Math.min(bytes.length, endsBefore.getOrDefault(log, 0L));
            text.append(new String(bytes, from, bytes.length - from, StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }

    private List<Path> files() throws IOException {
        Pattern name = Pattern.compile(Pattern.quote(file.getFileName().toString()) + "(\\.\\d+)?");
        try (Stream<Path> siblings = Files.list(file.getParent())) {
            return siblings.filter(p -> name.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }
}
