package io.certvault.application;

import io.certvault.audit.AuditTarget;
import io.certvault.domain.AgreementRepository;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateQuery;
import io.certvault.domain.CertificateRepository;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.IntegrationAccountRepository;
import io.certvault.domain.KeyReference;
import io.certvault.domain.Page;
import io.certvault.domain.ResourceName;
import io.certvault.pki.CertificateBundle;
import io.certvault.vault.VaultKey;
import io.certvault.security.Caller;
import io.certvault.security.Permission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

@ApplicationScoped
public class CertificateService {
    private IntegrationAccountRepository accounts;
    private CertificateRepository certificates;
    private AgreementRepository agreements;
    private CertificateKeys keys;
    private Guard guard;
    private Clock clock;

    protected CertificateService() {
        // for CDI proxies
    }

    @Inject
    public CertificateService(IntegrationAccountRepository accounts, CertificateRepository certificates,
            AgreementRepository agreements, CertificateKeys keys, Guard guard) {
        this(accounts, certificates, agreements, keys, guard, Clock.systemUTC());
    }

    public CertificateService(IntegrationAccountRepository accounts, CertificateRepository certificates,
            AgreementRepository agreements, CertificateKeys keys, Guard guard, Clock clock) {
        this.accounts = accounts;
        this.certificates = certificates;
        this.agreements = agreements;
        this.keys = keys;
        this.guard = guard;
        this.clock = clock;
    }

    /**
     * Adds or replaces a certificate. With a key reference it is a private certificate, accepted only
     * when the vault's key has the certificate's public key. Nothing is stored when a check fails.
     *
     * @param publicCertificate base64 DER or PEM
     * @param key the key reference of a private certificate, null for a public one
     */
    public Saved<Certificate> put(String accountName, String name, String publicCertificate, KeyReference key,
            String metadataJson) {
        return put(accountName, name, publicCertificate, key, metadataJson, Precondition.NONE);
    }

    /** Adds or replaces a certificate if the precondition holds for it as it is. */
    public Saved<Certificate> put(String accountName, String name, String publicCertificate, KeyReference key,
            String metadataJson, Precondition precondition) {
        AuditTarget target = AuditTarget.certificate(accountName, name);
        if (key != null) {
            target = target.withKey(key.vaultName(), key.keyName(), key.keyVersion());
        }
        return put(target, publicCertificate, () -> key, false, metadataJson, precondition);
    }

    /**
     * The same with the key reference as the caller sent it, read inside the guarded change (a reference refused
     * as invalid is on record like any refused change), and whether the certificate is a trust anchor of the
     * account. The certificate may come with its chain (a PEM bundle or PKCS#7), which is kept with it.
     */
    public Saved<Certificate> put(String accountName, String name, String publicCertificate,
            Supplier<KeyReference> keyReference, boolean trustAnchor, String metadataJson, Precondition precondition) {
        return put(AuditTarget.certificate(accountName, name), publicCertificate, keyReference, trustAnchor,
                metadataJson, precondition);
    }

    private Saved<Certificate> put(AuditTarget target, String publicCertificate, Supplier<KeyReference> keyReference,
            boolean trustAnchor, String metadataJson, Precondition precondition) {
        String accountName = target.account();
        String name = target.certificate();
        return guard.change("certificates/write", Permission.WRITE, target, saved -> {
            KeyReference key = saved.value().key();
            return key == null ? target : target.withKey(key.vaultName(), key.keyName(), key.keyVersion());
        }, () -> {
            ResourceName.require("integration account", accountName);
            ResourceName.require("certificate", name);
            KeyReference key = keyReference.get();
            requireAccount(accountName);
            return store(accountName, name, CertificateBundle.upload(publicCertificate), key, trustAnchor,
                    metadataJson, precondition);
        });
    }

    /**
     * Stores a certificate under its name, inside the caller's guarded change: a private one only when its key
     * reference reaches the certificate's public key.
     */
    Saved<Certificate> store(String accountName, String name, CertificateBundle.Chain chain, KeyReference key,
            boolean trustAnchor, String metadataJson, Precondition precondition) {
        X509Certificate x509 = chain.leaf();
        if (key != null) {
            checkKeyMatches(name, x509, key);
        }
        var existing = certificates.find(accountName, name);
        precondition.check("certificate '" + name + "'", existing.orElse(null));
        Certificate certificate = existing.orElseGet(() -> new Certificate(accountName, name, clock.instant()));
        try {
            certificate.update(x509.getEncoded(), chain.issuersDer(), key, trustAnchor, metadataJson, clock.instant());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate has no encoding", e);
        }
        certificates.save(certificate);
        return new Saved<>(certificate, existing.isEmpty());
    }

    /** Marks a certificate of the account as a trust anchor, or no longer one; nothing else changes. */
    public Saved<Certificate> markTrustAnchor(String accountName, String name, boolean trustAnchor) {
        return guard.change("certificates/write", Permission.WRITE, AuditTarget.certificate(accountName, name), () -> {
            Certificate certificate = get(accountName, name);
            List<java.security.cert.X509Certificate> chain = certificate.chain().stream()
                    .map(io.certvault.pki.CertificateParser::parse).toList();
            return store(accountName, name, new CertificateBundle.Chain(io.certvault.pki.CertificateParser.parse(
                    certificate.der()), chain), certificate.key(), trustAnchor, certificate.metadataJson(),
                    Precondition.NONE);
        });
    }

    /**
     * Inside the caller's guarded change: schedules {@code successor} to take over from {@code name} at
     * {@code at}, when both are certificates of the account, both public or both private, and the successor does
     * not lead back to it.
     */
    Certificate scheduleRollover(String accountName, String name, String successor, Instant at) {
        Certificate certificate = get(accountName, name);
        if (successor == null || successor.isBlank()) {
            throw invalid("properties.successor names the certificate that takes over.");
        }
        ResourceName.require("certificate", successor);
        if (successor.equals(name)) {
            throw invalid("A certificate cannot succeed itself.");
        }
        Certificate next = certificates.find(accountName, successor).orElseThrow(() -> invalid("Integration account '"
                + accountName + "' has no certificate '" + successor + "' to take over."));
        if (next.isPrivate() != certificate.isPrivate()) {
            throw invalid("Certificate '" + successor + "' is " + (next.isPrivate() ? "private" : "public")
                    + " and '" + name + "' is not: a successor signs and decrypts as the certificate did, or neither.");
        }
        Certificate step = next;
        for (int hop = 0; step != null && step.successorName() != null && hop < CertificateRollover.MAX_HOPS; hop++) {
            if (step.successorName().equals(name)) {
                throw invalid("Certificate '" + successor + "' leads back to '" + name + "' through its successors.");
            }
            step = certificates.find(accountName, step.successorName()).orElse(null);
        }
        Instant now = clock.instant();
        certificate.rollOverTo(successor, at == null ? now : at, now);
        certificates.save(certificate);
        return certificate;
    }

    private static CertvaultException invalid(String message) {
        return new CertvaultException(ErrorCode.INVALID_REQUEST, message);
    }

    public Certificate get(String accountName, String name) {
        readAccount(accountName);
        ResourceName.require("certificate", name);
        return certificates.find(accountName, name).orElseThrow(() -> new CertvaultException(
                ErrorCode.CERTIFICATE_NOT_FOUND,
                "Integration account '" + accountName + "' has no certificate '" + name + "'."));
    }

    /**
     * A page of the account's certificates.
     *
     * @param expiresBefore only those that expire before it, or null for all
     * @param orderBy {@code name} (null: the default) or {@code notAfter}
     * @param continueAfter the position the previous page ended at, null for the first page
     */
    public Page<Certificate> list(String accountName, Instant expiresBefore, String orderBy, String continueAfter,
            String top) {
        readAccount(accountName);
        CertificateQuery.Order order = CertificateQuery.Order.parse(orderBy);
        return certificates.list(CertificateQuery.ofAccount(accountName, expiresBefore, order,
                order.position(continueAfter), Paging.top(top)));
    }

    /**
     * A page of the certificates of every account the caller may read (all of them for a global reader),
     * as {@link #list} orders and filters them: for monitoring expiry across accounts.
     */
    public Page<Certificate> listReadable(Instant expiresBefore, String orderBy, String continueAfter, String top) {
        Caller caller = guard.caller();
        Set<String> accounts = null;
        if (!caller.may(Permission.READ, null)) {
            accounts = caller.scopedAccounts(Permission.READ);
            if (accounts.isEmpty()) {
                throw caller.denied(Permission.READ, null);
            }
        }
        CertificateQuery.Order order = CertificateQuery.Order.parse(orderBy);
        return certificates.list(new CertificateQuery(accounts, expiresBefore, order, order.position(continueAfter),
                Paging.top(top)));
    }

    /** How many certificates the account has (a count, without loading them). */
    public long count(String accountName) {
        readAccount(accountName);
        return certificates.count(accountName);
    }

    /** Every certificate of the account, ordered by name (for pages that sort and page them themselves). */
    public List<Certificate> all(String accountName) {
        readAccount(accountName);
        return certificates.findByAccount(accountName);
    }

    public boolean delete(String accountName, String name) {
        return delete(accountName, name, Precondition.NONE);
    }

    public boolean delete(String accountName, String name, Precondition precondition) {
        return guard.change("certificates/delete", Permission.WRITE, AuditTarget.certificate(accountName, name),
                () -> {
                    ResourceName.require("integration account", accountName);
                    ResourceName.require("certificate", name);
                    requireAccount(accountName);
                    precondition.check("certificate '" + name + "'", certificates.find(accountName, name).orElse(null));
                    List<String> users = agreements.usingCertificate(accountName, name);
                    if (!users.isEmpty()) {
                        throw new CertvaultException(ErrorCode.CERTIFICATE_IN_USE, "Certificate '" + name
                                + "' is used by " + AgreementService.named(users) + ": change or delete "
                                + (users.size() > 1 ? "them" : "it") + " first (a certificate can be replaced "
                                + "under its name at any time).");
                    }
                    return certificates.delete(accountName, name);
                });
    }

    /**
     * A private certificate is accepted when its key reference reaches a version whose public key is the
     * certificate's: the version named, or without one any version (the newest that matches is used).
     */
    private void checkKeyMatches(String name, X509Certificate x509, KeyReference key) {
        try {
            keys.resolveFresh(name, key, x509.getPublicKey());
        } catch (CertvaultException e) {
            if (e.errorCode() == ErrorCode.VAULT_NOT_FOUND || e.errorCode() == ErrorCode.KEY_NOT_FOUND) {
                // The reference is part of the request body, so this is the client's mistake: 400, not 404.
                throw new CertvaultException(ErrorCode.INVALID_KEY_REFERENCE, "The key reference " + key
                        + " cannot be used: " + e.getMessage());
            }
            throw e;
        }
    }

    /**
     * The key version a private certificate uses now (null for a public one), for showing; asks the vault
     * unless it was asked a moment ago.
     */
    public VaultKey keyInUse(Certificate certificate) {
        return certificate.isPrivate() ? keys.resolve(certificate) : null;
    }

    /** Checks the name and the caller's right to read before saying whether the account exists. */
    private void readAccount(String accountName) {
        ResourceName.require("integration account", accountName);
        guard.read(accountName);
        requireAccount(accountName);
    }

    void requireAccount(String accountName) {
        IntegrationAccountService.requireExisting(accounts, accountName);
    }
}
