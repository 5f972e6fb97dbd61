package io.certvault.infrastructure.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.certvault.testing.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtVerifierTest {
    private static final String ISSUER = "https://idp.example";
    private static final KeyPair RSA = TestCertificates.rsa(2048);
    private static final KeyPair EC = TestCertificates.ec("secp256r1");

    @TempDir
    Path directory;

    private static JwtVerifier verifier(Map<String, String> settings) {
        return JwtVerifier.configured(key -> Optional.ofNullable(settings.get(key))).orElseThrow();
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("sub-1").issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    private static String rsaToken(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner(RSA.getPrivate()));
        return jwt.serialize();
    }

    @Test
    void aPemKeyVerifiesTokensAndNamesTheCallerAsMicroProfileJwtSays() throws Exception {
        JwtVerifier verifier = verifier(Map.of(JwtVerifier.ISSUER, ISSUER, JwtVerifier.PUBLIC_KEY,
                TestCertificates.pem(RSA.getPublic())));
        assertThat(verifier.verify(rsaToken(claims().claim("upn", "alice@example").claim("preferred_username", "al")
                .claim("groups", List.of("reader", "auditors")).build())))
                .contains(new JwtVerifier.Token("alice@example", List.of("reader", "auditors")));
        assertThat(verifier.verify(rsaToken(claims().claim("preferred_username", "al").build())).orElseThrow().name())
                .isEqualTo("al");
        assertThat(verifier.verify(rsaToken(claims().build())).orElseThrow().name()).isEqualTo("sub-1");

        assertThat(verifier.verify(rsaToken(claims().issuer("https://other.example").build()))).isEmpty();
        assertThat(verifier.verify(rsaToken(claims().expirationTime(Date.from(Instant.now().minusSeconds(120)))
                .build()))).isEmpty();
        assertThat(verifier.verify(rsaToken(new JWTClaimsSet.Builder().issuer(ISSUER).subject("x").build())))
                .as("no expiry").isEmpty();
        assertThat(verifier.verify("not.a.token")).isEmpty();
        String good = rsaToken(claims().build());
        assertThat(verifier.verify(good.substring(0, good.length() - 4) + "AAAA")).as("altered signature").isEmpty();
    }

    @Test
    void audiencesAreCheckedWhenConfigured() throws Exception {
        JwtVerifier verifier = verifier(Map.of(JwtVerifier.ISSUER, ISSUER, JwtVerifier.PUBLIC_KEY,
                TestCertificates.pem(RSA.getPublic()), JwtVerifier.AUDIENCES, "certvault, other"));
        assertThat(verifier.verify(rsaToken(claims().audience("certvault").build()))).isPresent();
        assertThat(verifier.verify(rsaToken(claims().audience("someone-else").build()))).isEmpty();
    }

    @Test
    void aJwkSetFileAndAnHttpJwkSetWork() throws Exception {
        JWKSet keys = new JWKSet(List.of(new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).keyID("r").build(),
                new ECKey.Builder(Curve.P_256, (ECPublicKey) EC.getPublic()).keyID("e").build()));
        Path file = Files.writeString(directory.resolve("jwks.json"), keys.toString());
        JwtVerifier fromFile = verifier(Map.of(JwtVerifier.ISSUER, ISSUER, JwtVerifier.PUBLIC_KEY_LOCATION,
                file.toString()));
        SignedJWT ec = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("e").build(), claims().build());
        ec.sign(new ECDSASigner(EC.getPrivate(), Curve.P_256));
        assertThat(fromFile.verify(ec.serialize())).isPresent();

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            byte[] body = keys.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            JwtVerifier remote = verifier(Map.of(JwtVerifier.ISSUER, ISSUER, JwtVerifier.PUBLIC_KEY_LOCATION,
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks"));
            assertThat(remote.verify(ec.serialize())).isPresent();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void settingsAreAllOrNothing() {
        assertThat(JwtVerifier.configured(key -> Optional.empty())).isEmpty();
        assertThatThrownBy(() -> JwtVerifier.configured(key -> key.equals(JwtVerifier.ISSUER) ? Optional.of(ISSUER)
                : Optional.empty())).hasMessageContaining("mp.jwt.verify.publickey");
        assertThatThrownBy(() -> verifier(Map.of(JwtVerifier.ISSUER, ISSUER, JwtVerifier.PUBLIC_KEY, "garbage")))
                .hasMessageContaining("not a PEM public key");
    }
}
