package io.certvault.vault.hashicorp;

import io.certvault.domain.ErrorCode;
import io.certvault.vault.VaultContext;
import io.certvault.vault.VaultException;
import io.github.jopenlibs.vault.SslConfig;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.response.LogicalResponse;
import java.io.File;
import java.util.Locale;
import java.util.Map;

/**
 * The vault-java-driver client of one configured Vault, signed in. Its answers are checked here: the driver
 * does not throw on 4xx, so every status is turned into Certvault's error with the path Vault refused.
 */
final class HashiCorpClient {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(HashiCorpClient.class.getName());

    private final String vaultName;
    private final String address;
    private final VaultConfig config;
    private final Vault vault;
    /** Signs in again (AppRole, Kubernetes); null for a token given by configuration. */
    private final Login login;
    private java.time.Instant renewAt;
    /** Whether the last sign-in failed: the next call tries again, so Vault may come up after Certvault. */
    private boolean signedOut;

    @FunctionalInterface
    private interface Login {
        io.github.jopenlibs.vault.response.AuthResponse run(Vault unauthenticated)
                throws io.github.jopenlibs.vault.VaultException;
    }

    private HashiCorpClient(String vaultName, String address, VaultConfig config, Login login)
            throws io.github.jopenlibs.vault.VaultException {
        this.vaultName = vaultName;
        this.address = address;
        this.config = config;
        this.login = login;
        this.vault = Vault.create(config);
        if (login != null) {
            try {
                signIn();
            } catch (io.github.jopenlibs.vault.VaultException e) {
                // Not fatal: the vault starts Down and signs in on first use (see refreshToken).
                signedOut = true;
                LOG.warning(() -> "Vault '" + vaultName + "' at " + address + ": sign-in failed (HTTP "
                        + e.getHttpStatusCode() + "); will try again on use");
            }
        }
    }

    private void signIn() throws io.github.jopenlibs.vault.VaultException {
        var auth = login.run(Vault.create(config));
        config.token(auth.getAuthClientToken());
        scheduleRenewal(auth.getAuthLeaseDuration());
    }

    /** Renew when two thirds of the token's lease have passed. */
    private void scheduleRenewal(long leaseSeconds) {
        renewAt = leaseSeconds > 0 ? java.time.Instant.now().plusMillis(leaseSeconds * 1000 * 2 / 3) : null;
    }

    /** Keeps a signed-in token alive: renew it, or, when it cannot be renewed any more, sign in again. */
    private synchronized void refreshToken() {
        if (login != null && signedOut) {
            try {
                signIn();
                signedOut = false;
            } catch (io.github.jopenlibs.vault.VaultException e) {
                int status = e.getHttpStatusCode();
                throw new VaultException(status == 0 || status >= 500 ? ErrorCode.VAULT_UNAVAILABLE
                        : ErrorCode.VAULT_ACCESS_DENIED, "vault '" + vaultName + "' (" + address + ") did not let "
                        + "Certvault sign in (HTTP " + status + "): check that Vault is up and unsealed, and the "
                        + "role-id and secret-id (AppRole) or role and service account token (Kubernetes)", e);
            }
            return;
        }
        if (login == null || renewAt == null || java.time.Instant.now().isBefore(renewAt)) {
            return;
        }
        try {
            var renewed = vault.auth().renewSelf();
            scheduleRenewal(renewed.getAuthLeaseDuration());
        } catch (io.github.jopenlibs.vault.VaultException e) {
            LOG.info(() -> "Vault '" + vaultName + "': token renewal refused (" + e.getHttpStatusCode()
                    + "), signing in again");
            try {
                signIn();
            } catch (io.github.jopenlibs.vault.VaultException again) {
                LOG.warning(() -> "Vault '" + vaultName + "': sign-in failed (" + again.getHttpStatusCode() + ")");
            }
        }
    }

    static HashiCorpClient open(VaultContext context) {
        return open(context, 1);
    }

    /**
     * @param engineVersion 1 for paths as they are (Transit, KV metadata), 2 for KV v2 writes, where the driver
     *     puts {@code /data/} into the path and wraps the body in {@code {"data": ...}}
     */
    static HashiCorpClient open(VaultContext context, int engineVersion) {
        String name = context.name();
        String address = context.require("address").replaceAll("/+$", "");
        int timeout = context.settings().get("timeout").map(Integer::parseInt).orElse(10);
        try {
            // Engine version 1 leaves paths alone; with 2 the driver rewrites them to KV's ".../data/...".
            VaultConfig config = new VaultConfig().address(address).engineVersion(engineVersion).openTimeout(timeout)
                    .readTimeout(timeout);
            var caFile = context.settings().get("ca-file");
            if (caFile.isPresent()) {
                if (!new File(caFile.get()).canRead()) {
                    throw VaultException.configuration(name, "cannot read ca-file " + caFile.get());
                }
                config.sslConfig(new SslConfig().pemFile(new File(caFile.get())).build());
            }
            var namespace = context.settings().get("namespace");
            if (namespace.isPresent()) {
                config.nameSpace(namespace.get());
            }
            String auth = context.settings().get("auth").orElse("token").toLowerCase(Locale.ROOT);
            Login login = switch (auth) {
                case "token" -> {
                    config.token(context.require("token"));
                    yield null;
                }
                case "approle" -> {
                    String mount = context.settings().get("approle-mount").orElse("approle");
                    String roleId = context.require("role-id");
                    String secretId = context.require("secret-id");
                    yield unauthenticated -> unauthenticated.auth().loginByAppRole(mount, roleId, secretId);
                }
                case "kubernetes" -> {
                    String role = context.require("kubernetes-role");
                    String mount = context.settings().get("kubernetes-mount").orElse("kubernetes");
                    java.nio.file.Path jwt = java.nio.file.Path.of(context.settings().get("kubernetes-token-file")
                            .orElse("/var/run/secrets/kubernetes.io/serviceaccount/token"));
                    // The driver takes the whole auth path here, not only the mount.
                    yield unauthenticated -> unauthenticated.auth().loginByKubernetes(role, readJwt(name, jwt),
                            "auth/" + mount);
                }
                default -> throw VaultException.configuration(name, "auth '" + auth + "' is unknown; use token, approle "
                        + "or kubernetes");
            };
            return new HashiCorpClient(name, address, config.build(), login);
        } catch (io.github.jopenlibs.vault.VaultException e) {
            throw VaultException.configuration(name, "cannot set up the client for Vault at " + address + ": "
                    + e.getMessage());
        } catch (NumberFormatException e) {
            throw VaultException.configuration(name, "timeout must be a whole number of seconds");
        }
    }

    private static String readJwt(String vaultName, java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readString(file).trim();
        } catch (java.io.IOException e) {
            throw VaultException.configuration(vaultName, "cannot read the Kubernetes service account token " + file);
        }
    }

    LogicalResponse read(String path, String operation, String keyName) {
        return checked(() -> vault.logical().read(path), path, operation, keyName);
    }

    /** The names under a path; none when Vault has nothing there (it answers 404 to an empty list). */
    java.util.List<String> list(String path, String operation) {
        try {
            return checked(() -> vault.logical().list(path), path, operation, null).getListData();
        } catch (VaultException e) {
            if (e.errorCode() == ErrorCode.VAULT_FAILURE && e.getMessage().contains("has nothing at")) {
                return java.util.List.of();
            }
            throw e;
        }
    }

    LogicalResponse write(String path, Map<String, Object> body, String operation, String keyName) {
        return checked(() -> vault.logical().write(path, body), path, operation, keyName);
    }

    LogicalResponse delete(String path, String operation, String keyName) {
        return checked(() -> vault.logical().delete(path), path, operation, keyName);
    }

    @FunctionalInterface
    private interface Call {
        LogicalResponse run() throws io.github.jopenlibs.vault.VaultException;
    }

    private LogicalResponse checked(Call call, String path, String operation, String keyName) {
        refreshToken();
        LogicalResponse response;
        try {
            response = call.run();
        } catch (io.github.jopenlibs.vault.VaultException e) {
            int status = e.getHttpStatusCode();
            if (status == 0) {
                throw new VaultException(ErrorCode.VAULT_UNAVAILABLE, "vault '" + vaultName + "' (" + address
                        + ") cannot be reached for '" + operation + "': " + e.getMessage(), e);
            }
            throw fromStatus(status, e.getMessage(), path, operation, keyName);
        }
        int status = response.getRestResponse().getStatus();
        if (status >= 400) {
            String body = new String(response.getRestResponse().getBody(), java.nio.charset.StandardCharsets.UTF_8);
            throw fromStatus(status, body, path, operation, keyName);
        }
        return response;
    }

    private VaultException fromStatus(int status, String said, String path, String operation, String keyName) {
        String where = "vault '" + vaultName + "' (" + address + ")";
        String onKey = keyName == null ? "" : " on key '" + keyName + "'";
        return switch (status) {
            case 403 -> new VaultException(ErrorCode.VAULT_ACCESS_DENIED, where + " refused '" + operation + "'" + onKey
                    + ": the token's policy needs the capability for path '" + path + "'");
            case 404 -> keyName != null ? io.certvault.vault.VaultException.keyNotFound(vaultName, keyName, null)
                    : new VaultException(ErrorCode.VAULT_FAILURE, where + " has nothing at '" + path + "'");
            case 429, 500, 502, 503 -> new VaultException(ErrorCode.VAULT_UNAVAILABLE, where + " is sealed, standby or "
                    + "unavailable (HTTP " + status + ") for '" + operation + "'");
            default -> new VaultException(status == 400 && operation.startsWith("decrypt") ? ErrorCode.DECRYPTION_FAILED
                    : ErrorCode.VAULT_FAILURE, where + " failed '" + operation + "'" + onKey + " (HTTP " + status + "): "
                    + shorten(said));
        };
    }

    private static String shorten(String text) {
        return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
