package io.certvault.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the openssl command line, the independent S/MIME peer of the interoperability tests. */
final class OpenSsl {
    private final Path directory;

    OpenSsl(Path directory) {
        this.directory = directory;
    }

    /** Runs {@code openssl <args>} in the working directory; returns the exit code, output kept in {@link #last}. */
    int run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Path log = directory.resolve("openssl.log");
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("openssl did not finish: " + command);
        }
        last = Files.readString(log, StandardCharsets.ISO_8859_1);
        return process.exitValue();
    }

    /** Like {@link #run}, failing the test with openssl's output when it fails. */
    void ok(String... args) throws IOException, InterruptedException {
        int code = run(args);
        if (code != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + " failed (" + code + "):\n" + last);
        }
    }

    String last = "";
}
