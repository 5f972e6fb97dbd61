package io.certvault.application;

import io.certvault.audit.AuditTarget;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateRepository;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.IntegrationAccountRepository;
import io.certvault.domain.ResourceName;
import io.certvault.messaging.ContentEncryption;
import io.certvault.messaging.MicAlgorithm;
import io.certvault.messaging.SigningAlgorithm;
import io.certvault.messaging.SmimeDecoder;
import io.certvault.messaging.SmimeEncoder;
import io.certvault.messaging.Spool;
import io.certvault.pki.CertificateParser;
import io.certvault.security.Caller;
import io.certvault.security.Permission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Secures B2B messages with an integration account's certificates: encode (sign, encrypt, compress) for
 * sending, decode (decrypt, decompress, verify) on receipt. Keys stay in their vaults.
 */
@ApplicationScoped
public class MessageSecurityService {
    private static final Pattern HEADER_VALUE = Pattern.compile("[\\x20-\\x7E\\t]{1,1000}");

    private IntegrationAccountRepository accounts;
    private CertificateRepository certificates;
    private CertificateKeys keys;
    private MessageSettings settings;
    private Guard guard;

    protected MessageSecurityService() {
        // for CDI proxies
    }

    @Inject
    public MessageSecurityService(IntegrationAccountRepository accounts, CertificateRepository certificates,
            CertificateKeys keys, MessageSettings settings, Guard guard) {
        this.accounts = accounts;
        this.certificates = certificates;
        this.keys = keys;
        this.settings = settings;
        this.guard = guard;
    }

    /**
     * What to do to an outbound message; names are certificates of the account. {@code micAlgorithm} is the hash
     * the receiver is asked to return the MIC in (null: the signature's).
     */
    public record EncodeOptions(String signingCertificateName, String signingAlgorithm,
            String encryptionCertificateName, String encryptionAlgorithm, boolean compress,
            MicAlgorithm micAlgorithm) {
        public EncodeOptions(String signingCertificateName, String signingAlgorithm,
                String encryptionCertificateName, String encryptionAlgorithm, boolean compress) {
            this(signingCertificateName, signingAlgorithm, encryptionCertificateName, encryptionAlgorithm, compress,
                    null);
        }

        boolean nothing() {
            return signingCertificateName == null && encryptionCertificateName == null && !compress;
        }
    }

    /** An encoded message: its Content-Type, its AS2 MIC, and its body to send. Close it when sent. */
    public record Encoded(String contentType, String mic, Spool body) implements AutoCloseable {
        @Override
        public void close() {
            body.close();
        }
    }

    public Encoded encode(String accountName, InputStream payload, String payloadContentType, EncodeOptions options)
            throws IOException {
        Caller caller = requireAccount(accountName, "messages/encode");
        if (options.nothing()) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "Say what to do: signingCertificateName, "
                    + "encryptionCertificateName and/or compressMessage=true.");
        }
        return encode(caller, accountName, payload, payloadContentType, options);
    }

    /**
     * Encodes for a caller already allowed to; with nothing to do (an AS2 agreement that neither signs, encrypts
     * nor compresses) the payload goes as it is, without a MIC.
     */
    Encoded encode(Caller caller, String accountName, InputStream payload, String payloadContentType,
            EncodeOptions options) throws IOException {
        String contentType = payloadContentType == null || payloadContentType.isBlank() ? "application/octet-stream"
                : payloadContentType.trim();
        if (!HEADER_VALUE.matcher(contentType).matches()) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "The payload's Content-Type is not a valid header.");
        }
        if (options.nothing()) {
            Spool body = spool();
            try (OutputStream out = body.output()) {
                payload.transferTo(out);
            } catch (IOException | RuntimeException e) {
                body.close();
                throw e;
            }
            return new Encoded(contentType, null, body);
        }
        SigningAlgorithm signingAlgorithm = options.signingCertificateName() == null ? null
                : SigningAlgorithm.parse(options.signingAlgorithm());
        ContentEncryption contentEncryption = options.encryptionCertificateName() == null ? null
                : ContentEncryption.parse(options.encryptionAlgorithm());
        Named named = named(accountName, options);
        SmimeEncoder.Signing signing = null;
        if (named.signing() != null) {
            Certificate certificate = named.signing();
            if (!certificate.isPrivate()) {
                throw new CertvaultException(ErrorCode.CERTIFICATE_NOT_PRIVATE, "Certificate '" + certificate.name()
                        + "' is a public certificate: signing needs a private certificate, whose key is in a vault.");
            }
            X509Certificate x509 = usable(certificate, "sign");
            signing = new SmimeEncoder.Signing(x509, keys.bind(caller, certificate, x509), signingAlgorithm,
                    certificate.chain().stream().map(CertificateParser::parse).toList());
        }
        SmimeEncoder.Encryption encryption = null;
        if (named.encryption() != null) {
            encryption = new SmimeEncoder.Encryption(usable(named.encryption(), "encrypt"), contentEncryption);
        }
        // An enveloped message is ciphertext already: its spool needs no second encryption.
        Spool body = new Spool(settings.spoolDirectory(), settings.memoryThreshold(), encryption == null);
        try (OutputStream out = body.output()) {
            SmimeEncoder.Result result = SmimeEncoder.encode(payload, contentType, signing, encryption,
                    options.compress(), options.micAlgorithm(), out);
            return new Encoded(result.contentType(), result.mic(), body);
        } catch (IOException | RuntimeException e) {
            body.close();
            throw e;
        }
    }

    /**
     * Opens a received message. Decrypts with whichever private certificate of the account is a recipient,
     * and checks a signature against {@code verificationCertificateName} or, when null, any certificate of
     * the account that matches the signer. The result must be closed.
     */
    public SmimeDecoder.Result decode(String accountName, InputStream body, String contentType, String transferEncoding,
            String verificationCertificateName) throws IOException {
        return decode(requireAccount(accountName, "messages/decode"), accountName, body, contentType,
                transferEncoding, verificationCertificateName, null);
    }

    /** Decodes for a caller already allowed to, with the MIC in the hash asked for (null: the signature's). */
    SmimeDecoder.Result decode(Caller caller, String accountName, InputStream body, String contentType,
            String transferEncoding, String verificationCertificateName, MicAlgorithm micAlgorithm)
            throws IOException {
        if (contentType == null || contentType.isBlank()) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "The message's Content-Type is required.");
        }
        List<Certificate> verification = verificationCertificateName == null ? null
                : CertificateRollover.accepted(certificates, certificate(accountName, verificationCertificateName));
        return new SmimeDecoder(new AccountCertificates(caller, accountName, verification), this::checkValidity,
                this::spool).micIn(micAlgorithm).decode(body, contentType, transferEncoding);
    }

    /**
     * The candidates for the recipients and signers a received message names, found through the account's
     * index (issuer and serial number, or subject key identifier), so that only those are loaded and parsed.
     * A signer is checked against {@code verification} alone when the caller named it.
     */
    private final class AccountCertificates implements SmimeDecoder.CertificateLookup {
        private final Caller caller;
        private final String accountName;
        private final List<Certificate> verification;

        AccountCertificates(Caller caller, String accountName, List<Certificate> verification) {
            this.caller = caller;
            this.accountName = accountName;
            this.verification = verification;
        }

        @Override
        public List<SmimeDecoder.PrivateCertificate> recipients(SmimeDecoder.CertificateId id) {
            List<SmimeDecoder.PrivateCertificate> privates = new ArrayList<>();
            for (Certificate certificate : named(id)) {
                if (certificate.isPrivate() && keys.vaultConfigured(certificate.key())) {
                    X509Certificate x509 = CertificateParser.parse(certificate.der());
                    privates.add(new SmimeDecoder.PrivateCertificate(certificate.name(), x509,
                            keys.bind(caller, certificate, x509)));
                }
            }
            return privates;
        }

        @Override
        public List<SmimeDecoder.KnownCertificate> signers(SmimeDecoder.CertificateId id) {
            List<Certificate> candidates = verification != null ? verification : named(id);
            return candidates.stream().map(c -> new SmimeDecoder.KnownCertificate(c.name(),
                    CertificateParser.parse(c.der()))).toList();
        }

        private List<Certificate> named(SmimeDecoder.CertificateId id) {
            return id.subjectKeyIdentifier() != null
                    ? certificates.findBySubjectKeyIdentifier(accountName, id.subjectKeyIdentifier())
                    : certificates.findByIssuerAndSerialNumber(accountName, id.issuer(), id.serialNumber());
        }
    }

    /** The certificates an encode sends with (null where it does not sign or does not encrypt). */
    private record Named(Certificate signing, Certificate encryption) {
    }

    /**
     * The certificates the options name, each as it sends now ({@link #sendingWith}), read in one transaction
     * rather than one per lookup.
     */
    private Named named(String accountName, EncodeOptions options) {
        return guard.atomically(() -> new Named(
                options.signingCertificateName() == null ? null
                        : sendingWith(certificate(accountName, options.signingCertificateName())),
                options.encryptionCertificateName() == null ? null
                        : sendingWith(certificate(accountName, options.encryptionCertificateName()))));
    }

    /**
     * The certificate to send with in place of the one named: its successor once that has taken over
     * ({@link CertificateRollover}), wherever the name comes from (an agreement, or the caller).
     */
    private Certificate sendingWith(Certificate named) {
        return CertificateRollover.effective(certificates, named, java.time.Instant.now());
    }

    Spool spool() {
        return new Spool(settings.spoolDirectory(), settings.memoryThreshold());
    }

    private Certificate certificate(String accountName, String name) {
        ResourceName.require("certificate", name);
        return certificates.find(accountName, name).orElseThrow(() -> new CertvaultException(
                ErrorCode.CERTIFICATE_NOT_FOUND, "Integration account '" + accountName + "' has no certificate '" + name
                        + "'."));
    }

    private X509Certificate usable(Certificate certificate, String use) {
        X509Certificate x509 = CertificateParser.parse(certificate.der());
        checkValidity(certificate.name(), x509, use);
        return x509;
    }

    /** Refuses a certificate outside its validity period, unless the policy allows it. */
    private void checkValidity(String name, X509Certificate certificate, String use) {
        if (settings.allowExpiredCertificates()) {
            return;
        }
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new CertvaultException(ErrorCode.CERTIFICATE_EXPIRED, "Certificate '" + name + "' cannot " + use
                    + ": it is valid from " + certificate.getNotBefore().toInstant() + " to "
                    + certificate.getNotAfter().toInstant() + " (set certvault.messages.allow-expired-certificates=true "
                    + "to allow it).");
        }
    }

    void requireAccountExists(String accountName) {
        IntegrationAccountService.requireExisting(accounts, accountName);
    }

    /** Message security uses the account's keys, so it needs the signer role there (refusals recorded). */
    Caller requireAccount(String accountName, String operation) {
        ResourceName.require("integration account", accountName);
        Caller caller = guard.require(operation, Permission.USE_KEYS, AuditTarget.account(accountName));
        IntegrationAccountService.requireExisting(accounts, accountName);
        return caller;
    }
}
