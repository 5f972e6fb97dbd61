package io.certvault.messaging;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.pki.BouncyCastle;
import io.certvault.pki.CertificateDetails;
import io.certvault.vault.BoundKey;
import jakarta.mail.internet.ContentType;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.DataFormatException;
import java.util.zip.ZipException;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.IllegalBlockSizeException;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAuthEnvelopedDataParser;
import org.bouncycastle.cms.CMSCompressedDataParser;
import org.bouncycastle.cms.CMSEnvelopedDataParser;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataParser;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.CMSTypedStream;
import org.bouncycastle.cms.KeyAgreeRecipientId;
import org.bouncycastle.cms.KeyTransRecipientId;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientId;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.RecipientInformationStore;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerId;
import org.bouncycastle.cms.SignerInformationStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipient;
import org.bouncycastle.cms.jcajce.ZlibExpanderProvider;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Opens an S/MIME message layer by layer (enveloped or auth-enveloped, compressed, multipart/signed or
 * opaque signed, in any order) until the payload, streaming each layer into the next. Decryption uses the
 * private certificate that the message names as a recipient; a signature is checked against the certificate
 * that matches its signer before anything of the content is released. Both are asked of a
 * {@link CertificateLookup} by the names the message gives, as the decoder meets them.
 */
public final class SmimeDecoder {
    private static final int MAX_LAYERS = 8;
    private static final Map<ASN1ObjectIdentifier, String> DIGESTS = Map.of(
            OIWObjectIdentifiers.idSHA1, "sha-1",
            NISTObjectIdentifiers.id_sha256, "sha-256",
            NISTObjectIdentifiers.id_sha384, "sha-384",
            NISTObjectIdentifiers.id_sha512, "sha-512");

    /** Digest calculators make a fresh digest per use, so one provider serves every thread. */
    private static final org.bouncycastle.operator.DigestCalculatorProvider DIGEST_CALCULATORS = digests();

    private static org.bouncycastle.operator.DigestCalculatorProvider digests() {
        try {
            return new JcaDigestCalculatorProviderBuilder().build();
        } catch (OperatorCreationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A private certificate of the account that may be a recipient. */
    public record PrivateCertificate(String name, X509Certificate certificate, BoundKey key) {
    }

    /** A certificate that may have signed the message. */
    public record KnownCertificate(String name, X509Certificate certificate) {
    }

    /**
     * How a message names a recipient's or a signer's certificate: by issuer and serial number, or by subject
     * key identifier (the other fields null), in the forms {@link CertificateDetails} writes them.
     */
    public record CertificateId(String issuer, String serialNumber, String subjectKeyIdentifier) {

        static CertificateId of(X500Name issuer, BigInteger serialNumber, byte[] subjectKeyIdentifier) {
            if (issuer != null && serialNumber != null) {
                X500Principal principal;
                try {
                    principal = new X500Principal(issuer.getEncoded());
                } catch (IOException e) {
                    throw new IllegalArgumentException("the issuer's name cannot be encoded", e);
                }
                return new CertificateId(CertificateDetails.name(principal),
                        CertificateDetails.serialNumber(serialNumber), null);
            }
            if (subjectKeyIdentifier != null) {
                return new CertificateId(null, null, HexFormat.of().withUpperCase().formatHex(subjectKeyIdentifier));
            }
            return null;
        }
    }

    /**
     * Finds the certificates a message names as they are met, so that only those are loaded and parsed; the
     * decoder checks each one it is given against the name before it uses it.
     */
    public interface CertificateLookup {
        /** Private certificates that may be this recipient. */
        List<PrivateCertificate> recipients(CertificateId id);

        /** Certificates that may be this signer. */
        List<KnownCertificate> signers(CertificateId id);

        /** A lookup that offers all these certificates for every name (for a few certificates, as in tests). */
        static CertificateLookup of(List<PrivateCertificate> privateCertificates, List<KnownCertificate> known) {
            return new CertificateLookup() {
                @Override
                public List<PrivateCertificate> recipients(CertificateId id) {
                    return privateCertificates;
                }

                @Override
                public List<KnownCertificate> signers(CertificateId id) {
                    return known;
                }
            };
        }
    }

    /** Checks a certificate before it is used (validity, by policy). */
    @FunctionalInterface
    public interface CertificatePolicy {
        void check(String name, X509Certificate certificate, String use);
    }

    /**
     * The payload with its own Content-Type, and what was done to reach it. {@code signedBy},
     * {@code decryptedWith} and {@code mic} are null for a layer the message did not have.
     */
    public record Result(String contentType, Spool payload, String signedBy, String decryptedWith, String mic,
            boolean decompressed) implements AutoCloseable {
        @Override
        public void close() {
            payload.close();
        }
    }

    private final CertificateLookup certificates;
    private final CertificatePolicy policy;
    private final Supplier<Spool> spools;
    private final List<Spool> intermediate = new ArrayList<>();
    private String signedBy;
    private String decryptedWith;
    private String mic;
    private MicAlgorithm micAlgorithm;
    /** The MIC of an unsigned message: over the decrypted entity, headers included (RFC 4130 7.3.1). */
    private java.security.MessageDigest unsignedMic;
    private boolean decompressed;
    /** Whether content was decrypted with authenticated encryption, whose failures mean altered content. */
    private boolean authenticated;

    public SmimeDecoder(CertificateLookup certificates, CertificatePolicy policy, Supplier<Spool> spools) {
        this.certificates = certificates;
        this.policy = policy;
        this.spools = spools;
    }

    /**
     * Computes the MIC in this hash, the one the sender asked the receipt to carry, where it is not the
     * signature's own (null: the signature's).
     */
    public SmimeDecoder micIn(MicAlgorithm algorithm) {
        this.micAlgorithm = algorithm;
        return this;
    }

    /**
     * Decodes a message whose outermost entity has this Content-Type and (for its body) transfer encoding. The
     * whole message is read and every layer checked before this returns, so a message cut short or altered is
     * refused here, never while its payload is being answered.
     */
    public Result decode(InputStream body, String contentType, String transferEncoding) throws IOException {
        Spool payload = spools.get();
        try {
            ContentType type = MimeEntity.contentType(contentType);
            InputStream in = new BufferedInputStream(body, 64 * 1024);
            in = outerTransferEncoding(in, type, transferEncoding);
            // Each layer's stream, outermost first: read to their ends once the payload is, so that a GCM tag
            // and whatever follows an inner layer are checked too.
            List<InputStream> layers = new ArrayList<>();
            for (int layer = 0; layer < MAX_LAYERS; layer++) {
                in = new KeptOpen(in);
                layers.add(in);
                MimeEntity inner = open(in, type);
                if (inner == null) {
                    try (OutputStream out = payload.output()) {
                        byte[] buffer = new byte[64 * 1024];
                        int count;
                        while ((count = in.read(buffer)) != -1) {
                            out.write(buffer, 0, count);
                        }
                    }
                    for (int outer = layers.size() - 2; outer >= 0; outer--) {
                        layers.get(outer).transferTo(OutputStream.nullOutputStream());
                    }
                    if (signedBy == null && decryptedWith == null && !decompressed) {
                        throw MimeEntity.malformed("The message is neither signed, encrypted nor compressed: its "
                                + "Content-Type is " + type.getBaseType() + ".");
                    }
                    if (mic == null && unsignedMic != null) {
                        mic = Base64.getEncoder().encodeToString(unsignedMic.digest()) + ", " + micAlgorithm.rfcName();
                    }
                    return new Result(MimeEntity.headerValue(type), payload, signedBy, decryptedWith, mic, decompressed);
                }
                type = inner.contentType();
                in = inner.body();
            }
            throw MimeEntity.malformed("The message has more than " + MAX_LAYERS + " layers.");
        } catch (IOException | CMSException | RuntimeException e) {
            payload.close();
            throw refusal(e);
        } finally {
            intermediate.forEach(Spool::close);
        }
    }

    /**
     * What a failure met while reading the message means. BouncyCastle and the JDK report a message that is cut
     * short or altered with whatever their parsers and ciphers happen to meet (EOF, ASN.1 and CMS exceptions,
     * cipher and zlib failures, even index and cast errors on garbage), often wrapped and often only while the
     * content streams: all of it is the message's fault. Certvault's own refusals (a vault unavailable, a signer
     * unknown) keep their codes, and a failing spool disk stays a fault of the server.
     */
    private RuntimeException refusal(Exception failure) throws Spool.Failure {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertvaultException refused) {
                return refused;
            }
            if (cause instanceof Spool.Failure spool) {
                throw spool;
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AEADBadTagException || (authenticated && (cause instanceof BadPaddingException
                    || cause instanceof InvalidCipherTextException))) {
                return new CertvaultException(ErrorCode.INTEGRITY_CHECK_FAILED, "The encrypted content's "
                        + "authentication tag does not verify: the message was altered or cut short.", failure);
            }
            if (cause instanceof BadPaddingException || cause instanceof IllegalBlockSizeException
                    || cause instanceof InvalidCipherTextException) {
                return new CertvaultException(ErrorCode.DECRYPTION_FAILED, "The encrypted content cannot be "
                        + "decrypted: the message was altered or cut short.", failure);
            }
            if (cause instanceof ZipException || cause instanceof DataFormatException) {
                boolean checksum = String.valueOf(cause.getMessage()).contains("data check");
                return new CertvaultException(checksum ? ErrorCode.INTEGRITY_CHECK_FAILED
                        : ErrorCode.MALFORMED_MESSAGE, "The compressed content is corrupt ("
                        + cause.getMessage() + "): the message was altered.", failure);
            }
            if (cause instanceof EOFException) {
                return new CertvaultException(ErrorCode.MALFORMED_MESSAGE, "The message ends inside its own "
                        + "structure: it was cut short.", failure);
            }
        }
        String detail = failure instanceof IOException || failure instanceof CMSException
                || failure instanceof IllegalArgumentException ? ": " + failure.getMessage() : ".";
        return new CertvaultException(ErrorCode.MALFORMED_MESSAGE, "The message is not well-formed S/MIME or CMS"
                + detail, failure);
    }

    /** Opens one security layer; null when the entity is the payload. */
    private MimeEntity open(InputStream in, ContentType type) throws IOException, CMSException {
        String base = type.getBaseType().toLowerCase(Locale.ROOT);
        if (base.equals("multipart/signed")) {
            return verifyDetached(in, type);
        }
        if (!base.equals("application/pkcs7-mime") && !base.equals("application/x-pkcs7-mime")) {
            return null;
        }
        String smimeType = MimeEntity.smimeType(type);
        if (smimeType == null || smimeType.equals("enveloped-data")) {
            return MimeEntity.read(decryptEnveloped(new CMSEnvelopedDataParser(in)));
        }
        switch (smimeType) {
            case "authenveloped-data":
                return MimeEntity.read(decryptAuthEnveloped(new CMSAuthEnvelopedDataParser(in)));
            case "compressed-data":
                decompressed = true;
                return MimeEntity.read(new CMSCompressedDataParser(in).getContent(new ZlibExpanderProvider())
                        .getContentStream());
            case "signed-data":
                return verifyEncapsulated(in);
            default:
                throw MimeEntity.malformed("smime-type '" + smimeType + "' is not one Certvault opens.");
        }
    }

    private InputStream decryptEnveloped(CMSEnvelopedDataParser parser) throws CMSException, IOException {
        ContentEncryption.of(parser.getContentEncryptionAlgorithm().getAlgorithm());
        return decrypt(parser.getRecipientInfos(), false);
    }

    private InputStream decryptAuthEnveloped(CMSAuthEnvelopedDataParser parser) throws CMSException, IOException {
        ContentEncryption.of(parser.getEncryptionAlgOID().getAlgorithm());
        return decrypt(parser.getRecipientInfos(), true);
    }

    private InputStream decrypt(RecipientInformationStore recipients, boolean authenticated)
            throws CMSException, IOException {
        for (RecipientInformation recipient : recipients.getRecipients()) {
            RecipientId id = recipient.getRID();
            CertificateId named = certificateId(id);
            if (named == null) {
                continue; // a password or key-encryption-key recipient: never one of the account's certificates
            }
            for (PrivateCertificate candidate : certificates.recipients(named)) {
                X509Certificate certificate = candidate.certificate();
                if (!id.match(holder(certificate))) {
                    continue;
                }
                Recipient vaultRecipient;
                if (id instanceof KeyTransRecipientId) {
                    vaultRecipient = authenticated
                            ? VaultRecipients.authEnveloped(candidate.key())
                            : VaultRecipients.enveloped(candidate.key());
                    if (authenticated) {
                        // The JDK's AES-GCM holds all ciphertext until the tag; BouncyCastle's streams. (For CBC the
                        // JDK's AES, with AES-NI, is several times faster.)
                        ((JceKeyTransRecipient) vaultRecipient).setContentProvider(BouncyCastle.PROVIDER);
                    }
                } else {
                    vaultRecipient = VaultRecipients.keyAgree(candidate.key(), certificate, authenticated);
                }
                policy.check(candidate.name(), certificate, "decrypt");
                decryptedWith = candidate.name();
                this.authenticated |= authenticated;
                InputStream content = recipient.getContentStream(vaultRecipient).getContentStream();
                if (micAlgorithm != null && unsignedMic == null) {
                    // Used only if no signature inside gives the MIC.
                    unsignedMic = digest(micAlgorithm);
                    content = new java.security.DigestInputStream(content, unsignedMic);
                }
                return content;
            }
        }
        List<String> named = new ArrayList<>();
        for (RecipientInformation recipient : recipients.getRecipients()) {
            named.add(describe(recipient.getRID()));
        }
        throw new CertvaultException(ErrorCode.NO_MATCHING_RECIPIENT, "None of the integration account's private "
                + "certificates is a recipient of the message; it is encrypted to " + String.join("; ", named) + ".");
    }

    private MimeEntity verifyDetached(InputStream in, ContentType type) throws IOException, CMSException {
        Spool content = spool();
        byte[] signature;
        try (OutputStream out = content.output()) {
            signature = MultipartSigned.split(in, type.getParameter("boundary"), out);
        }
        CMSSignedDataParser parser = new CMSSignedDataParser(DIGEST_CALCULATORS, new CMSTypedStream(content.input()), signature);
        parser.getSignedContent().drain();
        verify(parser.getSignerInfos());
        micOver(content);
        return MimeEntity.read(content.input());
    }

    private MimeEntity verifyEncapsulated(InputStream in) throws IOException, CMSException {
        CMSSignedDataParser parser = new CMSSignedDataParser(DIGEST_CALCULATORS, in);
        CMSTypedStream signed = parser.getSignedContent();
        if (signed == null) {
            throw MimeEntity.malformed("The signed-data carries no content.");
        }
        Spool content = spool();
        try (OutputStream out = content.output()) {
            signed.getContentStream().transferTo(out);
        }
        verify(parser.getSignerInfos());
        micOver(content);
        return MimeEntity.read(content.input());
    }

    /** The MIC in the hash asked for, over the signed entity, when that is not the signature's hash. */
    private void micOver(Spool content) throws IOException {
        if (micAlgorithm == null || mic.endsWith(", " + micAlgorithm.rfcName())) {
            return;
        }
        try (InputStream in = content.input()) {
            java.security.MessageDigest digest = digest(micAlgorithm);
            byte[] buffer = new byte[64 * 1024];
            int count;
            while ((count = in.read(buffer)) != -1) {
                digest.update(buffer, 0, count);
            }
            mic = Base64.getEncoder().encodeToString(digest.digest()) + ", " + micAlgorithm.rfcName();
        }
    }

    private static java.security.MessageDigest digest(MicAlgorithm algorithm) {
        try {
            return java.security.MessageDigest.getInstance(algorithm.jcaName());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm.jcaName() + " is part of every Java platform", e);
        }
    }

    private void verify(SignerInformationStore signers) {
        if (signers.size() == 0) {
            throw new CertvaultException(ErrorCode.SIGNATURE_INVALID, "The message's signature has no signer.");
        }
        for (SignerInformation signer : signers.getSigners()) {
            String micalg = DIGESTS.get(signer.getDigestAlgorithmID().getAlgorithm());
            if (micalg == null) {
                throw new CertvaultException(ErrorCode.ALGORITHM_NOT_ALLOWED, "The message is signed with digest "
                        + signer.getDigestAlgOID() + ", which is not allowed: accepted are SHA-1 and SHA-2.");
            }
            SignerId id = signer.getSID();
            CertificateId named = CertificateId.of(id.getIssuer(), id.getSerialNumber(), id.getSubjectKeyIdentifier());
            List<KnownCertificate> candidates = named == null ? List.of() : certificates.signers(named);
            KnownCertificate known = candidates.stream().filter(k -> id.match(holder(k.certificate())))
                    .findFirst().orElseThrow(() -> new CertvaultException(ErrorCode.SIGNER_UNKNOWN, "The message is "
                            + "signed by " + describe(id) + ", which is not "
                            + (candidates.size() == 1 ? "certificate '" + candidates.get(0).name() + "'"
                                    : "a certificate of the integration account") + "."));
            policy.check(known.name(), known.certificate(), "verify");
            boolean valid;
            try {
                var verifier = new JcaSimpleSignerInfoVerifierBuilder();
                if (org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_RSASSA_PSS.getId().equals(
                        signer.getEncryptionAlgOID())) {
                    // The JDK verifies PSS only under its generic name, which CMS does not use.
                    verifier.setProvider(BouncyCastle.PROVIDER);
                }
                valid = signer.verify(verifier.build(known.certificate()));
            } catch (CMSSignerDigestMismatchException e) {
                valid = false;
            } catch (CMSException | OperatorCreationException e) {
                throw new CertvaultException(ErrorCode.SIGNATURE_INVALID, "The signature by certificate '"
                        + known.name() + "' cannot be checked: " + e.getMessage());
            }
            if (!valid) {
                throw new CertvaultException(ErrorCode.SIGNATURE_INVALID, "The signature by certificate '" + known.name()
                        + "' does not match the content: the message was altered, or signed with another key.");
            }
            signedBy = known.name();
            mic = Base64.getEncoder().encodeToString(signer.getContentDigest()) + ", " + micalg;
        }
    }

    private Spool spool() {
        Spool spool = spools.get();
        intermediate.add(spool);
        return spool;
    }

    /** A body without a transfer encoding of its own is DER when it starts as one, else base64. */
    private static InputStream outerTransferEncoding(InputStream in, ContentType type, String transferEncoding)
            throws IOException {
        String encoding = transferEncoding == null ? null : transferEncoding.toLowerCase(Locale.ROOT).trim();
        if ("base64".equals(encoding)) {
            return new Base64Lines(in);
        }
        if (encoding == null && type.getBaseType().toLowerCase(Locale.ROOT).endsWith("pkcs7-mime")) {
            in.mark(1);
            int first = in.read();
            in.reset();
            if (first != 0x30) {
                return new Base64Lines(in);
            }
        }
        return in;
    }

    /**
     * A layer's stream, which the decoder reads to its end: parsers that close what they have read to its end
     * (SequenceInputStream does) must not close it before.
     */
    private static final class KeptOpen extends FilterInputStream {
        KeptOpen(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the decoder's caller owns the message's stream; inner layers' streams end with it
        }
    }

    /** The certificate as BouncyCastle matches recipient and signer names against it; null matches none. */
    private static X509CertificateHolder holder(X509Certificate certificate) {
        try {
            return new X509CertificateHolder(certificate.getEncoded());
        } catch (CertificateEncodingException | IOException e) {
            return null;
        }
    }

    private static CertificateId certificateId(RecipientId id) {
        if (id instanceof KeyTransRecipientId kt) {
            return CertificateId.of(kt.getIssuer(), kt.getSerialNumber(), kt.getSubjectKeyIdentifier());
        }
        if (id instanceof KeyAgreeRecipientId ka) {
            return CertificateId.of(ka.getIssuer(), ka.getSerialNumber(), ka.getSubjectKeyIdentifier());
        }
        return null;
    }

    private static String describe(Object id) {
        if (id instanceof KeyTransRecipientId kt && kt.getIssuer() != null) {
            return "issuer '" + kt.getIssuer() + "' serial " + kt.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
        }
        if (id instanceof KeyAgreeRecipientId ka && ka.getIssuer() != null) {
            return "issuer '" + ka.getIssuer() + "' serial " + ka.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
        }
        if (id instanceof SignerId sid && sid.getIssuer() != null) {
            return "issuer '" + sid.getIssuer() + "' serial " + sid.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
        }
        return "a certificate identified by its key identifier";
    }
}
