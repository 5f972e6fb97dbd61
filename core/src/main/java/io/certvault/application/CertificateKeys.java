package io.certvault.application;

import io.certvault.audit.AuditTarget;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.KeyReference;
import io.certvault.pki.CertificateParser;
import io.certvault.pki.PublicKeys;
import io.certvault.security.Caller;
import io.certvault.vault.BoundKey;
import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.LocalKeyOperations;
import io.certvault.vault.SignatureAlgorithm;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultException;
import io.certvault.vault.VaultKey;
import io.certvault.vault.VaultRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Which vault key version a private certificate uses. A certificate is bound to the public key inside it:
 * without {@code keyVersion} it uses the newest version of its key whose public key is the certificate's,
 * with one it uses that version, and only if it matches. A version with another public key is never used,
 * whatever the vault calls current; when no version matches, the use fails with
 * {@code CertificateKeyMismatch}.
 *
 * <p>Resolutions are remembered for a short time, so that a key use costs one request to a remote vault (the
 * operation itself); importing, creating or deleting a key version through Certvault forgets them at once, and
 * every signature is checked against the certificate's public key before it is handed out.
 */
@ApplicationScoped
public class CertificateKeys {
    private VaultRegistry vaults;
    private Guard guard;
    private Duration cacheTime;
    private Clock clock;
    private final Map<Binding, Resolved> resolved = new ConcurrentHashMap<>();

    /** What a resolution depends on: the key reference and the certificate's public key (compared by value). */
    private record Binding(KeyReference reference, PublicKey publicKey) {
    }

    private record Resolved(VaultKey key, Instant until) {
    }

    protected CertificateKeys() {
        // for CDI proxies
    }

    @Inject
    public CertificateKeys(VaultRegistry vaults, Guard guard, MessageSettings settings) {
        this(vaults, guard, settings.keyCacheTime(), Clock.systemUTC());
    }

    public CertificateKeys(VaultRegistry vaults, Guard guard, Duration cacheTime, Clock clock) {
        this.vaults = vaults;
        this.guard = guard;
        this.cacheTime = cacheTime;
        this.clock = clock;
    }

    /**
     * The key version the certificate uses now, asking the vault unless a recent answer is remembered.
     *
     * @throws CertvaultException {@code CertificateKeyMismatch} (409) when no version fits, or the vault's error
     */
    public VaultKey resolve(Certificate certificate) {
        return resolve(certificate, CertificateParser.parse(certificate.der()).getPublicKey());
    }

    /** {@link #resolve(Certificate)} with the certificate's public key at hand (a key use parses nothing). */
    private VaultKey resolve(Certificate certificate, PublicKey publicKey) {
        KeyReference reference = requireKey(certificate);
        Binding cacheKey = new Binding(reference, publicKey);
        Resolved known = resolved.get(cacheKey);
        Instant now = clock.instant();
        if (known != null && now.isBefore(known.until())) {
            return known.key();
        }
        VaultKey key;
        try {
            key = resolveFresh(certificate.name(), reference, publicKey);
        } catch (CertvaultException e) {
            if (e.errorCode() != ErrorCode.KEY_NOT_FOUND) {
                throw e;
            }
            // The certificate was accepted with this key: its version (or the whole key) went away since.
            Vault vault = vaults.vault(reference.vaultName());
            throw mismatch(certificate.name(), reference, versionsOf(vault, reference.keyName()), publicKey);
        }
        resolved.put(cacheKey, new Resolved(key, now.plus(cacheTime)));
        return key;
    }

    /**
     * Resolves without remembering: the check of a certificate that is being added. Tries the version named (or
     * the current one) first, so a certificate for the newest version costs one read. A key or version the vault
     * does not have is {@code KeyNotFound} here.
     */
    VaultKey resolveFresh(String certificateName, KeyReference reference, PublicKey publicKey) {
        Vault vault = vaults.vault(reference.vaultName());
        VaultKey first = vault.getKey(reference.keyName(), reference.keyVersion());
        if (PublicKeys.same(first.publicKey(), publicKey)) {
            return first;
        }
        List<VaultKey> versions = vault.listVersions(reference.keyName());
        if (reference.keyVersion() == null) {
            VaultKey newest = newestMatching(versions, publicKey);
            if (newest != null) {
                return newest;
            }
        }
        throw mismatch(certificateName, reference, versions, publicKey);
    }

    /** The key's versions, none when the vault has no such key (any more). */
    private static List<VaultKey> versionsOf(Vault vault, String keyName) {
        try {
            return vault.listVersions(keyName);
        } catch (CertvaultException e) {
            if (e.errorCode() == ErrorCode.KEY_NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
    }

    /** The newest of these versions (oldest first, as vaults list them) whose public key is this one, or null. */
    static VaultKey newestMatching(List<VaultKey> versions, PublicKey publicKey) {
        for (int i = versions.size() - 1; i >= 0; i--) {
            if (PublicKeys.same(versions.get(i).publicKey(), publicKey)) {
                return versions.get(i);
            }
        }
        return null;
    }

    /** Which of the key's versions (oldest first) a certificate using this key resolves to, or null for none. */
    static VaultKey resolveAmong(Certificate certificate, List<VaultKey> versions) {
        KeyReference reference = requireKey(certificate);
        PublicKey publicKey = CertificateParser.parse(certificate.der()).getPublicKey();
        if (reference.keyVersion() != null) {
            return versions.stream().filter(v -> v.version().equals(reference.keyVersion())
                    && PublicKeys.same(v.publicKey(), publicKey)).findFirst().orElse(null);
        }
        return newestMatching(versions, publicKey);
    }

    /** Forgets what was resolved for this key: a version was added or removed through Certvault. */
    public void forget(String vaultName, String keyName) {
        resolved.keySet().removeIf(b -> b.reference().vaultName().equals(vaultName)
                && b.reference().keyName().equals(keyName));
    }

    /**
     * The certificate's key, ready to use by this caller: resolved at each use (from memory, mostly), every use
     * recorded in the audit trail against the certificate with the version that did it, and every signature
     * checked against the certificate's public key before it is handed out.
     */
    public BoundKey bind(Caller caller, Certificate certificate, java.security.cert.X509Certificate x509) {
        return new CertificateKey(caller, certificate, requireKey(certificate), x509.getPublicKey());
    }

    /** Whether the reference names a configured vault (a certificate may outlive its vault's configuration). */
    /**
     * A key version of a vault as it is, for making a certificate or a request from it (there is no certificate to
     * bind to yet): each signature recorded as a key use against the target, and checked against the version's
     * public key before it is handed out.
     */
    public BoundKey bindVersion(Caller caller, AuditTarget target, Vault vault, VaultKey key) {
        AuditTarget used = target.withKey(vault.name(), key.name(), key.version());
        BoundKey raw = BoundKey.of(vault, key);
        return new BoundKey() {
            @Override
            public String vaultName() {
                return vault.name();
            }

            @Override
            public String keyName() {
                return key.name();
            }

            @Override
            public byte[] sign(SignatureAlgorithm algorithm, byte[] digest) {
                return guard.recorded(caller, "keys/sign", () -> used, () -> {
                    byte[] signature = raw.sign(algorithm, digest);
                    if (!LocalKeyOperations.verify(key.publicKey(), algorithm, digest, signature)) {
                        throw new IllegalStateException("Vault '" + vault.name() + "' signed with another key than "
                                + key.name() + " version " + key.version());
                    }
                    return signature;
                });
            }

            @Override
            public byte[] decrypt(EncryptionAlgorithm algorithm, byte[] ciphertext) {
                throw new UnsupportedOperationException("a key bound to make a certificate only signs");
            }

            @Override
            public byte[] agree(PublicKey otherParty) {
                throw new UnsupportedOperationException("a key bound to make a certificate only signs");
            }
        };
    }

    public boolean vaultConfigured(KeyReference reference) {
        return vaults.vaults().stream().anyMatch(v -> v.name().equals(reference.vaultName()));
    }

    private final class CertificateKey implements BoundKey {
        private final Caller caller;
        private final Certificate certificate;
        private final KeyReference reference;
        private final PublicKey publicKey;

        CertificateKey(Caller caller, Certificate certificate, KeyReference reference, PublicKey publicKey) {
            this.caller = caller;
            this.certificate = certificate;
            this.reference = reference;
            this.publicKey = publicKey;
        }

        @Override
        public String vaultName() {
            return reference.vaultName();
        }

        @Override
        public String keyName() {
            return reference.keyName();
        }

        @Override
        public byte[] sign(SignatureAlgorithm algorithm, byte[] digest) {
            return use("keys/sign", (vault, key) -> {
                if (!vault.capabilities().signs(algorithm)) {
                    throw VaultException.notSupported(vault.name(), key.name(), "sign with " + algorithm,
                            "vaults of type '" + vault.type() + "' cannot; GET /api/vaults/" + vault.name()
                                    + " lists what it can do");
                }
                byte[] signature = vault.sign(key, algorithm, digest);
                if (!LocalKeyOperations.verify(publicKey, algorithm, digest, signature)) {
                    throw new StaleResolution();
                }
                return signature;
            });
        }

        @Override
        public byte[] decrypt(EncryptionAlgorithm algorithm, byte[] ciphertext) {
            return use("keys/decrypt", (vault, key) -> {
                if (!vault.capabilities().decrypts(algorithm)) {
                    throw VaultException.notSupported(vault.name(), key.name(), "decrypt with " + algorithm.jwaName(),
                            "vaults of type '" + vault.type() + "' cannot; GET /api/vaults/" + vault.name()
                                    + " lists what it can do");
                }
                return vault.decrypt(key, algorithm, ciphertext);
            });
        }

        @Override
        public byte[] agree(PublicKey otherParty) {
            return use("keys/agree", (vault, key) -> vault.agree(key, otherParty));
        }

        /**
         * Resolves, uses and records. A remembered version that the vault no longer has, or whose signature is not
         * the certificate's key's (the key was replaced in the vault behind Certvault), is resolved again once.
         */
        private byte[] use(String operation, KeyUse work) {
            VaultKey[] used = {null};
            AuditTarget target = AuditTarget.certificate(certificate.accountName(), certificate.name());
            return guard.recorded(caller, operation, () -> target.withKey(reference.vaultName(), reference.keyName(),
                    used[0] == null ? reference.keyVersion() : used[0].version()), () -> {
                        Vault vault = vaults.vault(reference.vaultName());
                        used[0] = resolve(certificate, publicKey);
                        try {
                            return work.apply(vault, used[0]);
                        } catch (StaleResolution | CertvaultException e) {
                            if (e instanceof CertvaultException c && c.errorCode() != ErrorCode.KEY_NOT_FOUND) {
                                throw c;
                            }
                            forget(reference.vaultName(), reference.keyName());
                            used[0] = resolve(certificate, publicKey);
                            try {
                                return work.apply(vault, used[0]);
                            } catch (StaleResolution again) {
                                throw mismatch(certificate.name(), reference, versionsOf(vault, reference.keyName()),
                                        publicKey);
                            }
                        }
                    });
        }
    }

    @FunctionalInterface
    private interface KeyUse {
        byte[] apply(Vault vault, VaultKey key);
    }

    /** The vault signed, but not with the key the certificate holds. */
    private static final class StaleResolution extends RuntimeException {
        StaleResolution() {
            super(null, null, false, false);
        }
    }

    private static KeyReference requireKey(Certificate certificate) {
        KeyReference reference = certificate.key();
        if (reference == null) {
            throw new CertvaultException(ErrorCode.CERTIFICATE_NOT_PRIVATE, "Certificate '" + certificate.name()
                    + "' is a public certificate: it has no key in a vault.");
        }
        return reference;
    }

    private static CertvaultException mismatch(String certificateName, KeyReference reference, List<VaultKey> versions,
            PublicKey publicKey) {
        VaultKey matching = newestMatching(versions, publicKey);
        String which = reference.keyVersion() == null ? "key '" + reference.keyName() + "'"
                : "version '" + reference.keyVersion() + "' of key '" + reference.keyName() + "'";
        return new CertvaultException(ErrorCode.CERTIFICATE_KEY_MISMATCH, "Certificate '" + certificateName
                + "' does not match " + which + " in vault '" + reference.vaultName() + "' (the vault has versions "
                + (versions.isEmpty() ? "none: the key is gone"
                        : versions.stream().map(VaultKey::version).collect(Collectors.joining(", ")))
                + (matching == null ? "; none of them is the certificate's key"
                        : "; the certificate's key is version '" + matching.version() + "'")
                + "): upload the certificate that was issued for this key, or refer to the version that is.");
    }
}
