package io.certvault.vault.filesystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.ErrorCode;
import io.certvault.pki.PublicKeys;
import io.certvault.testing.KeyLeaks;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.KeySpec;
import io.certvault.vault.SignatureAlgorithm;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultContext;
import io.certvault.vault.VaultContractTest;
import io.certvault.vault.VaultException;
import io.certvault.vault.VaultKey;
import io.certvault.vault.VaultRegistry;
import io.certvault.vault.VaultSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemVaultTest extends VaultContractTest {
    @TempDir
    Path dataDirectory;
    private final Map<String, String> config = new HashMap<>();

    @Override
    protected Vault openVault() {
        return open();
    }

    private Vault open() {
        VaultSettings root = VaultSettings.of(key -> Optional.ofNullable(config.get(key)));
        return new FilesystemVaultProvider().open(new VaultContext("default",
                root.scoped("certvault.vault.default."), root, dataDirectory));
    }

    private Path keysDirectory() {
        return dataDirectory.resolve("vaults/default/keys");
    }

    @Test
    void keysSurviveReopening() {
        VaultKey created = vault.createKey("durable", KeySpec.EC_P256);
        vault.close();

        Vault reopened = open();

        VaultKey read = reopened.getKey("durable", null);
        assertThat(read.version()).isEqualTo(created.version());
        assertThat(PublicKeys.same(read.publicKey(), created.publicKey())).isTrue();
        assertThat(read.created()).isEqualTo(created.created());
    }

    @Test
    void privateKeysAreEncryptedAtRest() throws Exception {
        KeyPair pair = TestCertificates.rsa(2048);
        VaultKey key = vault.importKey("secret", pair);

        byte[] file = Files.readAllBytes(keysDirectory().resolve("secret/" + key.version() + ".key"));
        // The public modulus is in the file on purpose; the secret numbers must not be.
        assertThat(KeyLeaks.inBytes(file, pair)).isFalse();
        assertThat(KeyLeaks.inBytes(pair.getPrivate().getEncoded(), pair)).as("the check finds a clear key").isTrue();
    }

    @Test
    void filesAndDirectoriesAreOwnerOnlyAndNoTemporaryFilesRemain() throws Exception {
        VaultKey key = vault.createKey("tidy", KeySpec.EC_P256);

        Path file = keysDirectory().resolve("tidy/" + key.version() + ".key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDirectory.resolve("master.key"))))
                .isEqualTo("rw-------");
        try (Stream<Path> all = Files.walk(dataDirectory)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void temporaryFilesOfInterruptedWritesAreNeverKeysAndAreDeletedAtStart() throws Exception {
        VaultKey key = vault.createKey("interrupted", KeySpec.EC_P256);
        Path keyDirectory = keysDirectory().resolve("interrupted");
        byte[] whole = Files.readAllBytes(keyDirectory.resolve(key.version() + ".key"));
        // What a kill leaves: half a key file under SecureFiles' temporary name, and a whole one never linked.
        Path abandoned = keyDirectory.resolve(".0123456789abcdef0123456789abcdef.key." + java.util.UUID.randomUUID() + ".tmp");
        Files.write(abandoned, java.util.Arrays.copyOf(whole, whole.length / 2));
        Path unpublished = keyDirectory.resolve(".fedcba9876543210fedcba9876543210.key." + java.util.UUID.randomUUID() + ".tmp");
        Files.write(unpublished, whole);
        var old = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(SecureFiles.ABANDONED_AFTER).minusSeconds(5));
        Files.setLastModifiedTime(abandoned, old);
        Files.setLastModifiedTime(unpublished, old);
        // One being written right now, by another server sharing the folder.
        Path inProgress = keyDirectory.resolve(".00000000000000000000000000000000.key." + java.util.UUID.randomUUID() + ".tmp");
        Files.write(inProgress, new byte[] {1, 2, 3});

        assertThat(vault.listVersions("interrupted")).extracting(VaultKey::version).containsExactly(key.version());
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(FilesystemVault.class.getName());
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        Vault reopened;
        try {
            reopened = open();
        } finally {
            log.removeHandler(handler);
        }

        assertThat(abandoned).doesNotExist();
        assertThat(unpublished).doesNotExist();
        assertThat(inProgress).exists();
        assertThat(logged).anySatisfy(message -> assertThat(message).contains("vault 'default': deleted 2 temporary key files"));
        assertThat(reopened.listVersions("interrupted")).extracting(VaultKey::version).containsExactly(key.version());
    }

    @Test
    void aTruncatedKeyFileIsRefusedWithAClearError() throws Exception {
        VaultKey key = vault.createKey("cut", KeySpec.EC_P256);
        Path file = keysDirectory().resolve("cut/" + key.version() + ".key");
        byte[] whole = Files.readAllBytes(file);
        int beforePrivateKey = KeyFile.read(whole).header().length + 12 + 16;
        // Cut in the format mark, the header, the public key and before the encrypted private key (nonce and tag).
        for (int length : new int[] {0, 2, 10, 40, beforePrivateKey}) {
            Files.write(file, java.util.Arrays.copyOf(whole, length));
            assertThatThrownBy(() -> vault.getKey("cut", key.version())).as("cut to " + length + " bytes")
                    .isInstanceOf(VaultException.class)
                    .hasMessageContaining("vault 'default' refuses key 'cut' file '" + key.version() + ".key': it ends after "
                            + length + " bytes")
                    .hasMessageContaining("not a whole key file; restore it from a backup");
            assertThatThrownBy(() -> vault.listVersions("cut")).as("cut to " + length + " bytes")
                    .hasMessageContaining("it ends after " + length + " bytes");
        }
        // Cut inside the encrypted private key: its authentication tag does not match, so it is no key either.
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 1));
        assertThatThrownBy(() -> vault.sign(key, SignatureAlgorithm.ES256, new byte[32]))
                .isInstanceOf(VaultException.class).hasMessageContaining("cannot decrypt the file of key 'cut'");
    }

    @Test
    void atomicWritesNeverReplaceAnExistingFile() throws Exception {
        Path target = dataDirectory.resolve("atomic/file");
        SecureFiles.writeNew(target, new byte[] {1});

        assertThatThrownBy(() -> SecureFiles.writeNew(target, new byte[] {2}))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(target)).containsExactly(1);
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            assertThat(siblings).containsExactly(target);
        }
    }

    @Test
    void keyNamesCannotEscapeTheVaultDirectory() {
        for (String name : List.of("..", ".", "../../etc", "a/../../b", "/etc/passwd", "..\\x")) {
            assertCode(() -> vault.createKey(name, KeySpec.EC_P256), ErrorCode.INVALID_NAME);
            assertCode(() -> vault.getKey("fine", name), ErrorCode.INVALID_NAME);
        }
        try (Stream<Path> all = Files.walk(dataDirectory)) {
            assertThat(all.filter(Files::isRegularFile).map(Path::getFileName).map(Path::toString))
                    .containsOnly("master.key");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void generatesTheMasterKeyOnceAndUsesAConfiguredOne() throws Exception {
        String generated = Files.readString(dataDirectory.resolve("master.key"));
        assertThat(Base64.getDecoder().decode(generated.trim())).hasSize(32);
        open().close();
        assertThat(Files.readString(dataDirectory.resolve("master.key"))).isEqualTo(generated);

        vault.createKey("under-generated", KeySpec.EC_P256);
        config.put("certvault.master-key", randomMasterKey());
        assertThatThrownBy(this::open).isInstanceOf(VaultException.class)
                .hasMessageContaining("master key does not open the keys")
                .satisfies(e -> assertThat(((VaultException) e).errorCode()).isEqualTo(ErrorCode.VAULT_CONFIGURATION_INVALID));
    }

    @Test
    void aVaultOwnMasterKeyAndPathTakePrecedence() {
        Path elsewhere = dataDirectory.resolve("elsewhere");
        config.put("certvault.vault.default.path", elsewhere.toString());
        config.put("certvault.vault.default.master-key", randomMasterKey());
        config.put("certvault.master-key", "not even base64!");

        Vault configured = open();
        configured.createKey("placed", KeySpec.EC_P256);

        assertThat(elsewhere.resolve("keys/placed")).isDirectory();
    }

    @Test
    void refusesABadMasterKey() {
        config.put("certvault.master-key", Base64.getEncoder().encodeToString(new byte[16]));
        assertThatThrownBy(this::open).hasMessageContaining("must be 32 bytes");
        config.put("certvault.master-key", "%%%");
        assertThatThrownBy(this::open).hasMessageContaining("not base64");
    }

    @Test
    void aTamperedKeyFileIsRefused() throws Exception {
        VaultKey key = vault.createKey("tampered", KeySpec.EC_P256);
        Path file = keysDirectory().resolve("tampered/" + key.version() + ".key");
        byte[] content = Files.readAllBytes(file);
        content[content.length - 5] ^= 1;
        Files.write(file, content);

        assertThatThrownBy(() -> vault.sign("tampered", null, SignatureAlgorithm.ES256, new byte[32]))
                .isInstanceOf(VaultException.class).hasMessageContaining("was altered");
    }

    @Test
    void aKeyFileRenamedToAnotherKeyIsRefused() throws Exception {
        VaultKey a = vault.createKey("a", KeySpec.EC_P256);
        vault.createKey("b", KeySpec.EC_P256);
        Files.copy(keysDirectory().resolve("a/" + a.version() + ".key"), keysDirectory().resolve("b/" + a.version() + ".key"));

        assertThatThrownBy(() -> vault.sign("b", a.version(), SignatureAlgorithm.ES256, new byte[32]))
                .hasMessageContaining("was altered");
    }

    @Test
    void isFoundByServiceLoaderAsTheDefaultVault() {
        VaultSettings settings = VaultSettings.of(key -> Optional.ofNullable(config.get(key)));
        try (VaultRegistry registry = VaultRegistry.open(settings, dataDirectory)) {
            assertThat(registry.vault("default").type()).isEqualTo("filesystem");
        }
    }

    private static String randomMasterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
