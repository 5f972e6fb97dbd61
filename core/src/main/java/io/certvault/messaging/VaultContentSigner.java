package io.certvault.messaging;

import io.certvault.vault.SignatureAlgorithm;
import io.certvault.vault.Vault;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.DigestOutputStream;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

/**
 * A BouncyCastle {@link ContentSigner} whose private key stays in a vault: it hashes what CMS gives it
 * (the signed attributes) and asks the vault to sign the digest.
 */
public final class VaultContentSigner implements ContentSigner {
    private final Vault vault;
    private final String keyName;
    private final String keyVersion;
    private final SignatureAlgorithm algorithm;
    private final AlgorithmIdentifier identifier;
    private final MessageDigest digest;

    /**
     * @param jcaName the signature algorithm's JCA name, e.g. {@code SHA256withRSA}, {@code SHA256withRSAandMGF1}
     */
    public VaultContentSigner(Vault vault, String keyName, String keyVersion, SignatureAlgorithm algorithm,
            String jcaName) {
        this.vault = vault;
        this.keyName = keyName;
        this.keyVersion = keyVersion;
        this.algorithm = algorithm;
        this.identifier = new DefaultSignatureAlgorithmIdentifierFinder().find(jcaName);
        try {
            this.digest = MessageDigest.getInstance(algorithm.digestAlgorithm());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm.digestAlgorithm() + " is part of every Java platform", e);
        }
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return identifier;
    }

    @Override
    public OutputStream getOutputStream() {
        return new DigestOutputStream(OutputStream.nullOutputStream(), digest);
    }

    @Override
    public byte[] getSignature() {
        return vault.sign(keyName, keyVersion, algorithm, digest.digest());
    }
}
