package io.certvault.messaging;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.Vault;
import java.security.Key;
import java.security.PrivateKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;

/**
 * BouncyCastle key-transport recipients whose private key stays in a vault: the vault decrypts the
 * content-encryption key, and BouncyCastle decrypts the content with it.
 */
public final class VaultRecipients {

    private VaultRecipients() {
    }

    /** For EnvelopedData (CBC content encryption). */
    public static Recipient enveloped(Vault vault, String keyName, String keyVersion) {
        VaultKeyHandle handle = new VaultKeyHandle(vault.name(), keyName);
        return new JceKeyTransEnvelopedRecipient(handle) {
            @Override
            protected Key extractSecretKey(AlgorithmIdentifier keyEncryption, AlgorithmIdentifier contentEncryption,
                    byte[] encryptedKey) {
                return unwrap(vault, keyName, keyVersion, keyEncryption, contentEncryption, encryptedKey);
            }
        };
    }

    /** For AuthEnvelopedData (AES-GCM content encryption). */
    public static Recipient authEnveloped(Vault vault, String keyName, String keyVersion) {
        VaultKeyHandle handle = new VaultKeyHandle(vault.name(), keyName);
        return new JceKeyTransAuthEnvelopedRecipient(handle) {
            @Override
            protected Key extractSecretKey(AlgorithmIdentifier keyEncryption, AlgorithmIdentifier contentEncryption,
                    byte[] encryptedKey) {
                return unwrap(vault, keyName, keyVersion, keyEncryption, contentEncryption, encryptedKey);
            }
        };
    }

    static Key unwrap(Vault vault, String keyName, String keyVersion, AlgorithmIdentifier keyEncryption,
            AlgorithmIdentifier contentEncryption, byte[] encryptedKey) {
        byte[] contentKey = vault.decrypt(keyName, keyVersion, keyTransport(keyEncryption), encryptedKey);
        try {
            return new SecretKeySpec(contentKey, jceKeyAlgorithm(contentEncryption.getAlgorithm()));
        } finally {
            java.util.Arrays.fill(contentKey, (byte) 0);
        }
    }

    /** RSAES-PKCS1-v1_5, or RSAES-OAEP with SHA-1 or SHA-256 (the hash and MGF1 hash the same). */
    static EncryptionAlgorithm keyTransport(AlgorithmIdentifier keyEncryption) {
        ASN1ObjectIdentifier oid = keyEncryption.getAlgorithm();
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return EncryptionAlgorithm.RSA1_5;
        }
        if (oid.equals(PKCSObjectIdentifiers.id_RSAES_OAEP)) {
            RSAESOAEPparams params = RSAESOAEPparams.getInstance(keyEncryption.getParameters());
            ASN1ObjectIdentifier hash = params.getHashAlgorithm().getAlgorithm();
            ASN1ObjectIdentifier mgfHash = AlgorithmIdentifier.getInstance(params.getMaskGenAlgorithm().getParameters())
                    .getAlgorithm();
            if (hash.equals(OIWObjectIdentifiers.idSHA1) && mgfHash.equals(OIWObjectIdentifiers.idSHA1)) {
                return EncryptionAlgorithm.RSA_OAEP;
            }
            if (hash.equals(NISTObjectIdentifiers.id_sha256) && mgfHash.equals(NISTObjectIdentifiers.id_sha256)) {
                return EncryptionAlgorithm.RSA_OAEP_256;
            }
        }
        throw new CertvaultException(ErrorCode.ALGORITHM_NOT_ALLOWED, "The message's key transport " + oid
                + " is not allowed: accepted are RSAES-PKCS1-v1_5 and RSAES-OAEP with SHA-1 or SHA-256.");
    }

    private static String jceKeyAlgorithm(ASN1ObjectIdentifier contentEncryption) {
        return contentEncryption.equals(CMSAlgorithm.DES_EDE3_CBC) ? "DESede" : "AES";
    }

    /**
     * Stands for a vault key where BouncyCastle expects a private key: it has no encoding, and every use
     * of it goes through the vault.
     */
    record VaultKeyHandle(String vaultName, String keyName) implements PrivateKey {
        @Override
        public String getAlgorithm() {
            return "RSA";
        }

        @Override
        public String getFormat() {
            return null;
        }

        @Override
        public byte[] getEncoded() {
            return null;
        }
    }
}
