package io.certvault.testing;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A certification authority for tests, made with BouncyCastle: issues CA and end-entity certificates (optionally
 * naming a CRL distribution point and an OCSP responder), revokes them, and answers with CRLs and OCSP responses
 * as a real CA's would be shaped.
 */
public final class TestCa {
    private final KeyPair keys = TestCertificates.rsa(2048);
    private final X509Certificate certificate;
    private final TestCa parent;
    private final Map<BigInteger, Instant> revoked = new LinkedHashMap<>();
    private long serial = 1000;

    private TestCa(String name, TestCa parent) {
        this.parent = parent;
        this.certificate = parent == null ? issue(name, keys, true, null, null)
                : parent.issue(name, keys, true, null, null);
    }

    public static TestCa root(String name) {
        return new TestCa(name, null);
    }

    /** An intermediate CA issued by this one. */
    public TestCa intermediate(String name) {
        return new TestCa(name, this);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public KeyPair keys() {
        return keys;
    }

    /** An end-entity certificate for the key, naming the CRL and OCSP locations given (null: none). */
    public X509Certificate issue(String commonName, KeyPair subject, String crlUrl, String ocspUrl) {
        return issue(commonName, subject, false, crlUrl, ocspUrl);
    }

    private X509Certificate issue(String commonName, KeyPair subject, boolean ca, String crlUrl, String ocspUrl) {
        try {
            Instant now = Instant.now();
            X500Name name = new X500Name("O=Certvault Tests,CN=" + commonName);
            X500Name issuer = certificate == null ? name
                    : X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
            var builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial++),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), name,
                    subject.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    utils.createSubjectKeyIdentifier(subject.getPublic()));
            if (certificate != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        utils.createAuthorityKeyIdentifier(certificate));
            }
            if (crlUrl != null) {
                GeneralNames names = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl));
                builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(
                        new DistributionPoint[] {new DistributionPoint(new DistributionPointName(names), null, null)}));
            }
            if (ocspUrl != null) {
                builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                        AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl)));
            }
            KeyPair signer = certificate == null ? subject : keys;
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public void revoke(X509Certificate issued) {
        revoked.put(issued.getSerialNumber(), Instant.now().minusSeconds(60));
    }

    /** The CRL as of now, valid for a day. */
    public X509CRL crl() {
        try {
            Instant now = Instant.now();
            var builder = new X509v2CRLBuilder(new JcaX509CertificateHolder(certificate).getSubject(),
                    Date.from(now.minusSeconds(120)));
            builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
            revoked.forEach((serialNumber, time) -> builder.addCRLEntry(serialNumber, Date.from(time),
                    CRLReason.keyCompromise));
            return new JcaX509CRLConverter().getCRL(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The answer to an OCSP request for certificates this CA issued, signed by the CA itself. */
    public byte[] ocsp(byte[] request) {
        try {
            OCSPReq ocspRequest = new OCSPReq(request);
            var digests = new JcaDigestCalculatorProviderBuilder().build();
            var builder = new BasicOCSPRespBuilder(new RespID(new JcaX509CertificateHolder(certificate).getSubject()));
            Instant now = Instant.now();
            for (Req one : ocspRequest.getRequestList()) {
                CertificateID id = one.getCertID();
                CertificateStatus status;
                if (!id.matchesIssuer(new X509CertificateHolder(certificate.getEncoded()), digests)) {
                    status = new UnknownStatus();
                } else if (revoked.containsKey(id.getSerialNumber())) {
                    status = new RevokedStatus(Date.from(revoked.get(id.getSerialNumber())), CRLReason.keyCompromise);
                } else {
                    status = CertificateStatus.GOOD;
                }
                builder.addResponse(id, status, Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)));
            }
            var nonce = ocspRequest.getExtension(org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (nonce != null) {
                builder.setResponseExtensions(new org.bouncycastle.asn1.x509.Extensions(nonce));
            }
            var basic = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()),
                    new X509CertificateHolder[] {new X509CertificateHolder(certificate.getEncoded())}, Date.from(now));
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public TestCa parent() {
        return parent;
    }
}
