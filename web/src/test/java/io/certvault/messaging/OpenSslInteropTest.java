package io.certvault.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.application.CertificateService;
import io.certvault.application.Guard;
import io.certvault.application.IntegrationAccountService;
import io.certvault.application.MessageSecurityService;
import io.certvault.application.MessageSettings;
import io.certvault.application.VaultKeyService;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.KeyReference;
import io.certvault.testing.FixedMessageSettings;
import io.certvault.testing.InMemoryRepositories;
import io.certvault.testing.TestCallers;
import io.certvault.testing.KeyLeaks;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.VaultRegistry;
import io.certvault.vault.VaultSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * S/MIME with OpenSSL's {@code openssl cms} as the independent peer, in both directions, with Certvault's
 * keys in a real filesystem vault: signing (RSA PKCS#1 and PSS, ECDSA; every hash), encryption (every
 * cipher, RSA key transport with PKCS#1 and OAEP, EC key agreement outbound), sign+encrypt, compression,
 * and tampering.
 */
class OpenSslInteropTest {
    private static final String ACCOUNT = "contoso";
    private static final byte[] PAYLOAD = payload();
    private static final String PAYLOAD_TYPE = "application/edi-x12";

    @TempDir
    static Path work;
    private static OpenSsl openssl;
    private static VaultRegistry vaults;
    private static MessageSecurityService messages;

    @BeforeAll
    static void setUp() throws Exception {
        openssl = new OpenSsl(work);
        vaults = VaultRegistry.open(VaultSettings.of(key -> Optional.empty()), work.resolve("data"));
        InMemoryRepositories repositories = new InMemoryRepositories();
        Guard guard = TestCallers.adminGuard();
        var certificateKeys = TestCallers.keys(vaults, guard);
        new IntegrationAccountService(repositories, guard).put(ACCOUNT, null, null, null);
        VaultKeyService keys = new VaultKeyService(vaults, repositories, certificateKeys, guard);
        CertificateService certificates = new CertificateService(repositories, repositories,
                repositories.agreements(), certificateKeys, guard);
        for (var entry : Map.of("rsa", TestCertificates.rsa(2048), "ec", TestCertificates.ec("secp256r1")).entrySet()) {
            String name = entry.getKey();
            KeyPair pair = entry.getValue();
            X509Certificate certificate = TestCertificates.selfSigned(pair, "contoso-" + name);
            keys.importKey("default", name + "-key", pair);
            certificates.put(ACCOUNT, name, TestCertificates.pem(certificate), new KeyReference("default", name + "-key",
                    null), null);
            // The partner's side: openssl holds the same key pair in files.
            Files.writeString(work.resolve(name + ".crt"), TestCertificates.pem(certificate));
            Files.writeString(work.resolve(name + ".key"), TestCertificates.pkcs8Pem(pair.getPrivate()));
        }
        MessageSettings settings = new FixedMessageSettings(work.resolve("spool"), 64 * 1024, false);
        messages = new MessageSecurityService(repositories, repositories, certificateKeys, settings, guard);
        Files.write(work.resolve("entity.mime"), entity());
    }

    @AfterAll
    static void tearDown() {
        vaults.close();
    }

    // ---- Certvault -> openssl -------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"rsa, SHA1", "rsa, SHA2256", "rsa, SHA2384", "rsa, SHA2512", "rsa, SHA2256-PSS", "rsa, SHA2512-PSS",
        "ec, SHA2256", "ec, SHA2384", "ec, SHA2512"})
    void certvaultSignsOpensslVerifies(String key, String algorithm) throws Exception {
        var encoded = encode(key, algorithm, null, null, false);
        Path message = writeMessage("signed-" + key + algorithm + ".eml", encoded.contentType(), null, encoded.body());

        // Without -binary: openssl re-reads multipart/signed line by line and checks the canonical (CRLF) form.
        openssl.ok("cms", "-verify", "-noverify", "-in", message.toString(), "-out", "verified.out");

        assertThat(payloadOf(work.resolve("verified.out"))).isEqualTo(PAYLOAD);
        assertThat(encoded.contentType()).startsWith("multipart/signed").contains("micalg=" + algorithm
                .replace("SHA1", "sha-1").replace("SHA2", "sha-").replace("-PSS", "").toLowerCase());
    }

    @Test
    void opensslRejectsWhatWasAlteredAfterCertvaultSigned() throws Exception {
        var encoded = encode("rsa", "SHA2256", null, null, false);
        byte[] body = encoded.body().clone();
        // One base64 character of the signed payload, changed to another valid one.
        int index = KeyLeaks.indexOf(body, "base64\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) + 20;
        body[index] = (byte) (body[index] == 'A' ? 'B' : 'A');
        Path message = writeMessage("tampered.eml", encoded.contentType(), null, body);

        assertThat(openssl.run("cms", "-verify", "-noverify", "-in", message.toString(), "-out", "x.out")).isNotZero();
        assertThat(openssl.last).contains("verification failure");
    }

    @ParameterizedTest
    @CsvSource({"rsa, DES3", "rsa, AES128", "rsa, AES192", "rsa, AES256", "rsa, AES128GCM", "rsa, AES256GCM",
        "ec, AES256", "ec, AES128GCM"})
    void certvaultEncryptsOpensslDecrypts(String key, String cipher) throws Exception {
        var encoded = encode(null, null, key, cipher, false);
        Files.write(work.resolve("encrypted.der"), encoded.body());

        openssl.ok("cms", "-decrypt", "-binary", "-inform", "DER", "-in", "encrypted.der", "-recip", key + ".crt",
                "-inkey", key + ".key", "-out", "decrypted.out");

        assertThat(Files.readAllBytes(work.resolve("decrypted.out"))).isEqualTo(entity());
    }

    @Test
    void certvaultSignsAndEncryptsOpensslDecryptsAndVerifies() throws Exception {
        var encoded = encode("ec", "SHA2256", "rsa", "AES256", false);
        Files.write(work.resolve("signed-encrypted.der"), encoded.body());

        openssl.ok("cms", "-decrypt", "-binary", "-inform", "DER", "-in", "signed-encrypted.der", "-recip", "rsa.crt",
                "-inkey", "rsa.key", "-out", "inner.eml");
        openssl.ok("cms", "-verify", "-noverify", "-in", "inner.eml", "-out", "verified.out");

        assertThat(payloadOf(work.resolve("verified.out"))).isEqualTo(PAYLOAD);
    }

    @Test
    void certvaultCompressesAsRfc3274Says() throws Exception {
        // Debian's openssl is built without zlib, so openssl reads the structure and the JDK's zlib inflates.
        var encoded = encode(null, null, null, null, true);
        Files.write(work.resolve("compressed.der"), encoded.body());

        openssl.ok("asn1parse", "-inform", "DER", "-in", "compressed.der");
        assertThat(openssl.last).contains("id-smime-ct-compressedData").contains("zlib compression");
        // The zlib stream is the content octets: one OCTET STRING, or (streamed) several chunks of one.
        byte[] der = Files.readAllBytes(work.resolve("compressed.der"));
        ByteArrayOutputStream zlib = new ByteArrayOutputStream();
        var chunk = java.util.regex.Pattern.compile("^\\s*(\\d+):d=\\d+\\s+hl=(\\d+)\\s+l=\\s*(\\d+)\\s+prim:\\s+OCTET STRING");
        openssl.last.lines().map(chunk::matcher).filter(java.util.regex.Matcher::find).forEach(m -> {
            int start = Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2));
            zlib.write(der, start, Integer.parseInt(m.group(3)));
        });
        Inflater inflater = new Inflater();
        inflater.setInput(zlib.toByteArray());
        ByteArrayOutputStream inflated = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        while (!inflater.finished()) {
            inflated.write(buffer, 0, inflater.inflate(buffer));
        }
        assertThat(inflated.toByteArray()).isEqualTo(entity());
    }

    // ---- openssl -> Certvault -------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"rsa, sha1, ''", "rsa, sha256, ''", "rsa, sha512, ''", "rsa, sha384, pss", "ec, sha256, ''",
        "ec, sha384, ''", "rsa, sha256, nodetach"})
    void opensslSignsCertvaultVerifies(String key, String digest, String variant) throws Exception {
        var args = new java.util.ArrayList<>(java.util.List.of("cms", "-sign", "-binary", "-in", "entity.mime",
                "-signer", key + ".crt", "-inkey", key + ".key", "-md", digest, "-out", "partner-signed.eml"));
        if (variant.equals("pss")) {
            args.addAll(java.util.List.of("-keyopt", "rsa_padding_mode:pss"));
        }
        if (variant.equals("nodetach")) {
            args.add("-nodetach");
        }
        openssl.ok(args.toArray(String[]::new));

        var decoded = decode(work.resolve("partner-signed.eml"), null);

        assertThat(decoded.payload().input().readAllBytes()).isEqualTo(PAYLOAD);
        assertThat(decoded.signedBy()).isEqualTo(key);
        assertThat(decoded.mic()).endsWith(", " + digest.replace("sha", "sha-"));
        decoded.close();
    }

    @Test
    void certvaultRejectsWhatWasAlteredAfterOpensslSigned() throws Exception {
        openssl.ok("cms", "-sign", "-binary", "-in", "entity.mime", "-signer", "rsa.crt", "-inkey", "rsa.key", "-out",
                "partner-signed.eml");
        byte[] message = Files.readAllBytes(work.resolve("partner-signed.eml"));
        message[KeyLeaks.indexOf(message, Arrays.copyOfRange(PAYLOAD, 200, 216))] ^= 1;
        Files.write(work.resolve("partner-tampered.eml"), message);

        assertThatThrownBy(() -> decode(work.resolve("partner-tampered.eml"), null))
                .isInstanceOf(CertvaultException.class)
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).isEqualTo(ErrorCode.SIGNATURE_INVALID));
    }

    @ParameterizedTest
    @CsvSource({"rsa, -des3", "rsa, -aes128", "rsa, -aes192", "rsa, -aes256", "rsa, -aes-128-gcm", "rsa, -aes-256-gcm",
        "rsa, -aes256 -keyopt rsa_padding_mode:oaep", "rsa, -aes256 -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256",
        "ec, -aes256", "ec, -aes128", "ec, -aes-256-gcm"})
    void opensslEncryptsCertvaultDecrypts(String key, String options) throws Exception {
        var args = new java.util.ArrayList<>(java.util.List.of("cms", "-encrypt", "-binary", "-in", "entity.mime",
                "-out", "partner-encrypted.eml", "-recip", key + ".crt"));
        // -keyopt applies to the -recip before it.
        args.addAll(java.util.List.of(options.split(" ")));
        openssl.ok(args.toArray(String[]::new));

        var decoded = decode(work.resolve("partner-encrypted.eml"), null);

        assertThat(decoded.payload().input().readAllBytes()).isEqualTo(PAYLOAD);
        assertThat(decoded.decryptedWith()).isEqualTo(key);
        decoded.close();
    }

    @Test
    void opensslSignsAndEncryptsCertvaultDecryptsAndVerifies() throws Exception {
        openssl.ok("cms", "-sign", "-binary", "-in", "entity.mime", "-signer", "ec.crt", "-inkey", "ec.key", "-out",
                "partner-signed.eml");
        openssl.ok("cms", "-encrypt", "-binary", "-aes256", "-in", "partner-signed.eml", "-out", "partner-both.eml",
                "rsa.crt");

        var decoded = decode(work.resolve("partner-both.eml"), null);

        assertThat(decoded.payload().input().readAllBytes()).isEqualTo(PAYLOAD);
        assertThat(decoded.signedBy()).isEqualTo("ec");
        assertThat(decoded.decryptedWith()).isEqualTo("rsa");
        decoded.close();
    }

    @Test
    void certvaultReadsCompressedDataBuiltByAnotherImplementation() throws Exception {
        // No zlib in Debian's openssl: Python's zlib and a hand-written DER encoder play the partner.
        Files.writeString(work.resolve("compress.py"), """
                import sys, zlib
                def tlv(tag, body):
                    n = len(body)
                    if n < 128: length = bytes([n])
                    else:
                        b = n.to_bytes((n.bit_length() + 7) // 8, 'big'); length = bytes([0x80 | len(b)]) + b
                    return bytes([tag]) + length + body
                oid = lambda dotted: tlv(0x06, bytes.fromhex(dotted))
                data = open(sys.argv[1], 'rb').read()
                compressed = tlv(0x30, tlv(0x02, b'\\x00') + tlv(0x30, oid('2a864886f70d0109100308'))
                        + tlv(0x30, oid('2a864886f70d010701') + tlv(0xa0, tlv(0x04, zlib.compress(data)))))
                open(sys.argv[2], 'wb').write(tlv(0x30, oid('2a864886f70d0109100109') + tlv(0xa0, compressed)))
                """);
        Process python = new ProcessBuilder("python3", "compress.py", "entity.mime", "partner-compressed.der")
                .directory(work.toFile()).inheritIO().start();
        assertThat(python.waitFor()).isZero();

        try (var decoded = messages.decode(ACCOUNT, Files.newInputStream(work.resolve("partner-compressed.der")),
                "application/pkcs7-mime; smime-type=compressed-data", null, null)) {
            assertThat(decoded.payload().input().readAllBytes()).isEqualTo(PAYLOAD);
            assertThat(decoded.decompressed()).isTrue();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private record Encoded(String contentType, byte[] body) {
    }

    private static Encoded encode(String signer, String signing, String recipient, String cipher, boolean compress)
            throws IOException {
        try (var encoded = messages.encode(ACCOUNT, new ByteArrayInputStream(PAYLOAD), PAYLOAD_TYPE,
                new MessageSecurityService.EncodeOptions(signer, signing, recipient, cipher, compress))) {
            return new Encoded(encoded.contentType(), encoded.body().input().readAllBytes());
        }
    }

    /** Decodes a message file as openssl writes it: MIME headers, a blank line, the body. */
    private static io.certvault.messaging.SmimeDecoder.Result decode(Path file, String verification) throws IOException {
        var entity = MimeEntity.read(Files.newInputStream(file));
        return messages.decode(ACCOUNT, new ByteArrayInputStream(((java.io.InputStream) rawBody(file)).readAllBytes()),
                entity.headers().get("Content-Type"), entity.headers().get("Content-Transfer-Encoding"), verification);
    }

    /** The bytes after the header block, still in their transfer encoding. */
    private static java.io.InputStream rawBody(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int crlf = KeyLeaks.indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        int lf = KeyLeaks.indexOf(all, "\n\n".getBytes(StandardCharsets.US_ASCII));
        // openssl ends its header lines with LF; whichever blank line comes first ends the headers.
        int start = lf >= 0 && (crlf < 0 || lf < crlf) ? lf + 2 : crlf + 4;
        return new ByteArrayInputStream(Arrays.copyOfRange(all, start, all.length));
    }

    /** The payload of a MIME entity file (Certvault signs binary payloads as base64). */
    private static byte[] payloadOf(Path entity) throws IOException {
        try (var in = Files.newInputStream(entity)) {
            return MimeEntity.read(in).body().readAllBytes();
        }
    }

    private static Path writeMessage(String name, String contentType, String transferEncoding, byte[] body)
            throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.write(("MIME-Version: 1.0\r\nContent-Type: " + contentType + "\r\n"
                + (transferEncoding == null ? "" : "Content-Transfer-Encoding: " + transferEncoding + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        message.write(body);
        Path file = work.resolve(name);
        Files.write(file, message.toByteArray());
        return file;
    }

    /** The MIME entity Certvault makes of the payload, which peers sign, encrypt and compress. */
    private static byte[] entity() {
        ByteArrayOutputStream entity = new ByteArrayOutputStream();
        entity.writeBytes(("Content-Type: " + PAYLOAD_TYPE + "\r\nContent-Transfer-Encoding: binary\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        entity.writeBytes(PAYLOAD);
        return entity.toByteArray();
    }

    private static byte[] payload() {
        byte[] bytes = new byte[200_000];
        new Random(42).nextBytes(bytes);
        return bytes;
    }
}
