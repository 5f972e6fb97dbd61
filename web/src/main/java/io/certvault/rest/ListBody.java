package io.certvault.rest;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import jakarta.ws.rs.core.UriInfo;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/** The ARM list shape: {@code {"value": [...], "nextLink": "<this URL with $skiptoken>"}}. */
public record ListBody<T>(List<T> value, String nextLink) {
    public static final String SKIP_TOKEN = "$skiptoken";
    private static final SecretKeySpec TOKEN_KEY = new SecretKeySpec(randomKey(), "HmacSHA256");

    public static <D, T> ListBody<T> of(Page<D> page, Function<D, T> toBody, UriInfo uri) {
        String next = page.hasMore()
                ? uri.getRequestUriBuilder().replaceQueryParam(SKIP_TOKEN, encode(page.continueAfter())).build().toString()
                : null;
        return new ListBody<>(page.items().stream().map(toBody).toList(), next);
    }

    /**
     * The position to continue after (a name, or what else the list is ordered by), from an opaque skip token;
     * null for the first page.
     */
    public static String continueAfter(String skipToken) {
        if (skipToken == null || skipToken.isEmpty()) {
            return null;
        }
        int dot = skipToken.indexOf('.');
        try {
            if (dot > 0) {
                byte[] position = Base64.getUrlDecoder().decode(skipToken.substring(0, dot));
                byte[] mac = Base64.getUrlDecoder().decode(skipToken.substring(dot + 1));
                if (MessageDigest.isEqual(mac, mac(position))) {
                    return new String(position, StandardCharsets.UTF_8);
                }
            }
        } catch (IllegalArgumentException e) {
            // not base64: refused below like any other token this server did not issue
        }
        throw new CertvaultException(ErrorCode.INVALID_REQUEST,
                "The $skiptoken is not one this server issued (or it was issued before a restart): list from the start.");
    }

    private static String encode(String position) {
        byte[] bytes = position.getBytes(StandardCharsets.UTF_8);
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString(bytes) + "." + base64.encodeToString(mac(bytes));
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** Tokens carry a MAC under a key of this server's run, so a list continues only where it left off. */
    private static byte[] mac(byte[] position) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(TOKEN_KEY);
            return Arrays.copyOf(mac.doFinal(position), 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
