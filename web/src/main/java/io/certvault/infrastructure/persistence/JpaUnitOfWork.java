package io.certvault.infrastructure.persistence;

import io.certvault.application.UnitOfWork;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Supplier;

/**
 * A use case's unit of work: one resource-local transaction on this thread, which the repositories join.
 * Chosen over JTA's {@code @Transactional} because the persistence unit is the application's own (its JDBC
 * settings come from configuration at run time), so it works the same on every Jakarta EE server.
 */
@ApplicationScoped
public class JpaUnitOfWork implements UnitOfWork {

    @Inject
    Database database;

    @Override
    public <T> T run(Supplier<T> work) {
        return database.transaction(manager -> work.get());
    }
}
