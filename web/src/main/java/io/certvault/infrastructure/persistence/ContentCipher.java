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
 * Encrypts what AS2 messages carried before it goes into the database (AES-256-GCM, a fresh nonce each time, the
 * row and kind bound in as associated data so that content cannot be moved to another message). The key is
 * {@code certvault.messages.storage-key} (32 bytes, base64), which servers sharing a database must share; without
 * it, a key made at first start in the data directory ({@code message-content.key}, owner-only).
 */
@ApplicationScoped
public class ContentCipher {
    static final String STORAGE_KEY = "certvault.messages.storage-key";
    private static final byte FORMAT = 1;
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

    byte[] seal(String rowId, String kind, byte[] plain) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associated(rowId, kind));
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(1 + NONCE + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java platform", e);
        }
    }

    byte[] open(String rowId, String kind, byte[] sealed) {
        if (sealed.length < 1 + NONCE || sealed[0] != FORMAT) {
            throw new IllegalStateException("Stored content of message " + rowId + " is not in a known format.");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE));
            cipher.updateAAD(associated(rowId, kind));
            return cipher.doFinal(sealed, 1 + NONCE, sealed.length - 1 - NONCE);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalStateException("Stored content of message " + rowId + " does not open with this "
                    + "server's message content key (another server's " + STORAGE_KEY + "?), or was altered.");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java platform", e);
        }
    }

    private static byte[] associated(String rowId, String kind) {
        return (rowId + '\u0000' + kind).getBytes(StandardCharsets.UTF_8);
    }
}
