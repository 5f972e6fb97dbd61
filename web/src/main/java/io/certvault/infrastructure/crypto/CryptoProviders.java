package io.certvault.infrastructure.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import io.certvault.infrastructure.CertvaultConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.Provider;
import java.security.Security;
import java.util.logging.Logger;

/**
 * The JCA provider for in-process cryptography: RSA and ECDSA with keys of the filesystem vault, AES and SHA of
 * messages, hashes and MACs. {@code certvault.crypto.provider}: {@code auto} (the default) puts Amazon Corretto
 * Crypto Provider (native AWS-LC, OpenSSL's speed) first where it loads (Linux x86-64) and keeps the JDK's
 * providers elsewhere; {@code native} requires it (the start fails without it); {@code jdk} uses the JDK's
 * providers only. BouncyCastle stays for CMS and ASN.1 structure and the few algorithms only it has. The start-up
 * line and {@code GET /api/vaults} ({@code cryptoProvider}) say which is in use.
 */
@ApplicationScoped
public class CryptoProviders {
    static final String SETTING = "certvault.crypto.provider";
    private static final Logger LOG = Logger.getLogger(CryptoProviders.class.getName());

    @Inject
    CertvaultConfig config;

    private volatile String active = jdk();
    private boolean installed;

    /** Puts the native provider first when the setting asks for it and it loads. */
    public synchronized void install() {
        String setting = config.get(SETTING).map(String::trim).orElse("auto");
        switch (setting) {
            case "jdk" -> active = jdk();
            case "auto", "native" -> {
                Throwable error = nativeError();
                if (error == null) {
                    Provider accp = AmazonCorrettoCryptoProvider.INSTANCE;
                    if (Security.getProvider(accp.getName()) == null) {
                        Security.insertProviderAt(accp, 1);
                        installed = true;
                    }
                    active = accp.getName() + " " + accp.getVersionStr();
                } else if (setting.equals("native")) {
                    throw new IllegalStateException(SETTING + "=native, and Amazon Corretto Crypto Provider does not "
                            + "load here: " + error);
                } else {
                    LOG.warning("Amazon Corretto Crypto Provider does not load here (" + error + "): the JDK's "
                            + "providers are used, which are slower");
                    active = jdk();
                }
            }
            default -> throw new IllegalStateException(SETTING + " is auto, native or jdk, not '" + setting + "'");
        }
    }

    /** Why the native provider cannot be used, or null when it can. */
    private static Throwable nativeError() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                return accp.getLoadingError();
            }
            accp.assertHealthy();
            return null;
        } catch (LinkageError | RuntimeException e) {
            return e;
        }
    }

    /** The provider in-process cryptography uses, by name and version. */
    public String active() {
        return active;
    }

    private static String jdk() {
        return "JDK (" + System.getProperty("java.vendor") + " " + System.getProperty("java.version") + ")";
    }

    /** Taken out again when the application stops, so that a redeployment does not keep this one's classes. */
    @PreDestroy
    synchronized void uninstall() {
        if (installed) {
            Security.removeProvider(AmazonCorrettoCryptoProvider.INSTANCE.getName());
            installed = false;
        }
    }
}
