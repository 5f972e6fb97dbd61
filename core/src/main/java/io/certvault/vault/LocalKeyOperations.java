package io.certvault.vault;

import io.certvault.domain.ErrorCode;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import io.certvault.pki.BouncyCastle;

/**
 * Signs and decrypts with a private key held in this process, for the backends that keep keys
 * themselves (filesystem, HashiCorp KV). Remote backends do the same inside their server.
 */
public final class LocalKeyOperations {

    private LocalKeyOperations() {
    }

    public static byte[] sign(String vault, String keyName, PrivateKey key, SignatureAlgorithm algorithm,
            byte[] digest) {
        algorithm.checkDigest(digest);
        checkKeyType(vault, keyName, key, algorithm.keyType(), "sign with " + algorithm);
        try {
            if (algorithm.keyType() == KeyType.EC) {
                Signature ecdsa = Signature.getInstance("NONEwithECDSA");
                ecdsa.initSign(key);
                ecdsa.update(digest);
                return ecdsa.sign();
            }
            if (algorithm.isPss()) {
                Signature pss = Signature.getInstance("RAWRSASSA-PSS", BouncyCastle.PROVIDER);
                String hash = algorithm.digestAlgorithm();
                pss.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash),
                        algorithm.digestLength(), PSSParameterSpec.TRAILER_FIELD_BC));
                pss.initSign(key);
                pss.update(digest);
                return pss.sign();
            }
            Signature pkcs1 = Signature.getInstance("NONEwithRSA");
            pkcs1.initSign(key);
            pkcs1.update(digestInfo(algorithm, digest));
            return pkcs1.sign();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw VaultException.failure(vault, keyName, "sign with " + algorithm, e);
        }
    }

    /**
     * Whether the signature of the digest was made with the private half of this public key: Certvault checks
     * each signature a vault returns against the certificate it is made for (a cheap public-key operation).
     */
    public static boolean verify(java.security.PublicKey key, SignatureAlgorithm algorithm, byte[] digest,
            byte[] signature) {
        try {
            Signature verifier;
            byte[] signed = digest;
            if (algorithm.keyType() == KeyType.EC) {
                verifier = Signature.getInstance("NONEwithECDSA");
            } else if (algorithm.isPss()) {
                verifier = Signature.getInstance("RAWRSASSA-PSS", BouncyCastle.PROVIDER);
                String hash = algorithm.digestAlgorithm();
                verifier.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash),
                        algorithm.digestLength(), PSSParameterSpec.TRAILER_FIELD_BC));
            } else {
                verifier = Signature.getInstance("NONEwithRSA");
                signed = digestInfo(algorithm, digest);
            }
            verifier.initVerify(key);
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (java.security.SignatureException | java.security.InvalidKeyException e) {
            // Not a signature of this key (or a key of another type): not a match.
            return false;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("signature check with " + algorithm + " is not available", e);
        }
    }

    public static byte[] decrypt(String vault, String keyName, PrivateKey key, EncryptionAlgorithm algorithm,
            byte[] ciphertext) {
        checkKeyType(vault, keyName, key, KeyType.RSA, "decrypt with " + algorithm.jwaName());
        try {
            Cipher cipher = switch (algorithm) {
                case RSA1_5 -> Cipher.getInstance("RSA/ECB/PKCS1Padding");
                case RSA_OAEP -> Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
                case RSA_OAEP_256 -> Cipher.getInstance("RSA/ECB/OAEPPadding");
            };
            if (algorithm == EncryptionAlgorithm.RSA_OAEP_256) {
                cipher.init(Cipher.DECRYPT_MODE, key, new OAEPParameterSpec("SHA-256", "MGF1",
                        MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            } else {
                cipher.init(Cipher.DECRYPT_MODE, key);
            }
            return cipher.doFinal(ciphertext);
        } catch (BadPaddingException | javax.crypto.IllegalBlockSizeException e) {
            throw new VaultException(ErrorCode.DECRYPTION_FAILED, "vault '" + vault + "' could not decrypt with key '"
                    + keyName + "' and " + algorithm.jwaName() + ": the data was not encrypted to this key this way");
        } catch (GeneralSecurityException e) {
            throw VaultException.failure(vault, keyName, "decrypt with " + algorithm.jwaName(), e);
        }
    }

    public static byte[] agree(String vault, String keyName, PrivateKey key, java.security.PublicKey otherParty) {
        checkKeyType(vault, keyName, key, KeyType.EC, "agree on a key (ECDH)");
        try {
            javax.crypto.KeyAgreement agreement = javax.crypto.KeyAgreement.getInstance("ECDH");
            agreement.init(key);
            agreement.doPhase(otherParty, true);
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new VaultException(ErrorCode.DECRYPTION_FAILED, "vault '" + vault + "' could not agree on a key with "
                    + "key '" + keyName + "': the other party's key is not on the same curve");
        }
    }

    /** The DER DigestInfo that RSASSA-PKCS1-v1_5 signs (RFC 8017, section 9.2). */
    private static byte[] digestInfo(SignatureAlgorithm algorithm, byte[] digest) throws java.io.IOException {
        var oid = switch (algorithm.digestAlgorithm()) {
            case "SHA-1" -> org.bouncycastle.asn1.oiw.OIWObjectIdentifiers.idSHA1;
            case "SHA-256" -> NISTObjectIdentifiers.id_sha256;
            case "SHA-384" -> NISTObjectIdentifiers.id_sha384;
            default -> NISTObjectIdentifiers.id_sha512;
        };
        return new DigestInfo(new AlgorithmIdentifier(oid, DERNull.INSTANCE), digest).getEncoded();
    }

    private static void checkKeyType(String vault, String keyName, PrivateKey key, KeyType needed, String operation) {
        KeyType actual = key instanceof RSAPrivateKey ? KeyType.RSA : key instanceof ECPrivateKey ? KeyType.EC : null;
        if (actual != needed) {
            throw VaultException.notSupported(vault, keyName, operation, "the key is " + actual + ", not " + needed);
        }
    }

    /** Overwrites a buffer that held key material. */
    public static void wipe(byte[] secret) {
        if (secret != null) {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }

}
