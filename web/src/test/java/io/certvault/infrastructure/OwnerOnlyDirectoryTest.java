package io.certvault.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory and the folders in it: made owner-only, and a warning when one lets other users in. */
class OwnerOnlyDirectoryTest {
    @TempDir
    Path parent;
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Logger log = Logger.getLogger(CertvaultConfig.class.getName());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        log.addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(handler);
    }

    @Test
    void aNewDirectoryIsOwnerOnly() throws Exception {
        Path data = CertvaultConfig.ownerOnlyDirectory(parent.resolve("new/data"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(warnings).isEmpty();
    }

    @Test
    void anExistingDirectoryOthersCanReadIsWarnedAbout() throws Exception {
        Path shared = Files.createDirectory(parent.resolve("shared"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));

        CertvaultConfig.ownerOnlyDirectory(shared);

        assertThat(warnings).singleElement().satisfies(warning -> assertThat(warning)
                .contains(shared + " can be read or entered by other local users (rwxr-xr-x)")
                .contains("chmod 700 " + shared));
        // A warning, not a change behind the operator's back.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rwxr-xr-x");
    }
}
