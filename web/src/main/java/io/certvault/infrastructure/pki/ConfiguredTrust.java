package io.certvault.infrastructure.pki;

import io.certvault.application.TrustSettings;
import io.certvault.infrastructure.CertvaultConfig;
import io.certvault.pki.CertificateValidation;
import io.certvault.pki.HttpRevocationFetcher;
import io.certvault.pki.RevocationChecker;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;

/**
 * Certificate validation settings: {@code certvault.revocation.failure} ({@code soft-fail}, the default: a
 * revocation status no source gives is a warning; {@code hard-fail}: it refuses) and
 * {@code certvault.revocation.timeout-seconds} (for each OCSP request and CRL download, default 10). The one
 * revocation checker (and its cache of answers) is made here.
 */
@ApplicationScoped
public class ConfiguredTrust implements TrustSettings {

    @Inject
    CertvaultConfig config;

    private CertificateValidation.RevocationFailure failure;
    private RevocationChecker checker;

    @PostConstruct
    void read() {
        String value = config.get("certvault.revocation.failure").orElse("soft-fail");
        try {
            failure = CertificateValidation.RevocationFailure.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("certvault.revocation.failure is soft-fail or hard-fail, not " + value);
        }
        long seconds = config.get("certvault.revocation.timeout-seconds").map(Long::parseLong).filter(s -> s >= 1)
                .orElse(10L);
        checker = new RevocationChecker(new HttpRevocationFetcher(Duration.ofSeconds(seconds)), Clock.systemUTC());
    }

    @Override
    public CertificateValidation.RevocationFailure revocationFailure() {
        return failure;
    }

    /** Dependent (the class cannot be proxied), but always the one instance, so its cache is shared. */
    @Produces
    RevocationChecker revocationChecker() {
        return checker;
    }
}
