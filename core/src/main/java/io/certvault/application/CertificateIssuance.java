package io.certvault.application;

import io.certvault.audit.AuditTarget;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.KeyReference;
import io.certvault.domain.ResourceName;
import io.certvault.messaging.SigningAlgorithm;
import io.certvault.messaging.VaultContentSigner;
import io.certvault.pki.CertificateMaker;
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
import java.util.List;
import java.util.function.Supplier;

/**
 * Makes certificates from vault keys, the private key staying in its vault: a self-signed private certificate
 * of the account, signed by the vault (a BouncyCastle content signer over it, as messages are signed).
 */
@ApplicationScoped
public class CertificateIssuance {
    static final String ISSUE = "certificates/issue";

    private CertificateService certificates;
    private VaultKeyService vaultKeys;
    private CertificateKeys keys;
    private VaultRegistry vaults;
    private Guard guard;
    private Clock clock;

    protected CertificateIssuance() {
        // for CDI proxies
    }

    @Inject
    public CertificateIssuance(CertificateService certificates, VaultKeyService vaultKeys, CertificateKeys keys,
            VaultRegistry vaults, Guard guard) {
        this(certificates, vaultKeys, keys, vaults, guard, Clock.systemUTC());
    }

    public CertificateIssuance(CertificateService certificates, VaultKeyService vaultKeys, CertificateKeys keys,
            VaultRegistry vaults, Guard guard, Clock clock) {
        this.certificates = certificates;
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
        guard.require(ISSUE, Permission.WRITE, target);
        guard.require(ISSUE, Permission.USE_KEYS, target);
        Request given;
        try {
            ResourceName.require("integration account", accountName);
            ResourceName.require("certificate", name);
            given = request.get();
            if (given.key() == null) {
                throw new CertvaultException(ErrorCode.INVALID_KEY_REFERENCE, "properties.key names the vault key to "
                        + "issue the certificate for: {\"keyVault\": {\"name\": ...}, \"keyName\": ...}, and "
                        + "\"newKey\" to make it in the same step.");
            }
            if (given.newKey() != null && given.key().keyVersion() != null) {
                throw new CertvaultException(ErrorCode.INVALID_KEY_REFERENCE, "properties.key.keyVersion names a "
                        + "version that is there; a new key (newKey) gets a new version: leave keyVersion out.");
            }
            certificates.requireAccount(accountName);
        } catch (CertvaultException e) {
            guard.refused(ISSUE, target, e.errorCode().code());
            throw e.markRecorded();
        }
        KeyReference reference = given.key();
        String version = reference.keyVersion();
        if (given.newKey() != null) {
            version = vaultKeys.createKey(reference.vaultName(), reference.keyName(), given.newKey()).value()
                    .version();
        }
        X509Certificate issued = make(target, reference, version, given);
        return guard.change(ISSUE, Permission.WRITE, target.withKey(reference.vaultName(), reference.keyName(),
                version), () -> certificates.store(accountName, name, issued, reference, given.metadataJson(),
                        precondition));
    }

    /**
     * The certificate, signed by the vault before the change that stores it, so that the key use and its record
     * are never rolled back with a failed store. What is refused here is recorded as the issue's refusal.
     */
    private X509Certificate make(AuditTarget target, KeyReference reference, String version, Request given) {
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
            return CertificateMaker.selfSigned(key.publicKey(), new VaultContentSigner(signing,
                    algorithm.vaultAlgorithm(key.type()), algorithm.jcaName(key.type())), profile, clock.instant());
        } catch (CertvaultException e) {
            // A profile refused, a vault that cannot sign now: the issue's failure, besides the key use's own.
            guard.refused(ISSUE, used, e.errorCode().code());
            throw e.markRecorded();
        }
    }
}
