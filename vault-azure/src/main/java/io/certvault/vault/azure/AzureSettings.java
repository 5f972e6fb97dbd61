package io.certvault.vault.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import io.certvault.vault.VaultContext;
import io.certvault.vault.VaultException;
import io.certvault.vault.VaultSetting;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * The settings of one Azure vault, read from its scope {@code certvault.vault.<name>.}, and the SDK objects
 * they make: the credential, the HTTP client (timeouts, trust) and the retry options.
 */
record AzureSettings(URI url, String credentialType, String clientId, TokenCredential credential, HttpClient httpClient,
        RetryOptions retryOptions, boolean verifyChallengeResource, Duration operationTimeout) {

    static final String URL = "url";
    static final String CREDENTIAL = "credential";
    static final String TENANT_ID = "tenant-id";
    static final String CLIENT_ID = "client-id";
    static final String CLIENT_SECRET = "client-secret";
    static final String CLIENT_CERTIFICATE = "client-certificate";
    static final String CLIENT_CERTIFICATE_PASSWORD = "client-certificate-password";
    static final String AUTHORITY_HOST = "authority-host";
    static final String CA_FILE = "ca-file";
    static final String TIMEOUT = "timeout";
    static final String MAX_RETRIES = "max-retries";
    static final String MAX_RETRY_DELAY = "max-retry-delay";
    static final String VERIFY_CHALLENGE_RESOURCE = "verify-challenge-resource";

    static final List<String> CREDENTIAL_TYPES = List.of("default", "client-secret", "client-certificate",
            "managed-identity");

    static final List<VaultSetting> DESCRIPTIONS = List.of(
            new VaultSetting(URL, "The vault's URL, e.g. https://contoso.vault.azure.net", true, false),
            new VaultSetting(CREDENTIAL, "How to sign in: " + String.join(", ", CREDENTIAL_TYPES)
                    + " (default: the Azure default credential chain)", false, false),
            new VaultSetting(TENANT_ID, "Microsoft Entra tenant id (client-secret, client-certificate)", false, false),
            new VaultSetting(CLIENT_ID, "Application (client) id; for managed-identity, a user-assigned identity", false,
                    false),
            new VaultSetting(CLIENT_SECRET, "Client secret (client-secret)", false, true),
            new VaultSetting(CLIENT_CERTIFICATE, "PEM or PFX file with the client certificate and key", false, false),
            new VaultSetting(CLIENT_CERTIFICATE_PASSWORD, "Password of a PFX client certificate", false, true),
            new VaultSetting(AUTHORITY_HOST, "Sign-in authority, for sovereign clouds (default the public cloud)", false,
                    false),
            new VaultSetting(CA_FILE, "PEM file of the CA certificates to trust for the vault and the authority, "
                    + "instead of the JDK's (for a TLS-inspecting proxy)", false, false),
            new VaultSetting(TIMEOUT, "Seconds one request may take, connecting included (default 10)", false, false),
            new VaultSetting(MAX_RETRIES, "Retries of a throttled (429) or unavailable (5xx) request (default 3)", false,
                    false),
            new VaultSetting(MAX_RETRY_DELAY, "Longest wait in seconds between retries, Retry-After included "
                    + "(default 10)", false, false),
            new VaultSetting(VERIFY_CHALLENGE_RESOURCE, "Check that the vault's sign-in challenge names a Key Vault "
                    + "resource under the vault's domain (default true)", false, false));

    static AzureSettings read(VaultContext context) {
        String name = context.name();
        URI url;
        try {
            url = URI.create(context.require(URL).replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw VaultException.configuration(name, "url is not a URL");
        }
        if (!"https".equals(url.getScheme())) {
            throw VaultException.configuration(name, "url must be https:// (Key Vault refuses plain HTTP)");
        }
        int timeoutSeconds = integer(context, TIMEOUT, 10);
        int maxRetries = integer(context, MAX_RETRIES, 3);
        int maxRetryDelay = integer(context, MAX_RETRY_DELAY, 10);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        HttpClient http = httpClient(context, timeout);
        RetryOptions retries = new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(maxRetries)
                .setBaseDelay(Duration.ofMillis(500)).setMaxDelay(Duration.ofSeconds(maxRetryDelay)));
        String type = context.settings().get(CREDENTIAL).orElse("default").toLowerCase(Locale.ROOT);
        String clientId = context.settings().get(CLIENT_ID).orElse(null);
        // Every try may take the timeout and every wait the longest delay; the caller is never held longer.
        Duration bound = timeout.multipliedBy(maxRetries + 1L).plus(Duration.ofSeconds((long) maxRetryDelay * maxRetries));
        boolean verify = !"false".equalsIgnoreCase(context.settings().get(VERIFY_CHALLENGE_RESOURCE).orElse("true"));
        return new AzureSettings(url, type, clientId, credential(context, type, http), http, retries, verify, bound);
    }

    private static TokenCredential credential(VaultContext context, String type, HttpClient http) {
        var settings = context.settings();
        String authority = settings.get(AUTHORITY_HOST).orElse(null);
        switch (type) {
            case "client-secret" -> {
                var builder = new ClientSecretCredentialBuilder().tenantId(context.require(TENANT_ID))
                        .clientId(context.require(CLIENT_ID)).clientSecret(context.require(CLIENT_SECRET))
                        .httpClient(http);
                if (authority != null) {
                    builder.authorityHost(authority).disableInstanceDiscovery();
                }
                return builder.build();
            }
            case "client-certificate" -> {
                String path = context.require(CLIENT_CERTIFICATE);
                if (!new File(path).canRead()) {
                    throw VaultException.configuration(context.name(), "cannot read the client certificate " + path);
                }
                var builder = new ClientCertificateCredentialBuilder().tenantId(context.require(TENANT_ID))
                        .clientId(context.require(CLIENT_ID)).httpClient(http);
                if (path.toLowerCase(Locale.ROOT).matches(".*\\.(pfx|p12)$")) {
                    builder.pfxCertificate(path).clientCertificatePassword(
                            settings.get(CLIENT_CERTIFICATE_PASSWORD).orElse(""));
                } else {
                    builder.pemCertificate(path);
                }
                if (authority != null) {
                    builder.authorityHost(authority).disableInstanceDiscovery();
                }
                return builder.build();
            }
            case "managed-identity" -> {
                var builder = new ManagedIdentityCredentialBuilder().httpClient(http);
                settings.get(CLIENT_ID).ifPresent(builder::clientId);
                return builder.build();
            }
            case "default" -> {
                var builder = new DefaultAzureCredentialBuilder().httpClient(http);
                settings.get(TENANT_ID).ifPresent(builder::tenantId);
                settings.get(CLIENT_ID).ifPresent(builder::managedIdentityClientId);
                if (authority != null) {
                    builder.authorityHost(authority);
                }
                return builder.build();
            }
            default -> throw VaultException.configuration(context.name(), "credential '" + type
                    + "' is unknown; use one of " + String.join(", ", CREDENTIAL_TYPES));
        }
    }

    private static HttpClient httpClient(VaultContext context, Duration timeout) {
        reactor.netty.http.client.HttpClient netty = reactor.netty.http.client.HttpClient.create();
        var caFile = context.settings().get(CA_FILE);
        if (caFile.isPresent()) {
            File file = new File(caFile.get());
            if (!file.canRead()) {
                throw VaultException.configuration(context.name(), "cannot read ca-file " + file);
            }
            try {
                var ssl = SslContextBuilder.forClient().trustManager(file).build();
                netty = netty.secure(spec -> spec.sslContext(ssl));
            } catch (SSLException | IllegalArgumentException e) {
                throw VaultException.configuration(context.name(), "ca-file " + file + " holds no usable certificates");
            }
        }
        return new NettyAsyncHttpClientBuilder(netty).connectTimeout(timeout).responseTimeout(timeout)
                .readTimeout(timeout).writeTimeout(timeout).build();
    }

    private static int integer(VaultContext context, String key, int fallback) {
        String value = context.settings().get(key).orElse(null);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw VaultException.configuration(context.name(), key + " must be a whole number of 0 or more, not '"
                + value + "'");
    }

    /** Who Certvault signs in as, for messages: never a secret. */
    String identity() {
        return credentialType + " credential" + (clientId == null ? "" : " with client id " + clientId);
    }
}
