package io.certvault.security;

/**
 * Where the caller comes from when no {@link CallerScope} names one. Without a context the caller is
 * {@link Caller#ANONYMOUS}, who may do nothing.
 */
public interface CallerContext {
    CallerContext NONE = () -> Caller.ANONYMOUS;

    Caller current();
}
