package io.certvault.vault.filesystem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/** Owner-only files and directories, written atomically: temp file, fsync, rename, fsync of the directory. */
final class SecureFiles {
    private static final boolean POSIX = java.nio.file.FileSystems.getDefault()
            .supportedFileAttributeViews().contains("posix");

    private static final String TEMPORARY_SUFFIX = ".tmp";
    /** A write takes milliseconds: a temporary file this old was left by a process that died writing it. */
    static final java.time.Duration ABANDONED_AFTER = java.time.Duration.ofMinutes(1);

    private SecureFiles() {
    }

    /**
     * Deletes the temporary files that writes killed before they published left anywhere under a directory,
     * and says how many. Younger ones are left alone: another server sharing the directory may be writing them.
     */
    static int deleteAbandoned(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        java.nio.file.attribute.FileTime before = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(ABANDONED_AFTER));
        int deleted = 0;
        try (java.util.stream.Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(SecureFiles::isTemporary).toList()) {
                if (Files.getLastModifiedTime(file).compareTo(before) < 0 && Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    private static boolean isTemporary(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.endsWith(TEMPORARY_SUFFIX) && Files.isRegularFile(file);
    }

    static void createDirectories(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Path parent = directory.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            if (POSIX) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(directory);
            }
        } catch (FileAlreadyExistsException e) {
            // made meanwhile by another thread or server
        }
    }

    /** Writes a file that must not exist yet; fails with FileAlreadyExistsException when it does. */
    static void writeNew(Path target, byte[] content) throws IOException {
        createDirectories(target.getParent());
        // Hidden and ending in .tmp: never a name that is read as the file itself (see deleteAbandoned).
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + TEMPORARY_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                if (POSIX) {
                    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
                }
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                // link(2) publishes the complete file atomically and fails if the name is taken.
                Files.createLink(target, temp);
            } catch (UnsupportedOperationException e) {
                if (Files.exists(target)) {
                    throw new FileAlreadyExistsException(target.toString());
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            syncDirectory(target.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not every platform can open a directory for syncing; the rename itself is still atomic.
        }
    }
}
