package io.certvault.application;

import io.certvault.audit.AuditTarget;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateCrlRepository;
import io.certvault.domain.CertificateRepository;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.ResourceName;
import io.certvault.pki.CertificateParser;
import io.certvault.pki.CertificateValidation;
import io.certvault.pki.RevocationChecker;
import io.certvault.security.Permission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Validation of an account's certificates against its trust anchors ({@link CertificateValidation}), the CRLs
 * uploaded for its CA certificates, and the revocation checks agreements ask for when messages are sent and
 * received.
 */
@ApplicationScoped
public class CertificateValidationService {
    private CertificateService certificates;
    private CertificateRepository repository;
    private CertificateCrlRepository crls;
    private RevocationChecker revocation;
    private TrustSettings settings;
    private Guard guard;
    private Clock clock;

    protected CertificateValidationService() {
        // for CDI proxies
    }

    @Inject
    public CertificateValidationService(CertificateService certificates, CertificateRepository repository,
            CertificateCrlRepository crls, RevocationChecker revocation, TrustSettings settings, Guard guard) {
        this.certificates = certificates;
        this.repository = repository;
        this.crls = crls;
        this.revocation = revocation;
        this.settings = settings;
        this.guard = guard;
        this.clock = Clock.systemUTC();
    }

    /**
     * Validates a certificate of the account now.
     *
     * @param use {@code signing}, {@code encryption} or null (any)
     * @param revocationFailure {@code soft-fail} or {@code hard-fail}; null for the server's setting
     */
    public CertificateValidation.Result validate(String accountName, String name, String use,
            String revocationFailure) {
        Certificate certificate = certificates.get(accountName, name);
        CertificateValidation.Use intended;
        CertificateValidation.RevocationFailure failure;
        try {
            intended = CertificateValidation.Use.parse(use);
            failure = revocationFailure == null || revocationFailure.isBlank() ? settings.revocationFailure()
                    : CertificateValidation.RevocationFailure.parse(revocationFailure);
        } catch (IllegalArgumentException e) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "The " + e.getMessage() + ".");
        }
        return CertificateValidation.validate(CertificateParser.parse(certificate.der()), chain(certificate),
                intended, clock.instant(), context(accountName, failure));
    }

    /**
     * Refuses a certificate a message uses when it is revoked, or when its revocation is unknown and the server
     * takes that as a failure. For callers already allowed to use the account's certificates.
     *
     * @param use how the message uses it ("sign", "encrypt", "verify"), for the error's words
     */
    void requireNotRevoked(String accountName, Certificate certificate, String use) {
        var result = CertificateValidation.revocationOnly(CertificateParser.parse(certificate.der()),
                chain(certificate), context(accountName, settings.revocationFailure()));
        result.failed().ifPresent(check -> {
            throw new CertvaultException("CertificateRevoked".equals(check.code()) ? ErrorCode.CERTIFICATE_REVOKED
                    : ErrorCode.REVOCATION_UNKNOWN, "Certificate '" + certificate.name() + "' cannot " + use + ": "
                    + check.reason());
        });
    }

    /** The certificate a name stands for when sending now (see {@link CertificateRollover}). */
    String sendingWith(String accountName, String name) {
        return CertificateRollover.effective(repository, accountName, name, clock.instant());
    }

    /** A certificate of the account by name, for callers already allowed to use them. */
    Certificate find(String accountName, String name) {
        return repository.find(accountName, name).orElseThrow(() -> new CertvaultException(
                ErrorCode.CERTIFICATE_NOT_FOUND, "Integration account '" + accountName + "' has no certificate '"
                        + name + "'."));
    }

    /** Stores the CRL that the account's CA certificate {@code name} issued, replacing any before it. */
    public CertificateCrlRepository.StoredCrl putCrl(String accountName, String name, byte[] content) {
        return guard.change("certificates/crl/write", Permission.WRITE, AuditTarget.certificate(accountName, name),
                () -> {
                    ResourceName.require("certificate", name);
                    Certificate issuer = find(accountName, name);
                    X509CRL crl;
                    try {
                        crl = RevocationChecker.readCrl(content, CertificateParser.parse(issuer.der()));
                    } catch (IllegalArgumentException e) {
                        throw new CertvaultException(ErrorCode.INVALID_CRL, "The CRL cannot be used for certificate '"
                                + name + "': " + e.getMessage() + ".");
                    }
                    try {
                        var stored = new CertificateCrlRepository.StoredCrl(crl.getEncoded(),
                                crl.getThisUpdate().toInstant(),
                                crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant(), clock.instant());
                        crls.save(issuer.id(), stored);
                        return stored;
                    } catch (CRLException e) {
                        throw new IllegalStateException("a parsed CRL has no encoding", e);
                    }
                });
    }

    public Optional<CertificateCrlRepository.StoredCrl> crl(String accountName, String name) {
        return crls.find(certificates.get(accountName, name).id());
    }

    public boolean deleteCrl(String accountName, String name) {
        return guard.change("certificates/crl/delete", Permission.WRITE, AuditTarget.certificate(accountName, name),
                () -> crls.delete(find(accountName, name).id()));
    }

    /** What the revocation of a CRL's entries says, for showing: the revoked serial numbers, in hex. */
    public static List<String> revokedSerials(byte[] crlDer) {
        try {
            X509CRL crl = (X509CRL) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCRL(new java.io.ByteArrayInputStream(crlDer));
            return crl.getRevokedCertificates() == null ? List.of() : crl.getRevokedCertificates().stream()
                    .map(e -> e.getSerialNumber().toString(16)).sorted().toList();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("A stored CRL does not parse", e);
        }
    }

    private static List<X509Certificate> chain(Certificate certificate) {
        return certificate.chain().stream().map(CertificateParser::parse).toList();
    }

    /** The account's anchors, its other certificates (and their chains) as intermediates, and its uploaded CRLs. */
    private CertificateValidation.Context context(String accountName, CertificateValidation.RevocationFailure failure) {
        List<X509Certificate> anchors = new ArrayList<>();
        List<X509Certificate> others = new ArrayList<>();
        Map<X509Certificate, String> ids = new java.util.HashMap<>();
        for (Certificate one : repository.findByAccount(accountName)) {
            X509Certificate x509 = CertificateParser.parse(one.der());
            ids.putIfAbsent(x509, one.id());
            (one.trustAnchor() ? anchors : others).add(x509);
            others.addAll(chain(one));
        }
        return new CertificateValidation.Context(anchors, others.stream().distinct().collect(Collectors.toList()),
                issuer -> Optional.ofNullable(ids.get(issuer)).flatMap(crls::find).map(stored -> {
                    try {
                        return RevocationChecker.readCrl(stored.der(), issuer);
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                }), revocation, failure, true);
    }
}
