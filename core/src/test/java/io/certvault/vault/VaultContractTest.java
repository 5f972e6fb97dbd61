package io.certvault.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.pki.PublicKeys;
import io.certvault.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every vault backend keeps. A backend's test extends this and opens a fresh, empty vault.
 */
public abstract class VaultContractTest {
    private static final byte[] MESSAGE = "Certvault contract test".getBytes(StandardCharsets.UTF_8);

    protected Vault vault;

    /** A new vault with no keys. */
    protected abstract Vault openVault() throws Exception;

    /**
     * The key name a test uses for {@code base}. A backend whose deleted names linger (Azure's soft delete)
     * makes them unique per run.
     */
    protected String name(String base) {
        return base;
    }

    @BeforeEach
    void open() throws Exception {
        vault = openVault();
    }

    @AfterEach
    void close() {
        vault.close();
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"RSA_2048", "RSA_3072", "EC_P256", "EC_P384"})
    void createsKeysOfEachSpec(KeySpec spec) {
        VaultKey created = vault.createKey(name("created-" + spec.name().toLowerCase().replace('_', '-')), spec);

        assertThat(created.type()).isEqualTo(spec.type());
        assertThat(created.size()).isEqualTo(spec.size());
        VaultKey read = vault.getKey(created.name(), null);
        assertThat(read.version()).isEqualTo(created.version());
        assertThat(PublicKeys.same(read.publicKey(), created.publicKey())).isTrue();
        assertThat(vault.listKeys()).extracting(VaultKey::name).contains(created.name());
    }

    @Test
    void importedKeyKeepsItsPublicKeyAndSigns() throws Exception {
        KeyPair pair = TestCertificates.rsa(2048);

        VaultKey imported = vault.importKey(name("partner-signing"), pair);

        assertThat(PublicKeys.same(imported.publicKey(), pair.getPublic())).isTrue();
        byte[] signature = vault.sign(name("partner-signing"), null, SignatureAlgorithm.RS256, sha("SHA-256"));
        assertThat(verify("SHA256withRSA", pair.getPublic(), signature)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void signsWithWhatItDeclaresAndRefusesTheRest(SignatureAlgorithm algorithm) throws Exception {
        KeySpec spec = algorithm.keyType() == KeyType.RSA ? KeySpec.RSA_2048
                : algorithm == SignatureAlgorithm.ES384 ? KeySpec.EC_P384 : KeySpec.EC_P256;
        VaultKey key = vault.createKey(name("declared-signer"), spec);
        byte[] digest = sha(algorithm.digestAlgorithm());
        if (!vault.capabilities().signs(algorithm)) {
            assertCode(() -> vault.sign(key, algorithm, digest), ErrorCode.VAULT_OPERATION_NOT_SUPPORTED);
            return;
        }
        assertThat(LocalKeyOperations.verify(key.publicKey(), algorithm, digest, vault.sign(key, algorithm, digest)))
                .isTrue();
    }

    @Test
    void declaresWhatItCanDo() {
        VaultCapabilities capabilities = vault.capabilities();
        assertThat(capabilities.signatureAlgorithms()).contains(SignatureAlgorithm.RS256, SignatureAlgorithm.ES256);
        assertThat(capabilities.decryptionAlgorithms()).contains(EncryptionAlgorithm.RSA_OAEP_256);
        assertThat(capabilities.importsKeys()).isTrue();
        assertThat(capabilities.createsKeys()).isTrue();
        for (KeySpec spec : capabilities.keySpecs()) {
            assertThat(vault.createKey(name("declared-" + spec.name().toLowerCase().replace('_', '-')), spec).size())
                    .isEqualTo(spec.size());
        }
    }

    @ParameterizedTest
    @EnumSource(value = SignatureAlgorithm.class, names = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
    void signsWithRsa(SignatureAlgorithm algorithm) throws Exception {
        VaultKey key = vault.createKey(name("rsa-signer"), KeySpec.RSA_2048);

        byte[] signature = vault.sign(key.name(), key.version(), algorithm, sha(algorithm.digestAlgorithm()));

        String hash = algorithm.digestAlgorithm().replace("-", "");
        Signature verifier;
        if (algorithm.isPss()) {
            verifier = Signature.getInstance("RSASSA-PSS");
            verifier.setParameter(new PSSParameterSpec(algorithm.digestAlgorithm(), "MGF1",
                    new MGF1ParameterSpec(algorithm.digestAlgorithm()), algorithm.digestLength(), 1));
        } else {
            verifier = Signature.getInstance(hash + "withRSA");
        }
        verifier.initVerify(key.publicKey());
        verifier.update(MESSAGE);
        assertThat(verifier.verify(signature)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = SignatureAlgorithm.class, names = {"ES256", "ES384"})
    void signsWithEc(SignatureAlgorithm algorithm) throws Exception {
        KeySpec spec = algorithm == SignatureAlgorithm.ES256 ? KeySpec.EC_P256 : KeySpec.EC_P384;
        VaultKey key = vault.createKey(name("ec-signer"), spec);

        byte[] signature = vault.sign(key.name(), null, algorithm, sha(algorithm.digestAlgorithm()));

        String jca = algorithm.digestAlgorithm().replace("-", "") + "withECDSA";
        assertThat(verify(jca, key.publicKey(), signature)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(EncryptionAlgorithm.class)
    void decryptsWhatWasEncryptedToItsPublicKey(EncryptionAlgorithm algorithm) throws Exception {
        VaultKey key = vault.createKey(name("rsa-decrypter"), KeySpec.RSA_2048);
        // What the backend declares it cannot do, it must refuse plainly.
        if (!vault.capabilities().decrypts(algorithm)) {
            assertCode(() -> vault.decrypt(key.name(), null, algorithm, new byte[256]),
                    ErrorCode.VAULT_OPERATION_NOT_SUPPORTED);
            return;
        }
        byte[] contentKey = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

        Cipher cipher = switch (algorithm) {
            case RSA1_5 -> Cipher.getInstance("RSA/ECB/PKCS1Padding");
            case RSA_OAEP -> Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
            case RSA_OAEP_256 -> Cipher.getInstance("RSA/ECB/OAEPPadding");
        };
        if (algorithm == EncryptionAlgorithm.RSA_OAEP_256) {
            cipher.init(Cipher.ENCRYPT_MODE, key.publicKey(), new OAEPParameterSpec("SHA-256", "MGF1",
                    MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
        } else {
            cipher.init(Cipher.ENCRYPT_MODE, key.publicKey());
        }

        assertThat(vault.decrypt(key.name(), null, algorithm, cipher.doFinal(contentKey))).isEqualTo(contentKey);
    }

    @Test
    void agreesOnKeysWithEcdhOrSaysItCannot() throws Exception {
        VaultKey key = vault.createKey(name("ec-agreer"), KeySpec.EC_P256);
        KeyPair other = TestCertificates.ec("secp256r1");

        if (!vault.capabilities().keyAgreement()) {
            assertCode(() -> vault.agree(key.name(), null, other.getPublic()), ErrorCode.VAULT_OPERATION_NOT_SUPPORTED);
            return;
        }
        javax.crypto.KeyAgreement expected = javax.crypto.KeyAgreement.getInstance("ECDH");
        expected.init(other.getPrivate());
        expected.doPhase(key.publicKey(), true);
        assertThat(vault.agree(key.name(), null, other.getPublic())).isEqualTo(expected.generateSecret());
        VaultKey rsa = vault.createKey(name("rsa-no-agreement"), KeySpec.RSA_2048);
        assertCode(() -> vault.agree(rsa.name(), null, other.getPublic()), ErrorCode.VAULT_OPERATION_NOT_SUPPORTED);
    }

    @Test
    void decryptingForeignDataFailsClearly() {
        vault.createKey(name("rsa-decrypter"), KeySpec.RSA_2048);

        assertCode(() -> vault.decrypt(name("rsa-decrypter"), null, EncryptionAlgorithm.RSA_OAEP_256, new byte[256]),
                ErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void newVersionsBecomeCurrentAndOldVersionsStayUsable() throws Exception {
        KeyPair first = TestCertificates.rsa(2048);
        KeyPair second = TestCertificates.rsa(2048);
        VaultKey v1 = vault.importKey(name("rotating"), first);
        VaultKey v2 = vault.importKey(name("rotating"), second);

        assertThat(v1.version()).isNotEqualTo(v2.version());
        assertThat(vault.listVersions(name("rotating"))).extracting(VaultKey::version).containsExactly(v1.version(), v2.version());
        assertThat(vault.getKey(name("rotating"), null).version()).isEqualTo(v2.version());
        assertThat(vault.listKeys()).filteredOn(k -> k.name().equals(name("rotating"))).singleElement()
                .extracting(VaultKey::version).isEqualTo(v2.version());

        byte[] oldSignature = vault.sign(name("rotating"), v1.version(), SignatureAlgorithm.RS256, sha("SHA-256"));
        assertThat(verify("SHA256withRSA", first.getPublic(), oldSignature)).isTrue();
        byte[] currentSignature = vault.sign(name("rotating"), null, SignatureAlgorithm.RS256, sha("SHA-256"));
        assertThat(verify("SHA256withRSA", second.getPublic(), currentSignature)).isTrue();
    }

    @Test
    void deletedKeysAreGone() {
        vault.createKey(name("short-lived"), KeySpec.EC_P256);

        vault.deleteKey(name("short-lived"));

        assertThat(vault.listKeys()).extracting(VaultKey::name).doesNotContain(name("short-lived"));
        assertCode(() -> vault.getKey(name("short-lived"), null), ErrorCode.KEY_NOT_FOUND);
    }

    @Test
    void unknownKeysAndVersionsAreNotFound() {
        vault.createKey(name("known"), KeySpec.EC_P256);

        assertCode(() -> vault.getKey(name("unknown"), null), ErrorCode.KEY_NOT_FOUND);
        assertCode(() -> vault.getKey(name("known"), "0123456789abcdef0123456789abcdef"), ErrorCode.KEY_NOT_FOUND);
        assertCode(() -> vault.sign(name("unknown"), null, SignatureAlgorithm.ES256, new byte[32]), ErrorCode.KEY_NOT_FOUND);
        assertCode(() -> vault.decrypt(name("unknown"), null, EncryptionAlgorithm.RSA_OAEP, new byte[256]),
                ErrorCode.KEY_NOT_FOUND);
        assertCode(() -> vault.deleteKey(name("unknown")), ErrorCode.KEY_NOT_FOUND);
        assertCode(() -> vault.listVersions(name("unknown")), ErrorCode.KEY_NOT_FOUND);
    }

    @Test
    void operationsTheKeyCannotDoAreRefusedWithTheirName() {
        vault.createKey(name("ec-only"), KeySpec.EC_P256);
        vault.createKey(name("rsa-only"), KeySpec.RSA_2048);

        assertCode(() -> vault.decrypt(name("ec-only"), null, EncryptionAlgorithm.RSA_OAEP, new byte[32]),
                ErrorCode.VAULT_OPERATION_NOT_SUPPORTED);
        assertCode(() -> vault.sign(name("rsa-only"), null, SignatureAlgorithm.ES256, new byte[32]),
                ErrorCode.VAULT_OPERATION_NOT_SUPPORTED);
        assertCode(() -> vault.sign(name("rsa-only"), null, SignatureAlgorithm.RS256, new byte[20]), ErrorCode.INVALID_REQUEST);
    }

    @Test
    void invalidKeyNamesAreRefused() {
        assertCode(() -> vault.createKey("../escape", KeySpec.EC_P256), ErrorCode.INVALID_NAME);
        assertCode(() -> vault.createKey("..", KeySpec.EC_P256), ErrorCode.INVALID_NAME);
        assertCode(() -> vault.getKey("a/b", null), ErrorCode.INVALID_NAME);
        assertCode(() -> vault.createKey("x".repeat(81), KeySpec.EC_P256), ErrorCode.INVALID_NAME);
    }

    protected static byte[] sha(String algorithm) throws Exception {
        return MessageDigest.getInstance(algorithm).digest(MESSAGE);
    }

    protected static boolean verify(String algorithm, PublicKey key, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(key);
        verifier.update(MESSAGE);
        return verifier.verify(signature);
    }

    protected static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOf(CertvaultException.class)
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).isEqualTo(code));
    }
}
