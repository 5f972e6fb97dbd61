package io.certvault.application;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a conditional request asks of the resource it changes (RFC 9110, section 13): {@code If-Match} (change
 * only this version; {@code *} any existing one) and {@code If-None-Match} ({@code *}: create only). A change
 * whose condition is false answers {@code 412 PreconditionFailed} and changes nothing.
 */
public record Precondition(String ifMatch, String ifNoneMatch) {
    public static final Precondition NONE = new Precondition(null, null);
    private static final Pattern TAG = Pattern.compile("\\s*(W/)?(\"[\\x21\\x23-\\x7E]*\")\\s*(,|$)");

    public Precondition {
        ifMatch = ifMatch == null || ifMatch.isBlank() ? null : ifMatch.trim();
        ifNoneMatch = ifNoneMatch == null || ifNoneMatch.isBlank() ? null : ifNoneMatch.trim();
        // Checked up front, so that a malformed header is a 400 whether or not the resource exists.
        if (ifMatch != null) {
            tags(ifMatch, "If-Match");
        }
        if (ifNoneMatch != null) {
            tags(ifNoneMatch, "If-None-Match");
        }
    }

    /** Create only: the change happens only if there is no such resource yet. */
    public static Precondition createOnly() {
        return new Precondition(null, "*");
    }

    /** Change only the version the caller has seen. */
    public static Precondition ifMatch(String etag) {
        return new Precondition(etag, null);
    }

    /** The entity tag of the resource's current version, quoted as it goes into an ETag header. */
    public static String etag(Versioned resource) {
        return "\"" + Long.toString(resource.createdTime().toEpochMilli(), 36) + "-" + resource.version() + "\"";
    }

    /** Whether {@code If-None-Match} on a read names the current version (a 304 then). */
    public boolean notModified(Versioned current) {
        return ifNoneMatch != null && current != null && noneMatchHits(current);
    }

    /** If-None-Match compares weakly: {@code W/"x"} names the same version as {@code "x"}. */
    private boolean noneMatchHits(Versioned current) {
        return ifNoneMatch.equals("*") || tags(ifNoneMatch, "If-None-Match").stream()
                .anyMatch(t -> t.replaceFirst("^W/", "").equals(etag(current)));
    }

    /**
     * Checks the condition against the resource as it is now (null when there is none).
     *
     * @param what the resource, for the message, e.g. {@code certificate 'contoso-private'}
     */
    public void check(String what, Versioned current) {
        if (ifMatch != null) {
            boolean matches = current != null && (ifMatch.equals("*")
                    // If-Match compares strongly: a weak tag never matches.
                    || tags(ifMatch, "If-Match").contains(etag(current)));
            if (!matches) {
                throw new CertvaultException(ErrorCode.PRECONDITION_FAILED, current == null
                        ? "There is no " + what + " (If-Match " + ifMatch + ")."
                        : "The " + what + " changed since it was read (its ETag is now " + etag(current)
                                + "): read it again, then retry.");
            }
        }
        if (ifNoneMatch != null && current != null && noneMatchHits(current)) {
            throw new CertvaultException(ErrorCode.PRECONDITION_FAILED, "The " + what + " exists already (If-None-Match "
                    + ifNoneMatch + ").");
        }
    }

    /** The entity tags of a header value, weak ones with their {@code W/}, or {@code *}. */
    private static List<String> tags(String header, String name) {
        if (header.equals("*")) {
            return List.of("*");
        }
        List<String> tags = new ArrayList<>();
        Matcher matcher = TAG.matcher(header);
        int at = 0;
        while (at < header.length()) {
            if (!matcher.find(at) || matcher.start() != at) {
                throw new CertvaultException(ErrorCode.INVALID_REQUEST, name + " must be * or a list of entity tags "
                        + "such as \"1a2b-3\".");
            }
            tags.add(matcher.group(1) == null ? matcher.group(2) : "W/" + matcher.group(2));
            at = matcher.end();
        }
        if (tags.isEmpty()) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, name + " names no entity tag.");
        }
        return tags;
    }
}
