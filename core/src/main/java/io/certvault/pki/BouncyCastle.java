package io.certvault.pki;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one BouncyCastle JCA provider instance, passed explicitly where the JDK's providers lack an
 * algorithm. It is not registered globally: an application server shares java.security with other
 * applications.
 */
public final class BouncyCastle {
    public static final Provider PROVIDER = new BouncyCastleProvider();

    private BouncyCastle() {
    }
}
