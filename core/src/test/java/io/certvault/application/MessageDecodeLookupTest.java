package io.certvault.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.CertificateRepository;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.KeyReference;
import io.certvault.messaging.ContentEncryption;
import io.certvault.messaging.SigningAlgorithm;
import io.certvault.messaging.SmimeEncoder;
import io.certvault.testing.FixedMessageSettings;
import io.certvault.testing.InMemoryRepositories;
import io.certvault.testing.InMemoryVault;
import io.certvault.testing.TestCallers;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.VaultRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.CMSAlgorithm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decode finds the private certificate a message is encrypted to, and the certificate its signature names,
 * among many of the account's certificates, by asking the repository for exactly those.
 */
class MessageDecodeLookupTest {
    private static final int PARTNERS = 300;

    private final InMemoryRepositories repositories = new InMemoryRepositories();
    /** The repository calls decode made, by method name. */
    private final List<String> calls = new ArrayList<>();
    private final Guard guard = TestCallers.adminGuard();
    private final VaultRegistry vaults = InMemoryVault.registry();
    private final CertificateKeys certificateKeys = TestCallers.keys(vaults, guard);
    /** Where the partners keep their own keys: not Certvault's. */
    private final InMemoryVault partnerVault = new InMemoryVault("partners");
    @TempDir
    Path spool;
    private MessageSecurityService messages;
    private final List<X509Certificate> partners = new ArrayList<>();
    private X509Certificate oursRsa;
    private X509Certificate oursEc;

    private io.certvault.vault.BoundKey partnerKey(String name) {
        return io.certvault.vault.BoundKey.of(partnerVault, partnerVault.getKey(name, null));
    }

    @BeforeEach
    void setUp() {
        new IntegrationAccountService(repositories, guard).put("contoso", null, null, null);
        CertificateService certificates = new CertificateService(repositories, repositories,
                repositories.agreements(), certificateKeys, guard);
        for (int i = 0; i < PARTNERS; i++) {
            KeyPair pair = TestCertificates.ec("secp256r1");
            partnerVault.importKey("partner-" + i, pair);
            X509Certificate certificate = TestCertificates.selfSigned(pair, "partner-" + i);
            partners.add(certificate);
            certificates.put("contoso", String.format("partner-%03d", i), TestCertificates.base64(certificate), null,
                    null);
        }
        KeyPair rsa = TestCertificates.rsa(2048);
        KeyPair ec = TestCertificates.ec("secp256r1");
        vaults.vault("default").importKey("ours-rsa", rsa);
        vaults.vault("default").importKey("ours-ec", ec);
        oursRsa = TestCertificates.selfSigned(rsa, "ours-rsa");
        oursEc = TestCertificates.selfSigned(ec, "ours-ec");
        certificates.put("contoso", "ours-rsa", TestCertificates.base64(oursRsa),
                new KeyReference("default", "ours-rsa", null), null);
        certificates.put("contoso", "ours-ec", TestCertificates.base64(oursEc),
                new KeyReference("default", "ours-ec", null), null);
        messages = new MessageSecurityService(repositories, counting(repositories), certificateKeys,
                new FixedMessageSettings(spool, 1024 * 1024, false), guard);
    }

    @Test
    void findsTheRecipientAndTheSignerByIssuerAndSerialNumber() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var encoded = SmimeEncoder.encode(new ByteArrayInputStream("ISA*00*invoice".getBytes(StandardCharsets.US_ASCII)),
                "application/edi-x12", new SmimeEncoder.Signing(partners.get(123), partnerKey("partner-123"),
                        SigningAlgorithm.DEFAULT), new SmimeEncoder.Encryption(oursEc, ContentEncryption.AES256), false,
                body);

        try (var decoded = messages.decode("contoso", new ByteArrayInputStream(body.toByteArray()),
                encoded.contentType(), null, null)) {
            assertThat(decoded.decryptedWith()).isEqualTo("ours-ec");
            assertThat(decoded.signedBy()).isEqualTo("partner-123");
            assertThat(decoded.payload().input().readAllBytes()).asString(StandardCharsets.US_ASCII)
                    .isEqualTo("ISA*00*invoice");
        }
        // One lookup for the recipient and one for the signer: the other 301 certificates stay unread.
        assertThat(calls).containsExactly("findByIssuerAndSerialNumber", "findByIssuerAndSerialNumber");
    }

    @Test
    void findsARecipientNamedBySubjectKeyIdentifier() throws Exception {
        // The certificate has no subject key identifier extension: Outlook names it by the SHA-1 of its public key info.
        byte[] identifier = MessageDigest.getInstance("SHA-1").digest(oursRsa.getPublicKey().getEncoded());
        CMSEnvelopedDataGenerator generator = new CMSEnvelopedDataGenerator();
        generator.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(identifier, oursRsa.getPublicKey()));
        byte[] enveloped = generator.generate(new CMSProcessableByteArray(
                "Content-Type: text/plain\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII)),
                new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES128_CBC).build()).getEncoded();

        try (var decoded = messages.decode("contoso", new ByteArrayInputStream(Base64.getMimeEncoder()
                .encode(enveloped)), "application/pkcs7-mime; smime-type=enveloped-data", "base64", null)) {
            assertThat(decoded.decryptedWith()).isEqualTo("ours-rsa");
            assertThat(decoded.payload().input().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
        }
        assertThat(calls).containsExactly("findBySubjectKeyIdentifier");
    }

    @Test
    void aSignerThatIsNotTheNamedVerificationCertificateIsRefused() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var encoded = SmimeEncoder.encode(new ByteArrayInputStream(new byte[] {1, 2, 3}), "application/octet-stream",
                new SmimeEncoder.Signing(partners.get(7), partnerKey("partner-7"), SigningAlgorithm.DEFAULT),
                null, false, body);

        assertThatThrownBy(() -> messages.decode("contoso", new ByteArrayInputStream(body.toByteArray()),
                encoded.contentType(), null, "partner-008")).isInstanceOf(CertvaultException.class)
                .hasMessageContaining("which is not certificate 'partner-008'")
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).isEqualTo(ErrorCode.SIGNER_UNKNOWN));
        try (var decoded = messages.decode("contoso", new ByteArrayInputStream(body.toByteArray()),
                encoded.contentType(), null, "partner-007")) {
            assertThat(decoded.signedBy()).isEqualTo("partner-007");
        }
    }

    /** The repository, recording which of its methods decode calls (finding the named verification aside). */
    private CertificateRepository counting(CertificateRepository repository) {
        return (CertificateRepository) Proxy.newProxyInstance(CertificateRepository.class.getClassLoader(),
                new Class<?>[] {CertificateRepository.class}, (proxy, method, arguments) -> {
                    if (!method.getName().equals("find")) {
                        calls.add(method.getName());
                    }
                    try {
                        return method.invoke(repository, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
