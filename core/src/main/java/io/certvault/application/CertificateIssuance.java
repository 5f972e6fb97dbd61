package io.certvault.application;

import io.certvault.audit.AuditTarget;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateRequest;
import io.certvault.domain.CertificateRequestRepository;
import io.certvault.domain.Page;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.KeyReference;
import io.certvault.domain.ResourceName;
import io.certvault.messaging.SigningAlgorithm;
import io.certvault.messaging.VaultContentSigner;
import io.certvault.pki.CertificateBundle;
import io.certvault.pki.CertificateMaker;
import io.certvault.pki.PublicKeys;
import io.certvault.pki.CertificateProfile;
import io.certvault.security.Permission;
import io.certvault.vault.BoundKey;
import io.certvault.vault.KeySpec;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultKey;
import io.certvault.vault.VaultRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Makes certificates from vault keys, the private key staying in its vault: a self-signed private certificate
 * of the account, or a certificate signing request for a CA, signed by the vault (a BouncyCastle content signer
 * over it, as messages are signed); and completes a request with the CA's answer.
 */
@ApplicationScoped
public class CertificateIssuance {
    static final String ISSUE = "certificates/issue";
    static final String REQUEST = "certificateRequests/write";
    static final String COMPLETE = "certificateRequests/complete";
    static final String DELETE_REQUEST = "certificateRequests/delete";

    private CertificateService certificates;
    private CertificateRequestRepository requests;
    private VaultKeyService vaultKeys;
    private CertificateKeys keys;
    private VaultRegistry vaults;
    private Guard guard;
    private Clock clock;

    protected CertificateIssuance() {
        // for CDI proxies
    }

    @Inject
    public CertificateIssuance(CertificateService certificates, CertificateRequestRepository requests,
            VaultKeyService vaultKeys, CertificateKeys keys, VaultRegistry vaults, Guard guard) {
        this(certificates, requests, vaultKeys, keys, vaults, guard, Clock.systemUTC());
    }

    public CertificateIssuance(CertificateService certificates, CertificateRequestRepository requests,
            VaultKeyService vaultKeys, CertificateKeys keys, VaultRegistry vaults, Guard guard, Clock clock) {
        this.certificates = certificates;
        this.requests = requests;
        this.vaultKeys = vaultKeys;
        this.keys = keys;
        this.vaults = vaults;
        this.guard = guard;
        this.clock = clock;
    }

    /**
     * What to make a certificate of: the vault key (a version, or its newest), or a key to make for it first
     * ({@code newKey}); what the certificate says; the signature algorithm by Azure's AS2 names (SHA2256 when
     * left out; ECDSA for an EC key); the certificate's metadata.
     */
    public record Request(KeyReference key, KeySpec newKey, String subject, List<String> dnsNames,
            List<String> emails, List<String> uris, List<String> keyUsage, List<String> ekus, Integer validityInDays,
            String signatureAlgorithm, String metadataJson) {
    }

    /**
     * Issues a self-signed certificate from the vault key and stores it as the account's private certificate,
     * bound to that key. The caller writes in the account and uses its keys (the vault signs); a key made in the
     * same step needs the right to manage keys, is a change of its own on the audit trail and stays should the
     * rest fail. The request is read after the permission check, so that a refused one is on record too.
     */
    public Saved<Certificate> issue(String accountName, String name, Supplier<Request> request,
            Precondition precondition) {
        AuditTarget target = AuditTarget.certificate(accountName, name);
        Request given = accepted(ISSUE, target, accountName, "certificate", name, request);
        KeyReference reference = given.key();
        String version = keyVersion(given);
        Made<X509Certificate> issued = make(ISSUE, target, reference, version, given, (key, signer, profile) ->
                CertificateMaker.selfSigned(key.publicKey(), signer, profile, clock.instant()));
        return guard.change(ISSUE, Permission.WRITE, target.withKey(reference.vaultName(), reference.keyName(),
                issued.key().version()), () -> certificates.store(accountName, name,
                        new CertificateBundle.Chain(issued.value(), List.of()), reference, false,
                        given.metadataJson(), precondition));
    }

    /**
     * Makes a certificate signing request (PKCS#10) from the vault key, signed in the vault, and keeps it Pending
     * until the CA's certificate completes it ({@link #complete}). Permissions and recording as {@link #issue}.
     */
    public CertificateRequest request(String accountName, String name, Supplier<Request> request) {
        return request(accountName, name, request, null);
    }

    /** A request made to renew a certificate: completing it schedules the new certificate to take over. */
    public record Renewing(String certificate, Instant switchOverTime) {
    }

    /** {@link #request(String, String, Supplier)}, renewing a certificate when {@code renewing} is given. */
    public CertificateRequest request(String accountName, String name, Supplier<Request> request, Renewing renewing) {
        AuditTarget target = AuditTarget.certificateRequest(accountName, name);
        Request given = accepted(REQUEST, target, accountName, "certificate request", name, request);
        if (requests.find(accountName, name).isPresent()) {
            CertvaultException taken = new CertvaultException(ErrorCode.CERTIFICATE_REQUEST_EXISTS, "Integration "
                    + "account '" + accountName + "' has a certificate request '" + name + "': complete or delete it, "
                    + "or choose another name.");
            guard.refused(REQUEST, target, taken.errorCode().code());
            throw taken.markRecorded();
        }
        KeyReference reference = given.key();
        Made<byte[]> csr = make(REQUEST, target, reference, keyVersion(given), given,
                (key, signer, profile) -> CertificateMaker.request(key.publicKey(), signer, profile));
        KeyReference signedBy = new KeyReference(reference.vaultName(), reference.keyName(), csr.key().version());
        return guard.change(REQUEST, Permission.WRITE, target.withKey(signedBy.vaultName(), signedBy.keyName(),
                signedBy.keyVersion()), () -> {
                    certificates.requireAccount(accountName);
                    CertificateRequest made = new CertificateRequest(accountName, name, signedBy,
                            csr.subject(), csr.value(), clock.instant());
                    if (renewing != null) {
                        made.renewing(renewing.certificate(), renewing.switchOverTime());
                    }
                    requests.save(made);
                    return made;
                });
    }

    public CertificateRequest getRequest(String accountName, String name) {
        guard.read(ResourceName.require("integration account", accountName));
        ResourceName.require("certificate request", name);
        certificates.requireAccount(accountName);
        return requests.find(accountName, name).orElseThrow(() -> requestNotFound(accountName, name));
    }

    public Page<CertificateRequest> requests(String accountName, String continueAfter, String top) {
        guard.read(ResourceName.require("integration account", accountName));
        certificates.requireAccount(accountName);
        return requests.list(accountName, continueAfter, Paging.top(top));
    }

    /**
     * Completes a pending request with the CA's answer (its certificate, a PEM bundle with the chain, or PKCS#7):
     * the certificate for the request's key is stored as the account's private certificate (the request's name
     * unless another is given), bound to the key version that signed the request; certificates of the answer that
     * claim to have issued it must have. The request is then Completed; its key stays.
     */
    public Saved<Certificate> complete(String accountName, String name, String answer, String certificateName,
            String metadataJson) {
        AuditTarget target = AuditTarget.certificateRequest(accountName, name);
        return guard.change(COMPLETE, Permission.WRITE, target, () -> {
            ResourceName.require("certificate request", name);
            certificates.requireAccount(accountName);
            CertificateRequest pending = requests.find(accountName, name)
                    .orElseThrow(() -> requestNotFound(accountName, name));
            if (pending.state() != CertificateRequest.State.Pending) {
                throw new CertvaultException(ErrorCode.CERTIFICATE_REQUEST_COMPLETED, "Certificate request '" + name
                        + "' was completed already, as certificate '" + pending.certificateName() + "'.");
            }
            String stored = certificateName == null || certificateName.isBlank() ? name : certificateName.trim();
            ResourceName.require("certificate", stored);
            List<X509Certificate> given = CertificateBundle.parse(answer);
            java.security.PublicKey requested;
            try {
                requested = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(pending.der())
                        .getPublicKey();
            } catch (java.security.GeneralSecurityException | java.io.IOException e) {
                throw new IllegalStateException("A stored request does not parse", e);
            }
            X509Certificate leaf = given.stream().filter(c -> PublicKeys.same(c.getPublicKey(), requested))
                    .findFirst().orElseThrow(() -> new CertvaultException(ErrorCode.CERTIFICATE_REQUEST_MISMATCH,
                            "None of the " + given.size() + " certificate(s) given is for the key of request '" + name
                                    + "' (" + pending.key() + "): is it the answer to another request?"));
            Saved<Certificate> saved = certificates.store(accountName, stored,
                    CertificateBundle.chainFrom(leaf, given), pending.key(), false, metadataJson,
                    Precondition.createOnly());
            pending.completed(stored, clock.instant());
            requests.save(pending);
            if (pending.renews() != null) {
                // Made to renew a certificate: the new one takes over from it, as a rollover would say.
                certificates.scheduleRollover(accountName, pending.renews(), stored, pending.switchOverTime());
            }
            return saved;
        });
    }

    /** Deletes a request (pending or completed); its key stays in the vault. False when there was none. */
    public boolean deleteRequest(String accountName, String name) {
        return guard.change(DELETE_REQUEST, Permission.WRITE, AuditTarget.certificateRequest(accountName, name), () -> {
            ResourceName.require("certificate request", name);
            certificates.requireAccount(accountName);
            return requests.delete(accountName, name);
        });
    }

    /** The request read and checked after the permission checks; a refusal is on record. */
    private Request accepted(String operation, AuditTarget target, String accountName, String kind, String name,
            Supplier<Request> request) {
        guard.require(operation, Permission.WRITE, target);
        guard.require(operation, Permission.USE_KEYS, target);
        try {
            ResourceName.require("integration account", accountName);
            ResourceName.require(kind, name);
            Request given = request.get();
            if (given.key() == null) {
                throw new CertvaultException(ErrorCode.INVALID_KEY_REFERENCE, "properties.key names the vault key: "
                        + "{\"keyVault\": {\"name\": ...}, \"keyName\": ...}, and \"newKey\" to make it in the same "
                        + "step.");
            }
            if (given.newKey() != null && given.key().keyVersion() != null) {
                throw new CertvaultException(ErrorCode.INVALID_KEY_REFERENCE, "properties.key.keyVersion names a "
                        + "version that is there; a new key (newKey) gets a new version: leave keyVersion out.");
            }
            certificates.requireAccount(accountName);
            return given;
        } catch (CertvaultException e) {
            guard.refused(operation, target, e.errorCode().code());
            throw e.markRecorded();
        }
    }

    /**
     * The version to use: the one named, or the newest (null); a new key, made first in the vault as its own
     * recorded change, has its first version.
     */
    private String keyVersion(Request given) {
        KeyReference reference = given.key();
        if (given.newKey() == null) {
            return reference.keyVersion();
        }
        return vaultKeys.createKey(reference.vaultName(), reference.keyName(), given.newKey()).value().version();
    }

    @FunctionalInterface
    private interface Maker<T> {
        T make(VaultKey key, VaultContentSigner signer, CertificateProfile profile);
    }

    /** What was made, the key version that signed it, and the subject it names. */
    private record Made<T>(T value, VaultKey key, String subject) {
    }

    /**
     * Signs what the maker makes with the vault key, before the change that stores it, so that the key use and
     * its record are never rolled back with a failed store. What is refused here is recorded as the operation's
     * refusal.
     */
    private <T> Made<T> make(String operation, AuditTarget target, KeyReference reference, String version,
            Request given, Maker<T> maker) {
        AuditTarget used = target.withKey(reference.vaultName(), reference.keyName(), version);
        try {
            Vault vault;
            VaultKey key;
            try {
                vault = vaults.vault(reference.vaultName());
                key = vault.getKey(reference.keyName(), version);
            } catch (CertvaultException e) {
                if (e.errorCode() == ErrorCode.VAULT_NOT_FOUND || e.errorCode() == ErrorCode.KEY_NOT_FOUND) {
                    throw new CertvaultException(ErrorCode.INVALID_KEY_REFERENCE, "The key reference " + reference
                            + " cannot be used: " + e.getMessage());
                }
                throw e;
            }
            CertificateProfile profile = CertificateProfile.of(given.subject(), given.dnsNames(), given.emails(),
                    given.uris(), given.keyUsage(), given.ekus(), given.validityInDays(), key.type());
            SigningAlgorithm algorithm = SigningAlgorithm.parse(given.signatureAlgorithm());
            BoundKey signing = keys.bindVersion(guard.caller(), target, vault, key);
            T made = maker.make(key, new VaultContentSigner(signing, algorithm.vaultAlgorithm(key.type()),
                    algorithm.jcaName(key.type())), profile);
            return new Made<>(made, key, new javax.security.auth.x500.X500Principal(profile.subject().getEncoded())
                    .getName());
        } catch (CertvaultException e) {
            // A profile refused, a vault that cannot sign now: the operation's failure, besides the key use's own.
            guard.refused(operation, used, e.errorCode().code());
            throw e.markRecorded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("A distinguished name does not encode", e);
        }
    }

    private static CertvaultException requestNotFound(String accountName, String name) {
        return new CertvaultException(ErrorCode.CERTIFICATE_REQUEST_NOT_FOUND, "Integration account '" + accountName
                + "' has no certificate request '" + name + "'.");
    }
}
