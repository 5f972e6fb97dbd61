package io.certvault.vault.filesystem;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * One key version on disk. Layout (version 1):
 * <pre>
 * "CVK1" | created epoch millis (8) | key algorithm (UTF) | public key X.509 DER (4-byte length + bytes)
 *        | GCM nonce (12) | AES-256-GCM ciphertext of the PKCS#8 private key, with its 16-byte tag
 * </pre>
 * The header is authenticated as additional data together with the key name and version, so a file
 * cannot be swapped for another key's or have its public half replaced unnoticed.
 */
record KeyFile(Instant created, PublicKey publicKey, byte[] encryptedPrivateKey, byte[] nonce, byte[] header) {
    private static final byte[] MAGIC = "CVK1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final int MAX_SECTION = 1 << 20;

    /** Encrypts a private key into the file's bytes. */
    static byte[] seal(SecretKey masterKey, String keyName, String version, Instant created, PublicKey publicKey,
            PrivateKey privateKey) throws GeneralSecurityException, IOException {
        ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
        DataOutputStream header = new DataOutputStream(headerBytes);
        header.write(MAGIC);
        header.writeLong(created.toEpochMilli());
        header.writeUTF(publicKey.getAlgorithm());
        byte[] spki = publicKey.getEncoded();
        header.writeInt(spki.length);
        header.write(spki);
        byte[] headerArray = headerBytes.toByteArray();

        byte[] nonce = new byte[NONCE_LENGTH];
        new SecureRandom().nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, masterKey, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(additionalData(headerArray, keyName, version));
        byte[] pkcs8 = privateKey.getEncoded();
        byte[] ciphertext;
        try {
            ciphertext = cipher.doFinal(pkcs8);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream(headerArray.length + NONCE_LENGTH + ciphertext.length);
        file.write(headerArray);
        file.write(nonce);
        file.write(ciphertext);
        return file.toByteArray();
    }

    /** A key file that is not whole (cut short by a crash of whatever wrote it, or damaged since). */
    static final class Truncated extends IOException {
        Truncated(int length, String where) {
            super("it ends after " + length + " bytes, " + where);
        }
    }

    /** Reads the public part; the private key stays encrypted until {@link #open}. */
    static KeyFile read(byte[] content) throws IOException, GeneralSecurityException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(content));
        byte[] magic = in.readNBytes(MAGIC.length);
        if (magic.length < MAGIC.length) {
            throw new Truncated(content.length, "before its format mark");
        }
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("not a Certvault key file");
        }
        Instant created;
        String algorithm;
        int spkiLength;
        try {
            created = Instant.ofEpochMilli(in.readLong());
            algorithm = in.readUTF();
            spkiLength = in.readInt();
        } catch (java.io.EOFException e) {
            throw new Truncated(content.length, "inside its header");
        }
        if (spkiLength <= 0 || spkiLength > MAX_SECTION) {
            throw new IOException("damaged key file header");
        }
        byte[] spki = in.readNBytes(spkiLength);
        if (spki.length < spkiLength) {
            throw new Truncated(content.length, "inside its public key");
        }
        int headerLength = content.length - in.available();
        byte[] nonce = in.readNBytes(NONCE_LENGTH);
        byte[] ciphertext = in.readAllBytes();
        if (nonce.length != NONCE_LENGTH || ciphertext.length <= TAG_BITS / 8) {
            throw new Truncated(content.length, "before its encrypted private key");
        }
        PublicKey publicKey = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));
        return new KeyFile(created, publicKey, ciphertext, nonce, Arrays.copyOf(content, headerLength));
    }

    /** Decrypts the private key. Fails when the file, name or version was tampered with. */
    PrivateKey open(SecretKey masterKey, String keyName, String version) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, masterKey, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(additionalData(header, keyName, version));
        byte[] pkcs8 = cipher.doFinal(encryptedPrivateKey);
        try {
            return KeyFactory.getInstance(publicKey.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static byte[] additionalData(byte[] header, String keyName, String version) {
        byte[] names = ("\0" + keyName + "\0" + version).getBytes(StandardCharsets.UTF_8);
        byte[] aad = Arrays.copyOf(header, header.length + names.length);
        System.arraycopy(names, 0, aad, header.length, names.length);
        return aad;
    }
}
