package io.certvault.pki;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads private keys for import into a vault: PEM (PKCS#8, encrypted PKCS#8, PKCS#1 RSA, SEC1 EC),
 * PKCS#12 (.pfx) and JSON Web Keys. Every key comes back as a checked key pair: the public half is derived
 * or read, and a test signature proves the halves belong together. Errors never include key bytes.
 */
public final class PrivateKeys {
    private static final JcaPEMKeyConverter CONVERTER = new JcaPEMKeyConverter();
    private static final List<String> CURVES = List.of("P-256", "P-384", "P-521");

    private PrivateKeys() {
    }

    /**
     * Reads the one private key in a PEM text; certificates and EC PARAMETERS blocks beside it are
     * skipped. {@code password} is needed only for an encrypted key.
     */
    public static KeyPair fromPem(String pem, char[] password) {
        if (pem == null || !pem.contains("-----BEGIN")) {
            throw invalid("The key is not PEM text: send a PKCS#8, PKCS#1 or EC private key in PEM.");
        }
        List<KeyPair> keys = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof PEMKeyPair pair) {
                    // SEC1 EC keys may omit the public point, so derive it the same way for every form.
                    keys.add(complete(CONVERTER.getPrivateKey(pair.getPrivateKeyInfo())));
                } else if (object instanceof PrivateKeyInfo info) {
                    keys.add(complete(CONVERTER.getPrivateKey(info)));
                } else if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    PrivateKeyInfo info = encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                            .setProvider(BouncyCastle.PROVIDER).build(requirePassword(password)));
                    keys.add(complete(CONVERTER.getPrivateKey(info)));
                } else if (object instanceof PEMEncryptedKeyPair encrypted) {
                    PEMKeyPair pair = encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                            .setProvider(BouncyCastle.PROVIDER).build(requirePassword(password)));
                    keys.add(complete(CONVERTER.getPrivateKey(pair.getPrivateKeyInfo())));
                } else if (!(object instanceof X509CertificateHolder || object instanceof ASN1ObjectIdentifier)) {
                    throw invalid("The PEM holds a " + describe(object) + ", not a private key.");
                }
            }
        } catch (PKCSException | OperatorCreationException | org.bouncycastle.openssl.EncryptionException e) {
            throw invalid("The encrypted private key could not be decrypted: check the password.");
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new CertvaultException(ErrorCode.INVALID_KEY, "The PEM could not be read as a private key.", e);
        }
        if (keys.size() != 1) {
            throw invalid(keys.isEmpty() ? "The PEM holds no private key."
                    : "The PEM holds " + keys.size() + " private keys: send one.");
        }
        return checked(keys.get(0));
    }

    /** Reads the one private key of a PKCS#12 file with its certificate's public key. */
    public static KeyPair fromPkcs12(byte[] pfx, char[] password) {
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(pfx), password == null ? new char[0] : password);
        } catch (IOException e) {
            throw invalid("The PKCS#12 file could not be opened: it is damaged or the password is wrong.");
        } catch (GeneralSecurityException e) {
            throw invalid("The PKCS#12 file could not be read: " + e.getClass().getSimpleName());
        }
        List<KeyPair> keys = new ArrayList<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Key key = store.getKey(alias, password == null ? new char[0] : password);
                if (key instanceof PrivateKey privateKey) {
                    var certificate = store.getCertificate(alias);
                    keys.add(certificate != null ? new KeyPair(certificate.getPublicKey(), privateKey)
                            : complete(privateKey));
                }
            }
        } catch (GeneralSecurityException e) {
            throw invalid("The PKCS#12 key could not be read: check the password.");
        }
        if (keys.size() != 1) {
            throw invalid(keys.isEmpty() ? "The PKCS#12 file holds no private key."
                    : "The PKCS#12 file holds " + keys.size() + " private keys: send one.");
        }
        return checked(keys.get(0));
    }

    /** Reads a private JSON Web Key (RFC 7517/7518): RSA with n, e, d (and the CRT values), or EC with crv, x, y, d. */
    public static KeyPair fromJwk(Jwk jwk) {
        try {
            String kty = jwk.kty() == null ? "" : jwk.kty().toUpperCase(Locale.ROOT).replace("-HSM", "");
            if (kty.equals("RSA")) {
                BigInteger n = number("n", jwk.n());
                BigInteger e = number("e", jwk.e());
                KeyFactory factory = KeyFactory.getInstance("RSA");
                PublicKey publicKey = factory.generatePublic(new RSAPublicKeySpec(n, e));
                if (jwk.p() == null || jwk.q() == null || jwk.dp() == null || jwk.dq() == null || jwk.qi() == null) {
                    throw invalid("The RSA JSON Web Key needs p, q, dp, dq and qi as well as n, e and d.");
                }
                PrivateKey privateKey = factory.generatePrivate(new RSAPrivateCrtKeySpec(n, e, number("d", jwk.d()),
                        number("p", jwk.p()), number("q", jwk.q()), number("dp", jwk.dp()), number("dq", jwk.dq()),
                        number("qi", jwk.qi())));
                return checked(new KeyPair(publicKey, privateKey));
            }
            if (kty.equals("EC")) {
                if (jwk.crv() == null || !CURVES.contains(jwk.crv())) {
                    throw invalid("The EC JSON Web Key needs crv, one of " + CURVES + ".");
                }
                ECParameterSpec params = curve(jwk.crv());
                KeyFactory factory = KeyFactory.getInstance("EC");
                PublicKey publicKey = factory.generatePublic(new ECPublicKeySpec(
                        new ECPoint(number("x", jwk.x()), number("y", jwk.y())), params));
                PrivateKey privateKey = factory.generatePrivate(new ECPrivateKeySpec(number("d", jwk.d()), params));
                return checked(new KeyPair(publicKey, privateKey));
            }
            throw invalid("The JSON Web Key's kty must be RSA or EC.");
        } catch (GeneralSecurityException e) {
            throw invalid("The JSON Web Key does not describe a valid key.");
        }
    }

    /** The fields of a JSON Web Key, base64url-encoded as RFC 7518 says. */
    public record Jwk(String kty, String n, String e, String d, String p, String q, String dp, String dq, String qi,
            String crv, String x, String y) {
    }

    /**
     * The PKCS#8 PEM of a private key, for a backend that keeps keys as text (it is key material: keep it
     * only where the backend's own protection applies).
     */
    public static String toPkcs8Pem(PrivateKey key) {
        java.io.StringWriter text = new java.io.StringWriter();
        try (var writer = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(text)) {
            writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new IllegalStateException("PEM encoding in memory cannot fail", e);
        }
        return text.toString();
    }

    /** Derives the public half of a private key: from the CRT values for RSA, as d·G for EC. */
    static KeyPair complete(PrivateKey privateKey) {
        try {
            if (privateKey instanceof RSAPrivateCrtKey rsa) {
                PublicKey publicKey = KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
                return new KeyPair(publicKey, privateKey);
            }
            if (privateKey instanceof ECPrivateKey ec) {
                var bcSpec = EC5Util.convertSpec(ec.getParams());
                var q = bcSpec.getG().multiply(ec.getS()).normalize();
                ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
                PublicKey publicKey = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, ec.getParams()));
                return new KeyPair(publicKey, privateKey);
            }
        } catch (GeneralSecurityException e) {
            throw invalid("The private key's public half could not be derived.");
        }
        if (privateKey instanceof RSAPrivateKey) {
            throw invalid("The RSA private key lacks its public exponent and CRT values: send a complete key.");
        }
        throw invalid("Keys of type " + privateKey.getAlgorithm() + " are not supported: use RSA or EC.");
    }

    /**
     * Checks the key is of a supported type and size, and that the private half signs what the public half
     * verifies.
     */
    public static KeyPair checked(KeyPair pair) {
        String algorithm = PublicKeys.algorithm(pair.getPublic());
        int size = PublicKeys.size(pair.getPublic());
        if (algorithm.equals("RSA") && (size < 2048 || size > 8192)) {
            throw new CertvaultException(ErrorCode.UNSUPPORTED_KEY_TYPE,
                    "RSA keys of " + size + " bits are not supported: use 2048 to 8192 bits.");
        }
        if (algorithm.equals("EC") && (!List.of(256, 384, 521).contains(size) || !onNistCurve(pair.getPublic()))) {
            throw new CertvaultException(ErrorCode.UNSUPPORTED_KEY_TYPE,
                    "EC keys on this curve are not supported: use P-256, P-384 or P-521.");
        }
        if (!algorithm.equals("RSA") && !algorithm.equals("EC")) {
            throw new CertvaultException(ErrorCode.UNSUPPORTED_KEY_TYPE,
                    "Keys of type " + algorithm + " are not supported: use RSA or EC.");
        }
        if (pair.getPrivate() instanceof RSAPrivateCrtKey rsa && !consistent(rsa, pair.getPublic())) {
            // A signature uses only the CRT values: a d (or a modulus) of another key would pass the probe below.
            throw invalid("The private key does not match its public key.");
        }
        try {
            String signatureAlgorithm = algorithm.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(signatureAlgorithm);
            signer.initSign(pair.getPrivate());
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(signatureAlgorithm);
            verifier.initVerify(pair.getPublic());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return pair;
            }
        } catch (GeneralSecurityException e) {
            // falls through to the mismatch error
        }
        throw invalid("The private key does not match its public key.");
    }

    /** Whether every part of an RSA private key belongs to one key, and that key is the public key's. */
    private static boolean consistent(RSAPrivateCrtKey key, PublicKey publicKey) {
        BigInteger n = key.getModulus();
        BigInteger p = key.getPrimeP();
        BigInteger q = key.getPrimeQ();
        BigInteger d = key.getPrivateExponent();
        BigInteger e = key.getPublicExponent();
        if (!(publicKey instanceof java.security.interfaces.RSAPublicKey rsa) || !rsa.getModulus().equals(n)
                || !rsa.getPublicExponent().equals(e) || p.signum() <= 0 || q.signum() <= 0 || !p.multiply(q).equals(n)) {
            return false;
        }
        BigInteger p1 = p.subtract(BigInteger.ONE);
        BigInteger q1 = q.subtract(BigInteger.ONE);
        BigInteger lambda = p1.divide(p1.gcd(q1)).multiply(q1);
        try {
            return e.multiply(d).mod(lambda).equals(BigInteger.ONE) && d.mod(p1).equals(key.getPrimeExponentP())
                    && d.mod(q1).equals(key.getPrimeExponentQ()) && q.modInverse(p).equals(key.getCrtCoefficient());
        } catch (ArithmeticException notInvertible) {
            return false;
        }
    }

    /** Whether an EC public key lies on P-256, P-384 or P-521 (secp256k1 has the size of P-256, not its curve). */
    private static boolean onNistCurve(PublicKey publicKey) {
        if (!(publicKey instanceof java.security.interfaces.ECPublicKey ec)) {
            return false;
        }
        ECParameterSpec params = ec.getParams();
        for (String name : CURVES) {
            try {
                ECParameterSpec nist = curve(name);
                if (nist.getCurve().equals(params.getCurve()) && nist.getGenerator().equals(params.getGenerator())
                        && nist.getOrder().equals(params.getOrder())) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("The JDK lacks the NIST curve " + name, e);
            }
        }
        return false;
    }

    /** The JCA parameters of a NIST curve by its JWA name. */
    static ECParameterSpec curve(String jwaName) throws GeneralSecurityException {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp" + jwaName.substring(2) + "r1"));
        return parameters.getParameterSpec(ECParameterSpec.class);
    }

    static boolean isPrivateKeyObject(Object pemObject) {
        return pemObject instanceof PEMKeyPair || pemObject instanceof PrivateKeyInfo
                || pemObject instanceof PKCS8EncryptedPrivateKeyInfo || pemObject instanceof PEMEncryptedKeyPair;
    }

    /** A short name for a PEM object, for messages. */
    static String describe(Object pemObject) {
        if (pemObject instanceof X509CertificateHolder) {
            return "certificate";
        }
        if (isPrivateKeyObject(pemObject)) {
            return "private key";
        }
        String name = pemObject.getClass().getSimpleName();
        return name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }

    private static char[] requirePassword(char[] password) {
        if (password == null || password.length == 0) {
            throw invalid("The private key is encrypted: send its password.");
        }
        return password;
    }

    private static BigInteger number(String field, String base64url) {
        if (base64url == null || base64url.isEmpty()) {
            throw invalid("The JSON Web Key lacks '" + field + "'.");
        }
        try {
            return new BigInteger(1, Base64.getUrlDecoder().decode(base64url.replace('+', '-').replace('/', '_')
                    .replace("=", "")));
        } catch (IllegalArgumentException e) {
            throw invalid("The JSON Web Key's '" + field + "' is not base64url.");
        }
    }

    private static CertvaultException invalid(String message) {
        return new CertvaultException(ErrorCode.INVALID_KEY, message);
    }
}
