package io.certvault.infrastructure.persistence;

import io.certvault.infrastructure.CertvaultConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts what AS2 messages carried before it goes into the database, chunk by chunk (AES-256-GCM, a fresh nonce
 * each time; the content, message, kind and position bound in as associated data so that content cannot be moved to
 * another message, reordered or shortened). The key is
 * {@code certvault.messages.storage-key} (32 bytes, base64), which servers sharing a database must share; without
 * it, a key made at first start in the data directory ({@code message-content.key}, owner-only).
 */
@ApplicationScoped
public class ContentCipher {
    static final String STORAGE_KEY = "certvault.messages.storage-key";
    /** Format 1: a whole content in one value (stored before V9); format 2: one chunk of a content. */
    private static final byte WHOLE_FORMAT = 1;
    private static final byte CHUNK_FORMAT = 2;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    CertvaultConfig config;

    private SecretKey key;

    @PostConstruct
    void load() {
        byte[] bytes = config.get(STORAGE_KEY).map(ContentCipher::decodeKey).orElseGet(this::keyFile);
        key = new SecretKeySpec(bytes, "AES");
        Arrays.fill(bytes, (byte) 0);
    }

    private static byte[] decodeKey(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(STORAGE_KEY + " is not base64 (the value is not shown).");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(STORAGE_KEY + " must be 32 bytes (256 bits), base64: it is "
                    + bytes.length + " bytes.");
        }
        return bytes;
    }

    /** The key file of the data directory, made (owner-only, written whole before it is named) if not there yet. */
    private byte[] keyFile() {
        Path file = config.dataDirectory().resolve("message-content.key");
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                RANDOM.nextBytes(fresh);
                Path temporary = Files.createTempFile(file.getParent(), ".message-content.key.", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    Files.write(temporary, Base64.getEncoder().encode(fresh), StandardOpenOption.SYNC);
                    Files.createLink(file, temporary);
                } catch (FileAlreadyExistsException raced) {
                    // Another server on this data directory made it first: use theirs.
                } finally {
                    Files.deleteIfExists(temporary);
                    Arrays.fill(fresh, (byte) 0);
                }
            }
            return decodeKey(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or make the message content key in " + file.getParent(), e);
        }
    }

    /** A sealed chunk: whether it is the content's last, then its ciphertext (the flag is authenticated too). */
    record Chunk(boolean last, byte[] plain) {
    }

    /**
     * Seals one chunk of a stored content. The content, its message and kind, the chunk's position and whether it
     * is the last are bound in, so that chunks cannot be moved, reordered, or cut off at the end unnoticed.
     */
    byte[] seal(String contentId, String rowId, String kind, int seq, boolean last, byte[] plain) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associated(contentId, rowId, kind, seq, last));
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(2 + NONCE + sealed.length).put(CHUNK_FORMAT).put((byte) (last ? 1 : 0))
                    .put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java platform", e);
        }
    }

    /**
     * Opens one chunk; a content stored before chunks (format 1: the whole content, bound to its message and kind)
     * is its own only chunk.
     */
    Chunk open(String contentId, String rowId, String kind, int seq, byte[] sealed) {
        boolean whole = sealed.length >= 1 + NONCE && sealed[0] == WHOLE_FORMAT && seq == 0;
        if (!whole && (sealed.length < 2 + NONCE || sealed[0] != CHUNK_FORMAT || sealed[1] > 1)) {
            throw new IllegalStateException("Stored content of message " + rowId + " is not in a known format.");
        }
        boolean last = whole || sealed[1] == 1;
        int header = whole ? 1 : 2;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, header, NONCE));
            cipher.updateAAD(whole ? (rowId + '\u0000' + kind).getBytes(StandardCharsets.UTF_8)
                    : associated(contentId, rowId, kind, seq, last));
            return new Chunk(last, cipher.doFinal(sealed, header + NONCE, sealed.length - header - NONCE));
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalStateException("Stored content of message " + rowId + " does not open with this "
                    + "server's message content key (another server's " + STORAGE_KEY + "?), or was altered.");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java platform", e);
        }
    }

    private static byte[] associated(String contentId, String rowId, String kind, int seq, boolean last) {
        return (contentId + '\u0000' + rowId + '\u0000' + kind + '\u0000' + seq + '\u0000' + last)
                .getBytes(StandardCharsets.UTF_8);
    }
}
