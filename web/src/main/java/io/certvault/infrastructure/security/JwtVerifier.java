package io.certvault.infrastructure.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks bearer tokens as MicroProfile JWT defines them: signed (RS/PS/ES) by the configured public key,
 * issued by the configured issuer, not expired; the caller's name is {@code upn}, else
 * {@code preferred_username}, else {@code sub}; {@code groups} that name Certvault roles become global
 * roles. Configured with MicroProfile JWT's own keys, so an existing identity provider's settings carry over.
 */
public final class JwtVerifier {
    static final String ISSUER = "mp.jwt.verify.issuer";
    static final String PUBLIC_KEY = "mp.jwt.verify.publickey";
    static final String PUBLIC_KEY_LOCATION = "mp.jwt.verify.publickey.location";
    static final String AUDIENCES = "mp.jwt.verify.audiences";
    /** Seconds of clock difference tolerated on exp and nbf. */
    static final String CLOCK_SKEW = "mp.jwt.verify.clock.skew";

    /** A verified token's caller. */
    public record Token(String name, List<String> groups) {
    }

    private final DefaultJWTProcessor<SecurityContext> processor;

    private JwtVerifier(DefaultJWTProcessor<SecurityContext> processor) {
        this.processor = processor;
    }

    /** A verifier when an issuer and a public key are configured; empty when bearer tokens are off. */
    public static Optional<JwtVerifier> configured(Function<String, Optional<String>> config) {
        Optional<String> issuer = config.apply(ISSUER);
        Optional<String> key = config.apply(PUBLIC_KEY);
        Optional<String> location = config.apply(PUBLIC_KEY_LOCATION);
        if (issuer.isEmpty() && key.isEmpty() && location.isEmpty()) {
            return Optional.empty();
        }
        if (issuer.isEmpty() || (key.isEmpty() && location.isEmpty())) {
            throw new IllegalStateException("Bearer tokens need both " + ISSUER + " and " + PUBLIC_KEY + " (or "
                    + PUBLIC_KEY_LOCATION + ")");
        }
        JWKSource<SecurityContext> keys = key.isPresent() ? new ImmutableJWKSet<>(parseKeys(key.get()))
                : keySource(location.get());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
                JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
                JWSAlgorithm.ES384, JWSAlgorithm.ES512), keys));
        Set<String> audiences = config.apply(AUDIENCES).map(a -> Set.of(a.split("\\s*,\\s*"))).orElse(null);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audiences,
                new JWTClaimsSet.Builder().issuer(issuer.get()).build(), Set.of("exp", "iat"), null);
        claims.setMaxClockSkew(config.apply(CLOCK_SKEW).map(Integer::parseInt).orElse(60));
        processor.setJWTClaimsSetVerifier(claims);
        return Optional.of(new JwtVerifier(processor));
    }

    /** The token's caller, or empty when the token is not valid here (the reason is not the client's business). */
    public Optional<Token> verify(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            String name = Optional.ofNullable(claims.getStringClaim("upn"))
                    .or(() -> Optional.ofNullable(claim(claims, "preferred_username")))
                    .orElse(claims.getSubject());
            if (name == null || name.isBlank()) {
                return Optional.empty();
            }
            List<String> groups = claims.getStringListClaim("groups");
            return Optional.of(new Token(name, groups == null ? List.of() : groups));
        } catch (ParseException | BadJOSEException | JOSEException e) {
            return Optional.empty();
        }
    }

    private static String claim(JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            return null;
        }
    }

    /** A PEM public key, a JWK or a JWK set. */
    static JWKSet parseKeys(String text) {
        String trimmed = text.trim();
        try {
            if (trimmed.startsWith("{")) {
                return trimmed.contains("\"keys\"") ? JWKSet.parse(trimmed) : new JWKSet(JWK.parse(trimmed));
            }
            String base64 = trimmed.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            byte[] der = Base64.getDecoder().decode(base64);
            PublicKey key;
            try {
                key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            } catch (java.security.spec.InvalidKeySpecException notRsa) {
                key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
            }
            return new JWKSet(key instanceof RSAPublicKey rsa ? new com.nimbusds.jose.jwk.RSAKey.Builder(rsa).build()
                    : new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.forECParameterSpec(
                            ((ECPublicKey) key).getParams()), (ECPublicKey) key).build());
        } catch (ParseException | IllegalArgumentException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("The token verification key (" + PUBLIC_KEY + ") is not a PEM public "
                    + "key, a JWK or a JWK set", e);
        }
    }

    /** A file with a key (PEM, JWK or JWK set), or an https URL of a JWK set, fetched and cached. */
    private static JWKSource<SecurityContext> keySource(String location) {
        if (location.startsWith("https:") || location.startsWith("http:")) {
            try {
                URL url = URI.create(location).toURL();
                return JWKSourceBuilder.create(url).build();
            } catch (java.net.MalformedURLException e) {
                throw new IllegalStateException(PUBLIC_KEY_LOCATION + " is not a valid URL", e);
            }
        }
        Path path = Path.of(location.startsWith("file:") ? URI.create(location).getPath() : location);
        try {
            return new ImmutableJWKSet<>(parseKeys(Files.readString(path)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the token verification key " + path, e);
        }
    }
}
