package io.certvault.messaging;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Holds a message that must be complete before it is answered (its signature checked, its MIC known).
 * Small messages stay in memory; larger ones go to a temporary file, encrypted with AES-CTR under a key
 * that exists only in this object, so that payloads never lie on disk in clear. Write once through
 * {@link #output()}, then read any number of times; {@link #close()} deletes the file. Its own disk's
 * failures are {@link Failure}s, so that they are not taken for faults of the content.
 */
public final class Spool implements AutoCloseable {
    /** The spool's file could not be written or read: a fault of the server, never of the content. */
    public static final class Failure extends IOException {
        Failure(IOException cause) {
            super("The spool file failed: " + cause.getMessage(), cause);
        }
    }

    private static final int CHUNK = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final int memoryLimit;
    private final byte[] key = new byte[32];
    private final byte[] iv = new byte[16];
    private ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path file;
    private long size;

    private final boolean encrypted;

    /** A spool whose file, if it needs one, is encrypted. */
    public Spool(Path directory, int memoryLimit) {
        this(directory, memoryLimit, true);
    }

    /**
     * @param encrypted false only for content that is ciphertext already (an enveloped message), which
     *     another encryption would not protect further
     */
    public Spool(Path directory, int memoryLimit, boolean encrypted) {
        this.directory = directory;
        this.memoryLimit = memoryLimit;
        this.encrypted = encrypted;
    }

    public long size() {
        return size;
    }

    /** Where the content is written; closing it completes the spool. */
    public OutputStream output() {
        return new OutputStream() {
            private OutputStream target = memory;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                try {
                    if (target == memory && memory.size() + length > memoryLimit) {
                        target = toFile();
                    }
                    target.write(bytes, offset, length);
                } catch (IOException e) {
                    throw new Failure(e);
                }
                size += length;
            }

            @Override
            public void close() throws IOException {
                try {
                    if (target != memory) {
                        target.close();
                    }
                } catch (IOException e) {
                    throw new Failure(e);
                }
            }
        };
    }

    /** A fresh stream over the whole content. */
    public InputStream input() {
        if (file == null) {
            return new ByteArrayInputStream(memory.toByteArray());
        }
        try {
            InputStream in = Files.newInputStream(file);
            return encrypted ? new CipherInput(in, cipher(Cipher.DECRYPT_MODE)) : new java.io.BufferedInputStream(in, CHUNK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        memory = new ByteArrayOutputStream();
        java.util.Arrays.fill(key, (byte) 0);
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // The content is encrypted under a key that is gone now; a leftover file reveals nothing.
            }
        }
    }

    private OutputStream toFile() throws IOException {
        // The key is made only when the content goes to disk; messages held in memory need none.
        RANDOM.nextBytes(key);
        RANDOM.nextBytes(iv);
        Files.createDirectories(directory);
        file = Files.createTempFile(directory, "spool-", ".bin");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the file is encrypted anyway
        }
        OutputStream buffered = new java.io.BufferedOutputStream(Files.newOutputStream(file), CHUNK);
        OutputStream out = encrypted ? new CipherOutput(buffered, cipher(Cipher.ENCRYPT_MODE)) : buffered;
        memory.writeTo(out);
        memory = new ByteArrayOutputStream();
        return out;
    }

    private Cipher cipher(int mode) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR is part of every Java platform", e);
        }
    }

    /** Like CipherOutputStream, with large chunks (the JDK's works in 512-byte steps). */
    private static final class CipherOutput extends FilterOutputStream {
        private final Cipher cipher;

        CipherOutput(OutputStream out, Cipher cipher) {
            super(out);
            this.cipher = cipher;
        }

        private byte[] buffer = new byte[CHUNK];

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (buffer.length < length) {
                buffer = new byte[length];
            }
            try {
                int count = cipher.update(bytes, offset, length, buffer, 0);
                out.write(buffer, 0, count);
            } catch (javax.crypto.ShortBufferException e) {
                throw new IllegalStateException("CTR output is as long as its input", e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }

    private static final class CipherInput extends BlockInputStream {
        private final InputStream in;
        private final Cipher cipher;
        private final byte[] raw = new byte[CHUNK];

        CipherInput(InputStream in, Cipher cipher) {
            this.in = in;
            this.cipher = cipher;
        }

        @Override
        protected byte[] nextBlock() throws IOException {
            int count;
            try {
                count = in.read(raw, 0, raw.length);
            } catch (IOException e) {
                throw new Failure(e);
            }
            if (count == -1) {
                return null;
            }
            byte[] plain = cipher.update(raw, 0, count);
            return plain == null ? new byte[0] : plain;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
