package io.certvault.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Whether a certificate is revoked, asked of the sources it names: its OCSP responder (authority information
 * access) first, then a CRL, uploaded for its issuer or fetched from its distribution point. Every answer is
 * verified against the issuer's key (or an OCSP responder the issuer delegated to) and must be current. Answers
 * are kept until their next update (at most an hour), so that a busy server does not ask for every message.
 */
public final class RevocationChecker {
    private static final Duration MAX_CACHE = Duration.ofHours(1);
    private static final Duration OCSP_DEFAULT_LIFE = Duration.ofMinutes(5);
    /** Clocks of responders and of this server differ a little. */
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final int CACHE_SIZE = 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How the sources are reached: HTTP here, in-process in tests. */
    public interface Fetcher {
        byte[] get(URI uri) throws IOException;

        byte[] post(URI uri, String contentType, byte[] body) throws IOException;
    }

    public enum State {
        /** A source answered: not revoked. */
        GOOD,
        REVOKED,
        /** Sources are named but none answered usably. */
        UNKNOWN,
        /** The certificate names no source and no CRL was uploaded for its issuer. */
        NO_SOURCE
    }

    /**
     * The answer for one certificate: the state, the source that gave it (or the last that was tried), and why,
     * in words; for a revoked certificate when and for which reason.
     */
    public record Status(State state, String source, String detail, Instant revokedAt, String reason) {
        static Status good(String source) {
            return new Status(State.GOOD, source, "not revoked", null, null);
        }
    }

    private final Fetcher fetcher;
    private final Clock clock;
    private final Map<String, Cached<X509CRL>> crls = lru();
    private final Map<String, Cached<Status>> ocsp = lru();

    private record Cached<T>(T value, Instant until) {
    }

    public RevocationChecker(Fetcher fetcher, Clock clock) {
        this.fetcher = fetcher;
        this.clock = clock;
    }

    /**
     * Checks {@code certificate}, issued by {@code issuer}.
     *
     * @param uploadedCrl a CRL the account holds for the issuer, if any
     */
    public Status check(X509Certificate certificate, X509Certificate issuer, Optional<X509CRL> uploadedCrl) {
        Instant now = clock.instant();
        List<String> tried = new ArrayList<>();
        for (String url : ocspUrls(certificate)) {
            try {
                return after(tried, ocsp(certificate, issuer, url, now));
            } catch (SourceFailure e) {
                tried.add("OCSP " + url + ": " + e.getMessage());
            }
        }
        if (uploadedCrl.isPresent()) {
            try {
                return after(tried, fromCrl(certificate, issuer, uploadedCrl.get(), "uploaded CRL", now));
            } catch (SourceFailure e) {
                tried.add("uploaded CRL: " + e.getMessage());
            }
        }
        for (String url : crlUrls(certificate)) {
            try {
                return after(tried, fromCrl(certificate, issuer, crl(url, issuer, now), "CRL " + url, now));
            } catch (SourceFailure e) {
                tried.add("CRL " + url + ": " + e.getMessage());
            }
        }
        if (tried.isEmpty()) {
            return new Status(State.NO_SOURCE, null, "the certificate names no OCSP responder or CRL distribution "
                    + "point, and no CRL was uploaded for its issuer", null, null);
        }
        return new Status(State.UNKNOWN, null, String.join("; ", tried), null, null);
    }

    /** An answer from a later source, saying which sources before it gave none. */
    private static Status after(List<String> tried, Status status) {
        return tried.isEmpty() ? status : new Status(status.state(), status.source(), status.detail() + "; before it "
                + String.join("; ", tried), status.revokedAt(), status.reason());
    }

    /** Reads a CRL (DER or PEM) and checks that {@code issuer} signed it. */
    public static X509CRL readCrl(byte[] content, X509Certificate issuer) {
        X509CRL crl;
        try {
            crl = (X509CRL) CertificateFactory.getInstance("X.509")
                    .generateCRL(new ByteArrayInputStream(content));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("it is not an X.509 CRL (DER or PEM)");
        }
        if (crl == null) {
            throw new IllegalArgumentException("it is not an X.509 CRL (DER or PEM)");
        }
        if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            throw new IllegalArgumentException("it was issued by " + crl.getIssuerX500Principal().getName()
                    + ", not by " + issuer.getSubjectX500Principal().getName());
        }
        try {
            crl.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("its signature does not verify with the key of "
                    + issuer.getSubjectX500Principal().getName());
        }
        return crl;
    }

    private Status fromCrl(X509Certificate certificate, X509Certificate issuer, X509CRL crl, String source,
            Instant now) {
        if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().plus(SKEW).isBefore(now)) {
            throw new SourceFailure("it is out of date (next update was due " + crl.getNextUpdate().toInstant() + ")");
        }
        if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            throw new SourceFailure("it is not the issuer's CRL");
        }
        X509CRLEntry entry = crl.getRevokedCertificate(certificate);
        if (entry == null) {
            return Status.good(source);
        }
        String reason = entry.getRevocationReason() == null ? "unspecified" : entry.getRevocationReason().name();
        return new Status(State.REVOKED, source, "revoked on " + entry.getRevocationDate().toInstant() + " ("
                + reason + ")", entry.getRevocationDate().toInstant(), reason);
    }

    private X509CRL crl(String url, X509Certificate issuer, Instant now) {
        Cached<X509CRL> cached = crls.get(url);
        if (cached != null && cached.until().isAfter(now)) {
            return cached.value();
        }
        byte[] content;
        try {
            content = fetcher.get(URI.create(url));
        } catch (IOException | RuntimeException e) {
            throw new SourceFailure("unreachable (" + describe(e) + ")");
        }
        X509CRL crl;
        try {
            crl = readCrl(content, issuer);
        } catch (IllegalArgumentException e) {
            throw new SourceFailure("refused: " + e.getMessage());
        }
        crls.put(url, new Cached<>(crl, until(now, crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant(),
                MAX_CACHE)));
        return crl;
    }

    private Status ocsp(X509Certificate certificate, X509Certificate issuer, String url, Instant now) {
        String key = url + "|" + issuer.getSubjectX500Principal().getName() + "|" + certificate.getSerialNumber();
        Cached<Status> cached = ocsp.get(key);
        if (cached != null && cached.until().isAfter(now)) {
            return cached.value();
        }
        CertificateID id;
        byte[] request;
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        try {
            id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(issuer), certificate.getSerialNumber());
            request = new OCSPReqBuilder().addRequest(id).setRequestExtensions(new Extensions(new Extension(
                    OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(nonce)))).build().getEncoded();
        } catch (OperatorCreationException | OCSPException | GeneralSecurityException | IOException e) {
            throw new IllegalStateException("An OCSP request could not be made", e);
        }
        byte[] answer;
        try {
            answer = fetcher.post(URI.create(url), "application/ocsp-request", request);
        } catch (IOException | RuntimeException e) {
            throw new SourceFailure("unreachable (" + describe(e) + ")");
        }
        BasicOCSPResp basic;
        try {
            OCSPResp response = new OCSPResp(answer);
            if (response.getStatus() != OCSPResp.SUCCESSFUL) {
                throw new SourceFailure("it answered with status " + response.getStatus());
            }
            basic = (BasicOCSPResp) response.getResponseObject();
        } catch (IOException | OCSPException | ClassCastException e) {
            throw new SourceFailure("its answer is not an OCSP response");
        }
        if (basic == null) {
            throw new SourceFailure("its answer holds no response");
        }
        verifyResponder(basic, issuer);
        Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (echoed != null && !Arrays.equals(nonceOf(echoed), nonce)) {
            throw new SourceFailure("its answer is for another request (nonce differs)");
        }
        SingleResp single = Arrays.stream(basic.getResponses()).filter(r -> r.getCertID().equals(id)).findFirst()
                .orElseThrow(() -> new SourceFailure("its answer is not about this certificate"));
        Instant thisUpdate = single.getThisUpdate().toInstant();
        Instant nextUpdate = single.getNextUpdate() == null ? null : single.getNextUpdate().toInstant();
        if (thisUpdate.isAfter(now.plus(SKEW)) || (nextUpdate != null && nextUpdate.plus(SKEW).isBefore(now))) {
            throw new SourceFailure("its answer is not current (" + thisUpdate + " to " + nextUpdate + ")");
        }
        Status status;
        CertificateStatus answered = single.getCertStatus();
        if (answered == CertificateStatus.GOOD) {
            status = Status.good("OCSP " + url);
        } else if (answered instanceof RevokedStatus revoked) {
            String reason = revoked.hasRevocationReason() ? reasonName(revoked.getRevocationReason()) : "unspecified";
            Instant at = revoked.getRevocationTime().toInstant();
            status = new Status(State.REVOKED, "OCSP " + url, "revoked on " + at + " (" + reason + ")", at, reason);
        } else {
            throw new SourceFailure("the responder does not know the certificate");
        }
        ocsp.put(key, new Cached<>(status, until(now, nextUpdate, OCSP_DEFAULT_LIFE)));
        return status;
    }

    /** Signed by the issuer, or by a responder certificate the issuer issued for OCSP signing. */
    private static void verifyResponder(BasicOCSPResp basic, X509Certificate issuer) {
        List<X509Certificate> candidates = new ArrayList<>(List.of(issuer));
        try {
            for (X509CertificateHolder holder : basic.getCerts()) {
                X509Certificate delegated = new JcaX509CertificateConverter().getCertificate(holder);
                List<String> purposes = delegated.getExtendedKeyUsage();
                if (purposes != null && purposes.contains(KeyPurposeId.id_kp_OCSPSigning.getId())
                        && CertificateBundle.issued(issuer, delegated)) {
                    delegated.checkValidity();
                    candidates.add(delegated);
                }
            }
            for (X509Certificate candidate : candidates) {
                if (basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(candidate.getPublicKey()))) {
                    return;
                }
            }
        } catch (GeneralSecurityException | OperatorCreationException | OCSPException e) {
            throw new SourceFailure("its answer's signature could not be checked");
        }
        throw new SourceFailure("its answer is not signed by the issuer or a responder the issuer named");
    }

    private static byte[] nonceOf(Extension extension) {
        byte[] value = extension.getExtnValue().getOctets();
        try {
            return org.bouncycastle.asn1.ASN1OctetString.getInstance(value).getOctets();
        } catch (IllegalArgumentException e) {
            return value; // some responders put the nonce in without the inner OCTET STRING
        }
    }

    private static String reasonName(int code) {
        try {
            return java.security.cert.CRLReason.values()[code].name();
        } catch (ArrayIndexOutOfBoundsException e) {
            return "reason " + code;
        }
    }

    static List<String> ocspUrls(X509Certificate certificate) {
        byte[] value = certificate.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (value == null) {
            return List.of();
        }
        List<String> urls = new ArrayList<>();
        AuthorityInformationAccess access = AuthorityInformationAccess.getInstance(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(value).getOctets());
        for (AccessDescription description : access.getAccessDescriptions()) {
            if (description.getAccessMethod().equals(AccessDescription.id_ad_ocsp)) {
                httpUrl(description.getAccessLocation()).ifPresent(urls::add);
            }
        }
        return urls;
    }

    static List<String> crlUrls(X509Certificate certificate) {
        byte[] value = certificate.getExtensionValue(Extension.cRLDistributionPoints.getId());
        if (value == null) {
            return List.of();
        }
        List<String> urls = new ArrayList<>();
        CRLDistPoint points = CRLDistPoint.getInstance(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(value).getOctets());
        for (DistributionPoint point : points.getDistributionPoints()) {
            DistributionPointName name = point.getDistributionPoint();
            if (name != null && name.getType() == DistributionPointName.FULL_NAME) {
                for (GeneralName general : GeneralNames.getInstance(name.getName()).getNames()) {
                    httpUrl(general).ifPresent(urls::add);
                }
            }
        }
        return urls;
    }

    /** Only http(s) locations are followed (LDAP and others are not). */
    private static Optional<String> httpUrl(GeneralName name) {
        if (name.getTagNo() != GeneralName.uniformResourceIdentifier) {
            return Optional.empty();
        }
        String url = name.getName().toString();
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://") ? Optional.of(url) : Optional.empty();
    }

    private static Instant until(Instant now, Instant nextUpdate, Duration longest) {
        Instant bound = now.plus(longest);
        return nextUpdate == null || nextUpdate.isAfter(bound) ? bound : nextUpdate;
    }

    private static String describe(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static <T> Map<String, T> lru() {
        return Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, T> eldest) {
                return size() > CACHE_SIZE;
            }
        });
    }

    /** A source that gave no usable answer; the next one is tried. */
    private static final class SourceFailure extends RuntimeException {
        SourceFailure(String message) {
            super(message, null, false, false);
        }
    }
}
