package io.certvault.infrastructure.persistence;

import io.certvault.infrastructure.CertvaultConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.Persistence;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.certvault.infrastructure.persistence.migration.V4__certificate_details;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * The database: migrated with Flyway at start, then used through a resource-local JPA persistence unit.
 * The unit is bootstrapped here rather than by the container so that its JDBC URL, user and password come
 * from configuration at run time (embedded H2 in the data directory by default, PostgreSQL when
 * configured) instead of being fixed in the WAR.
 */
@ApplicationScoped
public class Database {
    private static final Logger LOG = Logger.getLogger(Database.class.getName());
    /** Not META-INF/persistence.xml, so that the container leaves this unit to us. */
    private static final String PERSISTENCE_XML = "META-INF/certvault-persistence.xml";
    /** Migrations that need Java (beside the SQL ones in db/migration), in no particular order: Flyway sorts them. */
    private static final JavaMigration[] JAVA_MIGRATIONS = {new V4__certificate_details()};

    @Inject
    CertvaultConfig config;

    private HikariDataSource dataSource;
    private EntityManagerFactory factory;
    private String url;

    @PostConstruct
    void open() {
        url = config.get(CertvaultConfig.DB_URL).orElseGet(() -> "jdbc:h2:file:"
                + config.dataDirectory().resolve("db").resolve("certvault") + ";DB_CLOSE_ON_EXIT=FALSE");
        boolean h2 = url.startsWith("jdbc:h2:");
        // The pool lives in the WAR, so it sees the JDBC drivers packed there (DriverManager, called from the
        // server's own modules, would not).
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("certvault");
        pool.setJdbcUrl(url);
        pool.setDriverClassName(driverFor(url, Database.class.getClassLoader()));
        pool.setUsername(config.get(CertvaultConfig.DB_USER).orElse(h2 ? "sa" : null));
        pool.setPassword(config.get(CertvaultConfig.DB_PASSWORD).orElse(h2 ? "" : null));
        pool.setMaximumPoolSize(config.get(CertvaultConfig.DB_POOL_SIZE).map(Integer::valueOf).orElse(10));
        dataSource = new HikariDataSource(pool);

        ClassLoader loader = Database.class.getClassLoader();
        var migration = migrations(dataSource).load().migrate();
        LOG.info(() -> "Database " + description() + " is at schema version " + migration.targetSchemaVersion
                + " (" + migration.migrationsExecuted + " migrations applied now)");

        Map<String, Object> properties = new HashMap<>();
        properties.put("eclipselink.persistencexml", PERSISTENCE_XML);
        properties.put("eclipselink.classloader", loader);
        properties.put("jakarta.persistence.nonJtaDataSource", dataSource);
        factory = Persistence.createEntityManagerFactory("certvault", properties);
    }

    /** Flyway, configured for Certvault's migrations: the SQL ones in db/migration and the Java ones. */
    static FluentConfiguration migrations(javax.sql.DataSource dataSource) {
        // Java migrations are named here: scanning WEB-INF/classes for them is not portable across servers.
        return Flyway.configure(Database.class.getClassLoader()).dataSource(dataSource)
                .locations("classpath:db/migration").javaMigrations(JAVA_MIGRATIONS);
    }

    @PreDestroy
    void close() {
        if (factory != null && factory.isOpen()) {
            factory.close();
        }
        if (dataSource != null) {
            dataSource.close();
        }
        // Drivers from the WAR registered themselves when loaded; a redeploy must not find them stale.
        for (java.sql.Driver driver : java.util.Collections.list(java.sql.DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == Database.class.getClassLoader()) {
                try {
                    java.sql.DriverManager.deregisterDriver(driver);
                } catch (java.sql.SQLException e) {
                    LOG.fine(() -> "Could not deregister " + driver + ": " + e);
                }
            }
        }
    }

    /** The JDBC driver packed with Certvault (H2, PostgreSQL) or added beside it that accepts the URL. */
    private static String driverFor(String url, ClassLoader loader) {
        for (java.sql.Driver driver : java.util.ServiceLoader.load(java.sql.Driver.class, loader)) {
            try {
                if (driver.acceptsURL(url)) {
                    return driver.getClass().getName();
                }
            } catch (java.sql.SQLException e) {
                // not this one
            }
        }
        throw new IllegalStateException("No JDBC driver accepts " + url.replaceAll("[;?].*", "")
                + ": Certvault ships drivers for H2 (jdbc:h2:) and PostgreSQL (jdbc:postgresql:)");
    }

    /** Runs work in one transaction, committed when it returns and rolled back when it throws. */
    public <T> T transaction(Function<EntityManager, T> work) {
        EntityManager manager = factory.createEntityManager();
        EntityTransaction transaction = manager.getTransaction();
        try {
            transaction.begin();
            T result = work.apply(manager);
            transaction.commit();
            return result;
        } finally {
            if (transaction.isActive()) {
                transaction.rollback();
            }
            manager.close();
        }
    }

    /**
     * Runs a save; when a concurrent request created or deleted the same row first, the constraint
     * violation becomes a {@code ConcurrentChange} conflict the client can retry.
     */
    public void saving(String name, java.util.function.Consumer<EntityManager> save) {
        try {
            transaction(manager -> {
                save.accept(manager);
                manager.flush();
                return null;
            });
        } catch (jakarta.persistence.PersistenceException e) {
            if (!isConstraintViolation(e)) {
                throw e;
            }
            LOG.log(java.util.logging.Level.FINE, "save of " + name + " failed", e);
            throw new io.certvault.domain.CertvaultException(io.certvault.domain.ErrorCode.CONCURRENT_CHANGE,
                    "'" + name + "' was changed by another request at the same time: try again.");
        }
    }

    /** SQLSTATE class 23: integrity constraint violation (unique or foreign key). */
    private static boolean isConstraintViolation(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    /** Fails when the database cannot be reached. */
    public void check() {
        transaction(manager -> manager.createNativeQuery("SELECT 1").getSingleResult());
    }

    /** The JDBC URL without parameters, which may carry credentials. */
    public String description() {
        int end = url.length();
        for (char separator : new char[] {';', '?'}) {
            int index = url.indexOf(separator);
            if (index >= 0) {
                end = Math.min(end, index);
            }
        }
        return url.substring(0, end);
    }
}
