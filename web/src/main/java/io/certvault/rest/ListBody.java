package io.certvault.rest;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/** The ARM list shape: {@code {"value": [...], "nextLink": "<this URL with $skiptoken>"}}. */
public record ListBody<T>(List<T> value, String nextLink) {
    public static final String SKIP_TOKEN = "$skiptoken";

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
        try {
            return new String(Base64.getUrlDecoder().decode(skipToken), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "The $skiptoken is not one this API issued.");
        }
    }

    private static String encode(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }
}
