package io.certvault.messaging;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.BoundKey;
import java.security.Key;
import java.security.PrivateKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
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
    public static Recipient enveloped(BoundKey key) {
        VaultKeyHandle handle = new VaultKeyHandle(key.vaultName(), key.keyName(), "RSA", null);
        return new JceKeyTransEnvelopedRecipient(handle) {
            @Override
            protected Key extractSecretKey(AlgorithmIdentifier keyEncryption, AlgorithmIdentifier contentEncryption,
                    byte[] encryptedKey) {
                return unwrap(key, keyEncryption, contentEncryption, encryptedKey);
            }
        };
    }

    /** For AuthEnvelopedData (AES-GCM content encryption). */
    public static Recipient authEnveloped(BoundKey key) {
        VaultKeyHandle handle = new VaultKeyHandle(key.vaultName(), key.keyName(), "RSA", null);
        return new JceKeyTransAuthEnvelopedRecipient(handle) {
            @Override
            protected Key extractSecretKey(AlgorithmIdentifier keyEncryption, AlgorithmIdentifier contentEncryption,
                    byte[] encryptedKey) {
                return unwrap(key, keyEncryption, contentEncryption, encryptedKey);
            }
        };
    }

    /** For EnvelopedData or AuthEnvelopedData encrypted to an EC certificate by key agreement (RFC 5753). */
    public static Recipient keyAgree(BoundKey key,
            java.security.cert.X509Certificate certificate, boolean authenticated) {
        VaultKeyHandle handle = new VaultKeyHandle(key.vaultName(), key.keyName(), "EC",
                SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded()).getAlgorithm());
        if (authenticated) {
            return new org.bouncycastle.cms.jcajce.JceKeyAgreeAuthEnvelopedRecipient(handle) {
                @Override
                protected Key extractSecretKey(AlgorithmIdentifier keyEncryption, AlgorithmIdentifier contentEncryption,
                        SubjectPublicKeyInfo sender, ASN1OctetString userKeyingMaterial, byte[] encryptedKey) {
                    return agreeAndUnwrap(key, certificate, keyEncryption, contentEncryption,
                            sender, userKeyingMaterial, encryptedKey);
                }
            }.setContentProvider(io.certvault.pki.BouncyCastle.PROVIDER);
        }
        return new org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient(handle) {
            @Override
            protected Key extractSecretKey(AlgorithmIdentifier keyEncryption, AlgorithmIdentifier contentEncryption,
                    SubjectPublicKeyInfo sender, ASN1OctetString userKeyingMaterial, byte[] encryptedKey) {
                return agreeAndUnwrap(key, certificate, keyEncryption, contentEncryption, sender,
                        userKeyingMaterial, encryptedKey);
            }
        };
    }

    /**
     * ECDH in the vault, then the X9.63 KDF over the ECC-CMS-SharedInfo and AES key unwrap here, as RFC 5753
     * section 3.1 describes the standard (and, on NIST curves equivalently, cofactor) schemes.
     */
    static Key agreeAndUnwrap(BoundKey key, java.security.cert.X509Certificate certificate,
            AlgorithmIdentifier keyEncryption, AlgorithmIdentifier contentEncryption, SubjectPublicKeyInfo sender,
            ASN1OctetString userKeyingMaterial, byte[] encryptedKey) {
        org.bouncycastle.crypto.Digest digest = KDF_DIGESTS.getOrDefault(keyEncryption.getAlgorithm(), () -> null).get();
        AlgorithmIdentifier wrap = AlgorithmIdentifier.getInstance(keyEncryption.getParameters());
        Integer kekBits = wrap == null ? null : WRAP_BITS.get(wrap.getAlgorithm());
        if (digest == null || kekBits == null) {
            throw new CertvaultException(ErrorCode.ALGORITHM_NOT_ALLOWED, "The message's key agreement "
                    + keyEncryption.getAlgorithm() + (wrap == null ? "" : " with " + wrap.getAlgorithm())
                    + " is not allowed: accepted are ECDH with an X9.63 SHA KDF and AES key wrap.");
        }
        byte[] z = null;
        byte[] kek = new byte[kekBits / 8];
        try {
            SubjectPublicKeyInfo recipientInfo = SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded());
            if (sender.getAlgorithm().getParameters() == null
                    || sender.getAlgorithm().getParameters() instanceof org.bouncycastle.asn1.ASN1Null) {
                // The originator's curve is the recipient's when the message leaves it out (RFC 5753, 3.1.1).
                sender = new SubjectPublicKeyInfo(recipientInfo.getAlgorithm(), sender.getPublicKeyData().getBytes());
            }
            java.security.PublicKey senderKey = java.security.KeyFactory.getInstance("EC")
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(sender.getEncoded()));
            z = key.agree(senderKey);
            byte[] sharedInfo = new org.bouncycastle.asn1.cms.ecc.ECCCMSSharedInfo(wrap,
                    userKeyingMaterial == null ? null : userKeyingMaterial.getOctets(),
                    java.nio.ByteBuffer.allocate(4).putInt(kekBits).array()).getEncoded("DER");
            var kdf = new org.bouncycastle.crypto.generators.KDF2BytesGenerator(digest);
            kdf.init(new org.bouncycastle.crypto.params.KDFParameters(z, sharedInfo));
            kdf.generateBytes(kek, 0, kek.length);
            javax.crypto.Cipher unwrap = javax.crypto.Cipher.getInstance("AESWrap");
            unwrap.init(javax.crypto.Cipher.UNWRAP_MODE, new SecretKeySpec(kek, "AES"));
            return unwrap.unwrap(encryptedKey, jceKeyAlgorithm(contentEncryption.getAlgorithm()),
                    javax.crypto.Cipher.SECRET_KEY);
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new CertvaultException(ErrorCode.DECRYPTION_FAILED, "The content key could not be recovered by key "
                    + "agreement with key '" + key.keyName() + "': the message was not encrypted to this certificate's key.");
        } finally {
            java.util.Arrays.fill(kek, (byte) 0);
            if (z != null) {
                java.util.Arrays.fill(z, (byte) 0);
            }
        }
    }

    private static final java.util.Map<ASN1ObjectIdentifier, java.util.function.Supplier<org.bouncycastle.crypto.Digest>>
            KDF_DIGESTS = java.util.Map.of(
                    CMSAlgorithm.ECDH_SHA1KDF, org.bouncycastle.crypto.util.DigestFactory::createSHA1,
                    CMSAlgorithm.ECDH_SHA224KDF, org.bouncycastle.crypto.util.DigestFactory::createSHA224,
                    CMSAlgorithm.ECDH_SHA256KDF, org.bouncycastle.crypto.util.DigestFactory::createSHA256,
                    CMSAlgorithm.ECDH_SHA384KDF, org.bouncycastle.crypto.util.DigestFactory::createSHA384,
                    CMSAlgorithm.ECDH_SHA512KDF, org.bouncycastle.crypto.util.DigestFactory::createSHA512,
                    CMSAlgorithm.ECCDH_SHA1KDF, org.bouncycastle.crypto.util.DigestFactory::createSHA1,
                    CMSAlgorithm.ECCDH_SHA256KDF, org.bouncycastle.crypto.util.DigestFactory::createSHA256,
                    CMSAlgorithm.ECCDH_SHA384KDF, org.bouncycastle.crypto.util.DigestFactory::createSHA384,
                    CMSAlgorithm.ECCDH_SHA512KDF, org.bouncycastle.crypto.util.DigestFactory::createSHA512);

    private static final java.util.Map<ASN1ObjectIdentifier, Integer> WRAP_BITS = java.util.Map.of(
            CMSAlgorithm.AES128_WRAP, 128, CMSAlgorithm.AES192_WRAP, 192, CMSAlgorithm.AES256_WRAP, 256);

    static Key unwrap(BoundKey key, AlgorithmIdentifier keyEncryption,
            AlgorithmIdentifier contentEncryption, byte[] encryptedKey) {
        byte[] contentKey = key.decrypt(keyTransport(keyEncryption), encryptedKey);
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
     * Stands for a vault key where BouncyCastle expects a private key; every use of it goes through the vault.
     * It holds no key material: BouncyCastle's key-agreement recipient reads the curve from a PKCS#8 encoding,
     * so for EC keys the encoding carries the algorithm and curve with an empty (NULL) key.
     */
    record VaultKeyHandle(String vaultName, String keyName, String algorithm, AlgorithmIdentifier curve)
            implements PrivateKey {
        @Override
        public String getAlgorithm() {
            return algorithm;
        }

        @Override
        public String getFormat() {
            return curve == null ? null : "PKCS#8";
        }

        @Override
        public byte[] getEncoded() {
            if (curve == null) {
                return null;
            }
            try {
                return new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(curve, org.bouncycastle.asn1.DERNull.INSTANCE)
                        .getEncoded();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("DER encoding in memory cannot fail", e);
            }
        }
    }
}
