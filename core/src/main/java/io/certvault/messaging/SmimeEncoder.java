package io.certvault.messaging;

import io.certvault.pki.BouncyCastle;
import io.certvault.vault.KeyType;
import io.certvault.vault.BoundKey;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSCompressedDataStreamGenerator;
import org.bouncycastle.cms.CMSEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.ZlibCompressor;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Builds an S/MIME message in one streaming pass: the payload becomes a MIME entity, optionally compressed
 * (RFC 3274), signed (multipart/signed, RFC 8551) and encrypted (EnvelopedData, or AuthEnvelopedData for
 * AES-GCM), in that order from the inside out, as AS2 (RFC 4130) carries them. Each layer writes straight
 * into the next; the outermost entity's headers are returned, its body written to the output.
 */
public final class SmimeEncoder {
    private static final int BUFFER = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Sign with this private certificate's vault key; the signature carries the certificate and the chain given
     * (its issuers, so that a partner who trusts only the root can verify it).
     */
    public record Signing(X509Certificate certificate, BoundKey key, SigningAlgorithm algorithm,
            List<X509Certificate> chain) {
        public Signing(X509Certificate certificate, BoundKey key, SigningAlgorithm algorithm) {
            this(certificate, key, algorithm, List.of());
        }
    }

    /** Encrypt to this certificate. */
    public record Encryption(X509Certificate certificate, ContentEncryption algorithm) {
    }

    /**
     * What was made: the outermost entity's Content-Type, and the AS2 MIC ({@code <base64>, <micalg>}) of
     * the signed entity, or of the entity that was encrypted or compressed when not signed.
     */
    public record Result(String contentType, String mic) {
    }

    private SmimeEncoder() {
    }

    public static Result encode(InputStream payload, String payloadContentType, Signing signing,
            Encryption encryption, boolean compress, OutputStream body) throws IOException {
        return encode(payload, payloadContentType, signing, encryption, compress, null, body);
    }

    /**
     * As {@link #encode(InputStream, String, Signing, Encryption, boolean, OutputStream)}, with the MIC in the
     * hash the receiver is asked to return it in (null: the signature's, or SHA-256 when not signed).
     */
    public static Result encode(InputStream payload, String payloadContentType, Signing signing,
            Encryption encryption, boolean compress, MicAlgorithm micAlgorithm, OutputStream body) throws IOException {
        if (signing == null && encryption == null && !compress) {
            throw new IllegalArgumentException("sign, encrypt or compress");
        }
        String outerType = null;
        OutputStream sink = new NonClosing(body);
        // Each layer's stream, outermost first; they are closed innermost first, each finishing its own layer
        // (BouncyCastle's generators do not close the stream they write into).
        java.util.Deque<OutputStream> layers = new java.util.ArrayDeque<>();
        SignStage signStage = null;
        // The MIC digests the signed entity, or what is wrapped when nothing is signed.
        String micHash = micAlgorithm != null ? micAlgorithm.jcaName()
                : signing == null ? "SHA-256" : signing.algorithm().hash();
        // In the signature's own hash the MIC is the digest the signature was made over: not computed twice.
        boolean micFromSignature = signing != null && micHash.equals(signing.algorithm().hash());
        MessageDigest micDigest = digest(micHash);
        String micalg = micAlgorithm != null ? micAlgorithm.rfcName()
                : signing == null ? "sha-256" : signing.algorithm().micalg();
        try {
            if (encryption != null) {
                outerType = "application/pkcs7-mime; smime-type="
                        + (encryption.algorithm().authenticated() ? "authEnveloped-data" : "enveloped-data")
                        + "; name=\"smime.p7m\"";
                sink = encrypt(sink, encryption);
                layers.push(sink);
                if (signing == null) {
                    sink = new Tee(sink, null, micDigest);
                }
            }
            if (signing != null) {
                String boundary = "----=_Certvault_" + HexFormat.of().formatHex(randomBytes(12));
                String type = "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg="
                        + signing.algorithm().micalg() + "; boundary=\"" + boundary + "\"";
                if (outerType == null) {
                    outerType = type;
                } else {
                    MimeEntity.writeHeaders(sink, type, "binary");
                }
                signStage = sign(sink, boundary, signing);
                sink = signStage;
                layers.push(sink);
                if (!micFromSignature) {
                    sink = new Tee(sink, null, micDigest);
                }
            }
            // What is signed travels as lines (base64 unless text), since peers such as openssl re-read
            // multipart/signed line by line and would change bare line breaks inside binary content.
            boolean lines = signing != null;
            if (compress) {
                String type = "application/pkcs7-mime; smime-type=compressed-data; name=\"smime.p7z\"";
                boolean outermost = outerType == null;
                if (outermost) {
                    outerType = type;
                } else {
                    MimeEntity.writeHeaders(sink, type, lines ? "base64" : "binary");
                }
                if (lines) {
                    sink = base64(sink);
                    layers.push(sink);
                    lines = false;
                }
                CMSCompressedDataStreamGenerator compressor = new CMSCompressedDataStreamGenerator();
                compressor.setBufferSize(BUFFER);
                sink = compressor.open(sink, new ZlibCompressor());
                layers.push(sink);
                if (outermost) {
                    sink = new Tee(sink, null, micDigest);
                }
            }
            // An MDN (multipart/report) is text too, and a multipart's own transfer encoding may not be base64.
            String lowerType = payloadContentType.toLowerCase(java.util.Locale.ROOT);
            boolean text = lowerType.startsWith("text/") || lowerType.startsWith("multipart/report");
            MimeEntity.writeHeaders(sink, payloadContentType, lines && !text ? "base64" : "binary");
            if (lines && text) {
                // Text is signed in canonical form (CRLF line ends), so that every receiver digests the same bytes.
                sink = new CanonicalLineEnds(sink);
                layers.push(sink);
            } else if (lines) {
                sink = base64(sink);
                layers.push(sink);
            }
            java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(sink, BUFFER);
            payload.transferTo(buffered);
            buffered.flush();
            while (!layers.isEmpty()) {
                layers.pop().close();
            }
            body.flush();
        } catch (CMSException | OperatorCreationException | GeneralSecurityException e) {
            throw new IOException("S/MIME encoding failed: " + e.getMessage(), e);
        }
        byte[] mic = micFromSignature ? signStage.contentDigest() : micDigest.digest();
        return new Result(outerType, Base64.getEncoder().encodeToString(mic) + ", " + micalg);
    }

    private static OutputStream encrypt(OutputStream target, Encryption encryption)
            throws CMSException, IOException, GeneralSecurityException {
        X509Certificate certificate = encryption.certificate();
        RecipientInfoGenerator recipient;
        if (certificate.getPublicKey() instanceof ECPublicKey ec) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp" + ec.getParams().getCurve().getField().getFieldSize() + "r1"));
            var ephemeral = generator.generateKeyPair();
            recipient = new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF, ephemeral.getPrivate(),
                    ephemeral.getPublic(), CMSAlgorithm.AES256_WRAP).setProvider(BouncyCastle.PROVIDER)
                    .addRecipient(certificate);
        } else {
            recipient = new JceKeyTransRecipientInfoGenerator(certificate);
        }
        if (encryption.algorithm().authenticated()) {
            CMSAuthEnvelopedDataStreamGenerator generator = new CMSAuthEnvelopedDataStreamGenerator();
            generator.setBufferSize(BUFFER);
            generator.addRecipientInfoGenerator(recipient);
            return generator.open(target, (org.bouncycastle.operator.OutputAEADEncryptor)
                    new JceCMSContentEncryptorBuilder(encryption.algorithm().oid()).build());
        }
        CMSEnvelopedDataStreamGenerator generator = new CMSEnvelopedDataStreamGenerator();
        generator.setBufferSize(BUFFER);
        generator.addRecipientInfoGenerator(recipient);
        return generator.open(target, new JceCMSContentEncryptorBuilder(encryption.algorithm().oid()).build());
    }

    /**
     * Writes a multipart/signed body into {@code target}: the entity written to the returned stream as the
     * first part, and its detached CMS signature (made when the stream is closed) as the second.
     */
    private static SignStage sign(OutputStream target, String boundary, Signing signing)
            throws CMSException, IOException, GeneralSecurityException, OperatorCreationException {
        KeyType keyType = signing.certificate().getPublicKey().getAlgorithm().equals("EC") ? KeyType.EC : KeyType.RSA;
        VaultContentSigner signer = new VaultContentSigner(signing.key(),
                signing.algorithm().vaultAlgorithm(keyType), signing.algorithm().jcaName(keyType));
        CMSSignedDataStreamGenerator generator = new CMSSignedDataStreamGenerator();
        generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder()
                .build()).build(signer, signing.certificate()));
        List<X509Certificate> certificates = new java.util.ArrayList<>(List.of(signing.certificate()));
        certificates.addAll(signing.chain());
        generator.addCertificates(new JcaCertStore(certificates));
        ByteArrayOutputStream signature = new ByteArrayOutputStream();
        OutputStream signed = generator.open(signature, false);
        target.write(("--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return new SignStage(target, signed, signature, boundary, generator);
    }

    /** The signing layer: content goes to the first part and into the signature's digest. */
    private static final class SignStage extends Tee {
        private final OutputStream signed;
        private final ByteArrayOutputStream signature;
        private final String boundary;
        private final CMSSignedDataStreamGenerator generator;
        private boolean closed;

        SignStage(OutputStream target, OutputStream signed, ByteArrayOutputStream signature, String boundary,
                CMSSignedDataStreamGenerator generator) {
            super(target, signed, null);
            this.signed = signed;
            this.signature = signature;
            this.boundary = boundary;
            this.generator = generator;
        }

        /** The digest of the signed content that the signature was made over; known once closed. */
        byte[] contentDigest() {
            return (byte[]) generator.getGeneratedDigests().values().iterator().next();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            signed.close();
            String lines = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(signature.toByteArray());
            out.write(("\r\n--" + boundary + "\r\n"
                    + "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
                    + "Content-Transfer-Encoding: base64\r\n"
                    + "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\n"
                    + lines + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * Base64 in 76-character CRLF lines; closing it ends the encoding but leaves the target open. The encoder
     * writes line by line, so its output is gathered into large writes.
     */
    private static OutputStream base64(OutputStream target) {
        return Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).wrap(new java.io.BufferedOutputStream(
                new NonClosing(target), BUFFER));
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is part of every Java platform", e);
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Writes to a target, a second stream (or none) and a digest at once; closing leaves the target open. */
    private static class Tee extends FilterOutputStream {
        private final OutputStream second;
        private final MessageDigest digest;

        Tee(OutputStream target, OutputStream second, MessageDigest digest) {
            super(target);
            this.second = second;
            this.digest = digest;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            if (second != null) {
                second.write(bytes, offset, length);
            }
            if (digest != null) {
                digest.update(bytes, offset, length);
            }
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /** Turns bare LF (and bare CR) into CRLF. */
    private static final class CanonicalLineEnds extends FilterOutputStream {
        private int previous = -1;

        CanonicalLineEnds(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            if (b == '\n' && previous != '\r') {
                out.write('\r');
            } else if (previous == '\r' && b != '\n') {
                out.write('\n');
            }
            out.write(b);
            previous = b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            int run = offset;
            for (int i = offset; i < offset + length; i++) {
                byte b = bytes[i];
                boolean bareLf = b == '\n' && (i == offset ? previous != '\r' : bytes[i - 1] != '\r');
                boolean bareCr = (i == offset ? previous == '\r' : bytes[i - 1] == '\r') && b != '\n';
                if (bareLf || bareCr) {
                    out.write(bytes, run, i - run);
                    out.write(bareLf ? '\r' : '\n');
                    run = i;
                }
            }
            out.write(bytes, run, offset + length - run);
            if (length > 0) {
                previous = bytes[offset + length - 1];
            }
        }

        @Override
        public void close() throws IOException {
            if (previous == '\r') {
                out.write('\n');
            }
            out.flush();
        }
    }

    /** Lets the layers close their streams without closing the caller's. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
