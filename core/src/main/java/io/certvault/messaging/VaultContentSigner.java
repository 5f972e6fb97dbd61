package io.certvault.messaging;

import io.certvault.vault.SignatureAlgorithm;
import io.certvault.vault.BoundKey;
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
    private final BoundKey key;
    private final SignatureAlgorithm algorithm;
    private final AlgorithmIdentifier identifier;
    private final MessageDigest digest;

    /**
     * @param jcaName the signature algorithm's JCA name, e.g. {@code SHA256withRSA}, {@code SHA256withRSAandMGF1}
     */
    public VaultContentSigner(BoundKey key, SignatureAlgorithm algorithm, String jcaName) {
        this.key = key;
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
        return key.sign(algorithm, digest.digest());
    }
}
