package io.certvault.vault.filesystem;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.ResourceName;
import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.KeySpec;
import io.certvault.vault.LocalKeyOperations;
import io.certvault.vault.SignatureAlgorithm;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultException;
import io.certvault.vault.VaultKey;
import io.certvault.pki.PrivateKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Keys as files: {@code <directory>/keys/<key name>/<version>.key}, one file per version, each
 * encrypted under the master key (see {@link KeyFile}). The current version is the newest.
 */
final class FilesystemVault implements Vault {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(FilesystemVault.class.getName());
    private static final String SUFFIX = ".key";
    private static final Comparator<VaultKey> OLDEST_FIRST =
            Comparator.comparing(VaultKey::created).thenComparing(VaultKey::version);

    private final String name;
    private final Path keysDirectory;
    private final MasterKey masterKey;
    private final Clock clock = Clock.systemUTC();
    /**
     * Key files already read, by path, with the modification time and size they had. A version's file is
     * written once, so a changed time or size means someone altered it: it is read (and checked) again.
     */
    private final java.util.Map<Path, Cached> files = new java.util.concurrent.ConcurrentHashMap<>();

    private record Cached(KeyFile file, java.nio.file.attribute.FileTime modified, long size,
            java.util.concurrent.atomic.AtomicReference<PrivateKey> privateKey) {
    }
    private final SecureRandom random = new SecureRandom();

    FilesystemVault(String name, Path directory, MasterKey masterKey) {
        this.name = name;
        this.keysDirectory = directory.resolve("keys");
        this.masterKey = masterKey;
        try {
            SecureFiles.createDirectories(keysDirectory);
            int abandoned = SecureFiles.deleteAbandoned(keysDirectory);
            if (abandoned > 0) {
                LOG.info(() -> "vault '" + name + "': deleted " + abandoned
                        + " temporary key files left by writes that were interrupted (no key was published from them)");
            }
        } catch (IOException e) {
            throw VaultException.configuration(name, "cannot create the vault directory " + keysDirectory + ": " + e);
        }
        checkMasterKey();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return FilesystemVaultProvider.TYPE;
    }

    @Override
    public VaultKey createKey(String keyName, KeySpec spec) {
        return store(keyName, spec.generate());
    }

    @Override
    public VaultKey importKey(String keyName, KeyPair keyPair) {
        return store(keyName, PrivateKeys.checked(keyPair));
    }

    private VaultKey store(String keyName, KeyPair keyPair) {
        Path keyDirectory = keyDirectory(keyName);
        String version = HexFormat.of().formatHex(randomBytes(16));
        // Millisecond precision, as the file keeps it.
        var created = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try {
            byte[] file = KeyFile.seal(masterKey.secretKey(), keyName, version, created, keyPair.getPublic(),
                    keyPair.getPrivate());
            SecureFiles.writeNew(keyDirectory.resolve(version + SUFFIX), file);
        } catch (IOException | GeneralSecurityException e) {
            throw VaultException.failure(name, keyName, "store a key", e);
        }
        return new VaultKey(keyName, version, keyPair.getPublic(), created);
    }

    @Override
    public List<VaultKey> listKeys() {
        List<VaultKey> keys = new ArrayList<>();
        try (Stream<Path> directories = Files.list(keysDirectory)) {
            for (Path directory : directories.filter(Files::isDirectory).sorted().toList()) {
                List<VaultKey> versions = versionsIn(directory.getFileName().toString(), directory);
                if (!versions.isEmpty()) {
                    keys.add(versions.get(versions.size() - 1));
                }
            }
        } catch (IOException e) {
            throw VaultException.failure(name, null, "list keys", e);
        }
        return keys;
    }

    /** The keys are here, so it does all that Certvault uses. */
    @Override
    public io.certvault.vault.VaultCapabilities capabilities() {
        return io.certvault.vault.VaultCapabilities.ALL;
    }

    @Override
    public VaultKey getKey(String keyName, String version) {
        if (version == null) {
            List<VaultKey> versions = listVersions(keyName);
            return versions.get(versions.size() - 1);
        }
        return withFile(keyName, version, "read a key", file -> new VaultKey(keyName, version, file.publicKey(),
                file.created()));
    }

    @Override
    public List<VaultKey> listVersions(String keyName) {
        List<VaultKey> versions = versionsIn(keyName, keyDirectory(keyName));
        if (versions.isEmpty()) {
            throw VaultException.keyNotFound(name, keyName, null);
        }
        return versions;
    }

    @Override
    public void deleteKey(String keyName) {
        Path keyDirectory = keyDirectory(keyName);
        listVersions(keyName);
        try (Stream<Path> files = Files.list(keyDirectory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
                this.files.remove(file);
            }
            Files.deleteIfExists(keyDirectory);
        } catch (IOException e) {
            throw VaultException.failure(name, keyName, "delete a key", e);
        }
    }

    @Override
    public byte[] sign(VaultKey version, SignatureAlgorithm algorithm, byte[] digest) {
        PrivateKey key = privateKey(version.name(), version.version(), "sign");
        return LocalKeyOperations.sign(name, version.name(), key, algorithm, digest);
    }

    @Override
    public byte[] decrypt(VaultKey version, EncryptionAlgorithm algorithm, byte[] ciphertext) {
        PrivateKey key = privateKey(version.name(), version.version(), "decrypt");
        return LocalKeyOperations.decrypt(name, version.name(), key, algorithm, ciphertext);
    }

    @Override
    public byte[] agree(VaultKey version, java.security.PublicKey otherParty) {
        PrivateKey key = privateKey(version.name(), version.version(), "agree on a key");
        return LocalKeyOperations.agree(name, version.name(), key, otherParty);
    }

    @Override
    public void close() {
        files.clear();
    }

    /**
     * The decrypted private key of a version, decrypted once and then held like the master key that can
     * decrypt it anyway: this process's memory only, never written, dropped on delete and close. Parsing a
     * key for every signature would cost a third of the RSA operation itself.
     */
    private PrivateKey privateKey(String keyName, String version, String operation) {
        String resolved = version != null ? version : getKey(keyName, null).version();
        ResourceName.require("key version", resolved);
        Path path = keyDirectory(keyName).resolve(resolved + SUFFIX);
        Cached cached;
        try {
            cached = cached(path);
        } catch (NoSuchFileException e) {
            throw VaultException.keyNotFound(name, keyName, resolved);
        } catch (KeyFile.Truncated e) {
            throw truncated(keyName, path, e);
        } catch (IOException | GeneralSecurityException e) {
            throw VaultException.failure(name, keyName, operation, e);
        }
        PrivateKey key = cached.privateKey().get();
        if (key == null) {
            try {
                key = cached.file().open(masterKey.secretKey(), keyName, resolved);
            } catch (GeneralSecurityException e) {
                throw new VaultException(ErrorCode.VAULT_FAILURE, "vault '" + name + "' cannot decrypt the file of key '"
                        + keyName + "' version '" + resolved + "': it was altered, or the master key is not the one it "
                        + "was written with");
            }
            cached.privateKey().set(key);
        }
        return key;
    }

    private <T> T withFile(String keyName, String version, String operation, Function<KeyFile, T> use) {
        ResourceName.require("key version", version);
        Path file = keyDirectory(keyName).resolve(version + SUFFIX);
        try {
            return use.apply(read(file));
        } catch (NoSuchFileException e) {
            throw VaultException.keyNotFound(name, keyName, version);
        } catch (KeyFile.Truncated e) {
            throw truncated(keyName, file, e);
        } catch (IOException | GeneralSecurityException e) {
            throw VaultException.failure(name, keyName, operation, e);
        }
    }

    private List<VaultKey> versionsIn(String keyName, Path keyDirectory) {
        if (!Files.isDirectory(keyDirectory)) {
            return List.of();
        }
        List<VaultKey> versions = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(keyDirectory, "[!.]*" + SUFFIX)) {
            for (Path path : files) {
                String fileName = path.getFileName().toString();
                String version = fileName.substring(0, fileName.length() - SUFFIX.length());
                KeyFile file;
                try {
                    file = read(path);
                } catch (KeyFile.Truncated e) {
                    throw truncated(keyName, path, e);
                }
                versions.add(new VaultKey(keyName, version, file.publicKey(), file.created()));
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | GeneralSecurityException e) {
            throw VaultException.failure(name, keyName, "list key versions", e);
        }
        versions.sort(OLDEST_FIRST);
        return versions;
    }

    private KeyFile read(Path path) throws IOException, GeneralSecurityException {
        return cached(path).file();
    }

    private Cached cached(Path path) throws IOException, GeneralSecurityException {
        var attributes = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
        Cached cached = files.get(path);
        if (cached == null || !cached.modified().equals(attributes.lastModifiedTime())
                || cached.size() != attributes.size()) {
            cached = new Cached(KeyFile.read(Files.readAllBytes(path)), attributes.lastModifiedTime(), attributes.size(),
                    new java.util.concurrent.atomic.AtomicReference<>());
            files.put(path, cached);
        }
        return cached;
    }

    /** A key file cut short is refused, never read as a key; the message names the file an operator restores. */
    private VaultException truncated(String keyName, Path file, KeyFile.Truncated e) {
        return new VaultException(ErrorCode.VAULT_FAILURE, "vault '" + name + "' refuses key '" + keyName + "' file '"
                + file.getFileName() + "': " + e.getMessage() + ", so it is not a whole key file; restore it from a backup");
    }

    /** The key's directory; the name rule and a containment check keep it inside the vault. */
    Path keyDirectory(String keyName) {
        ResourceName.require("key", keyName);
        Path directory = keysDirectory.resolve(keyName).normalize();
        if (!keysDirectory.equals(directory.getParent())) {
            throw new CertvaultException(ErrorCode.INVALID_NAME, "The key name '" + keyName + "' is invalid.");
        }
        return directory;
    }

    /** Fails start-up when the master key cannot open the keys already in the vault. */
    private void checkMasterKey() {
        List<VaultKey> keys;
        try {
            keys = listKeys();
        } catch (UncheckedIOException | CertvaultException e) {
            throw VaultException.configuration(name, "cannot read the keys in " + keysDirectory + ": " + e.getMessage());
        }
        if (!keys.isEmpty()) {
            VaultKey probe = keys.get(0);
            try {
                privateKey(probe.name(), probe.version(), "open");
            } catch (CertvaultException e) {
                throw VaultException.configuration(name, "the master key does not open the keys in " + keysDirectory
                        + ": configure the master key they were written with");
            }
        }
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
