package io.certvault.infrastructure.security;

import io.certvault.application.SignInService;
import io.certvault.infrastructure.CertvaultConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;

/** The sign-in policy, from configuration. */
@ApplicationScoped
public class SecurityProducers {
    static final String MAX_FAILURES = "certvault.sign-in.max-failures";
    static final String LOCK_SECONDS = "certvault.sign-in.lock-seconds";

    @Inject
    CertvaultConfig config;

    // A record is final: a pseudo-scope, no client proxy.
    @Produces
    @Singleton
    SignInService.Policy signInPolicy() {
        return new SignInService.Policy(config.get(MAX_FAILURES).map(Integer::parseInt).orElse(5),
                Duration.ofSeconds(config.get(LOCK_SECONDS).map(Long::parseLong).orElse(900L)));
    }
}
