package io.certvault.application;

import java.util.function.Supplier;

/**
 * One use case, one transaction: what the work changes and its audit record commit together, or nothing
 * does. A unit started inside another joins it. The web layer runs it over the database; {@link #NONE}
 * (each repository call on its own) serves in-memory tests.
 */
public interface UnitOfWork {
    UnitOfWork NONE = new UnitOfWork() {
        @Override
        public <T> T run(Supplier<T> work) {
            return work.get();
        }
    };

    /** Runs the work in one transaction: committed when it returns, rolled back when it throws. */
    <T> T run(Supplier<T> work);
}
