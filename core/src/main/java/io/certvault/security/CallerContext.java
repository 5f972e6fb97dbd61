package io.certvault.security;

/** The caller of the request being served; the web layer knows it from the signed-in user. */
public interface CallerContext {
    Caller current();
}
