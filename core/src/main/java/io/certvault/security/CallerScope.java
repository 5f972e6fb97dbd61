package io.certvault.security;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Names the caller for work on this thread: a web request's signed-in user, a scheduled job
 * ({@link Caller#system}) or a trading partner ({@link Caller#partner}). The application services read it
 * through the {@code Guard}, so the same use cases run with or without an HTTP request.
 */
public final class CallerScope {
    private static final ThreadLocal<Caller> CURRENT = new ThreadLocal<>();

    private CallerScope() {
    }

    /** Runs the work as the caller; the caller before it (if any) is back afterwards. */
    public static <T> T runAs(Caller caller, Supplier<T> work) {
        Caller before = CURRENT.get();
        CURRENT.set(java.util.Objects.requireNonNull(caller, "caller"));
        try {
            return work.get();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    public static void runAs(Caller caller, Runnable work) {
        runAs(caller, () -> {
            work.run();
            return null;
        });
    }

    /** The caller this thread works for, if a scope names one. */
    public static Optional<Caller> current() {
        return Optional.ofNullable(CURRENT.get());
    }
}
