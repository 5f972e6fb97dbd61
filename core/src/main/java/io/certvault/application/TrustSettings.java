package io.certvault.application;

import io.certvault.pki.CertificateValidation;

/** How certificates are validated on this server. */
public interface TrustSettings {
    /** What a revocation status that no source could give counts as, unless a request says otherwise. */
    CertificateValidation.RevocationFailure revocationFailure();
}
