package io.certvault.application;

import io.certvault.audit.AuditTarget;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateRepository;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import io.certvault.domain.ResourceName;
import io.certvault.security.Permission;
import io.certvault.vault.KeySpec;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultKey;
import io.certvault.vault.VaultRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Keys in the configured vaults: import, create, inspect and delete. */
@ApplicationScoped
public class VaultKeyService {
    private VaultRegistry vaults;
    private CertificateRepository certificates;
    private CertificateKeys certificateKeys;
    private Guard guard;

    protected VaultKeyService() {
        // for CDI proxies
    }

    @Inject
    public VaultKeyService(VaultRegistry vaults, CertificateRepository certificates, CertificateKeys certificateKeys,
            Guard guard) {
        this.vaults = vaults;
        this.certificates = certificates;
        this.certificateKeys = certificateKeys;
        this.guard = guard;
    }

    /** The vaults; anyone who may read anywhere may see them and their keys' public facts. */
    public List<VaultSummary> vaults() {
        readShared();
        return vaults.vaults().stream().map(VaultSummary::of).toList();
    }

    public VaultSummary vault(String vaultName) {
        return VaultSummary.of(readable(vaultName));
    }

    private Vault readable(String vaultName) {
        ResourceName.require("vault", vaultName);
        readShared();
        return vaults.vault(vaultName);
    }

    // Vaults are shared by every account: a reader of any account picks keys from them for its certificates.
    private void readShared() {
        var caller = guard.caller();
        if (!caller.mayAnywhere(Permission.READ)) {
            throw caller.denied(Permission.READ, null);
        }
    }

    /** Imports a key pair as a new key, or as a new version when the key exists. */
    public Saved<VaultKey> importKey(String vaultName, String keyName, KeyPair keyPair) {
        return importKey(vaultName, keyName, () -> keyPair);
    }

    /**
     * Imports the key pair the caller sent, read inside the guarded change so that a key refused as invalid
     * or unsupported is on record like any refused change; the record names the version made.
     */
    public Saved<VaultKey> importKey(String vaultName, String keyName, Supplier<KeyPair> keyPair) {
        AuditTarget target = AuditTarget.key(vaultName, keyName);
        return guard.change("keys/import", Permission.MANAGE_KEYS, target,
                saved -> target.withKey(vaultName, keyName, saved.value().version()), () -> {
            ResourceName.require("vault", vaultName);
            ResourceName.require("key", keyName);
            KeyPair pair = keyPair.get();
            Vault vault = vaults.vault(vaultName);
            boolean exists = exists(vault, keyName);
            VaultKey created = vault.importKey(keyName, pair);
            certificateKeys.forget(vaultName, keyName);
            return new Saved<>(created, !exists);
        });
    }

    /** Creates a new key, or a new version when the key exists. */
    public Saved<VaultKey> createKey(String vaultName, String keyName, KeySpec spec) {
        return createKey(vaultName, keyName, () -> spec);
    }

    /** Creates a key of the spec the caller sent, read inside the guarded change (see importKey). */
    public Saved<VaultKey> createKey(String vaultName, String keyName, Supplier<KeySpec> spec) {
        AuditTarget target = AuditTarget.key(vaultName, keyName);
        return guard.change("keys/create", Permission.MANAGE_KEYS, target,
                saved -> target.withKey(vaultName, keyName, saved.value().version()), () -> {
            ResourceName.require("vault", vaultName);
            ResourceName.require("key", keyName);
            KeySpec parsed = spec.get();
            Vault vault = vaults.vault(vaultName);
            boolean exists = exists(vault, keyName);
            VaultKey created = vault.createKey(keyName, parsed);
            certificateKeys.forget(vaultName, keyName);
            return new Saved<>(created, !exists);
        });
    }

    private static boolean exists(Vault vault, String keyName) {
        try {
            vault.getKey(keyName, null);
            return true;
        } catch (CertvaultException e) {
            if (e.errorCode() == ErrorCode.KEY_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** The vault's keys (current versions) ordered by name, a page at a time. */
    public Page<VaultKey> listKeys(String vaultName, String afterName, String top) {
        int limit = Paging.top(top);
        return Page.of(readable(vaultName).listKeys().stream()
                .filter(key -> afterName == null || key.name().compareTo(afterName) > 0)
                .limit(limit + 1L).toList(), limit, VaultKey::name);
    }

    /** Every version of the key, oldest first; the last is the current one. */
    public List<VaultKey> versions(String vaultName, String keyName) {
        return readable(vaultName).listVersions(ResourceName.require("key", keyName));
    }

    /** A version of a key and the certificates that use it now. */
    public record VersionUse(VaultKey version, List<Certificate> certificates) {
    }

    /**
     * Every version of the key, oldest first, each with the certificates (of accounts the caller may read) that
     * resolve to it: computed from the versions' public keys, without asking the vault again.
     */
    public List<VersionUse> versionUses(String vaultName, String keyName) {
        List<VaultKey> versions = versions(vaultName, keyName);
        var caller = guard.caller();
        Map<String, List<Certificate>> byVersion = new java.util.HashMap<>();
        for (Certificate certificate : certificates.findByKey(vaultName, keyName)) {
            if (!caller.may(Permission.READ, certificate.accountName())) {
                continue;
            }
            VaultKey used = CertificateKeys.resolveAmong(certificate, versions);
            if (used != null) {
                byVersion.computeIfAbsent(used.version(), v -> new java.util.ArrayList<>()).add(certificate);
            }
        }
        return versions.stream().map(v -> new VersionUse(v, byVersion.getOrDefault(v.version(), List.of()))).toList();
    }

    /** Deletes the key with all versions, refused while a certificate refers to it. */
    public void deleteKey(String vaultName, String keyName) {
        guard.change("keys/delete", Permission.MANAGE_KEYS, AuditTarget.key(vaultName, keyName), () -> {
            ResourceName.require("vault", vaultName);
            ResourceName.require("key", keyName);
            Vault vault = vaults.vault(vaultName);
            vault.getKey(keyName, null);
            List<Certificate> users = certificates.findByKey(vaultName, keyName);
            if (!users.isEmpty()) {
                throw new CertvaultException(ErrorCode.KEY_IN_USE, "Key '" + keyName + "' in vault '" + vaultName
                        + "' is used by " + users.stream().limit(5)
                                .map(c -> "certificate '" + c.name() + "' of integration account '"
                                        + c.accountName() + "'")
                                .collect(Collectors.joining(", "))
                        + (users.size() > 5 ? " and " + (users.size() - 5) + " more" : "")
                        + ": delete those certificates first.");
            }
            vault.deleteKey(keyName);
            certificateKeys.forget(vaultName, keyName);
            return null;
        });
    }
}
