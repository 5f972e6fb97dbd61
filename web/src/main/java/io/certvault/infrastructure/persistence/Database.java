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
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.RollbackException;
import java.sql.SQLException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
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

    /** The transaction this thread is in, if any. */
    private final ThreadLocal<EntityManager> current = new ThreadLocal<>();
    /** Whether the transaction this thread is in writes: only such a commit is forced to disk. */
    private final ThreadLocal<Boolean> writes = new ThreadLocal<>();
    private HikariDataSource dataSource;
    private EntityManagerFactory factory;
    private String url;
    /** Whether each commit is forced to disk here after H2 wrote it (an H2 file database, embedded). */
    private boolean syncCommits;
    /** Writers committing at once share one force to disk. */
    private final GroupSync diskSync = new GroupSync(this::forceToDisk);

    @PostConstruct
    void open() {
        boolean embedded = config.get(CertvaultConfig.DB_URL).isEmpty();
        url = config.get(CertvaultConfig.DB_URL).orElseGet(() -> embeddedUrl(embeddedFolder()));
        boolean h2 = url.startsWith("jdbc:h2:");
        syncCommits = url.startsWith("jdbc:h2:file:");
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
        var flyway = migrations(dataSource).load();
        requireSqlMigrations(flyway);
        var migration = flyway.migrate();
        // Flyway names no target version when nothing was applied: the current one says where the schema is.
        String version = migration.targetSchemaVersion != null ? migration.targetSchemaVersion
                : java.util.Optional.ofNullable(flyway.info().current()).map(m -> m.getVersion().getVersion())
                        .orElse("(empty)");
        if (embedded) {
            ownerOnlyFiles(config.dataDirectory().resolve("db"));
        }
        LOG.info(() -> "Database " + description() + " is at schema version " + version
                + " (" + migration.migrationsExecuted + " migrations applied now)");

        Map<String, Object> properties = new HashMap<>();
        properties.put("eclipselink.persistencexml", PERSISTENCE_XML);
        properties.put("eclipselink.classloader", loader);
        properties.put("jakarta.persistence.nonJtaDataSource", dataSource);
        factory = Persistence.createEntityManagerFactory("certvault", properties);
    }

    /**
     * The embedded H2 database in a folder of the data directory. H2's MVStore acknowledges a commit before it
     * is in the file (it writes every WRITE_DELAY ms, 500 by default), so a crash lost the last half second of
     * acknowledged work. WRITE_DELAY=0 writes each commit to the file before the commit returns, which survives
     * a crash of the process; H2 still never fsyncs a commit, so {@link #transaction} forces it to disk after
     * (CHECKPOINT SYNC), which makes it survive a power loss as far as the disk keeps what fsync was told.
     * Row locks (the last-admin check, sign-in counters) wait up to 10 s for each other, not H2's default 1 s.
     */
    static String embeddedUrl(java.nio.file.Path folder) {
        return "jdbc:h2:file:" + folder.resolve("certvault") + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0";
    }

    /** The embedded database's folder, owner-only: H2 makes its files with the umask (0644), the folder keeps others out. */
    private java.nio.file.Path embeddedFolder() {
        try {
            return CertvaultConfig.ownerOnlyDirectory(config.dataDirectory().resolve("db"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot create the database folder in " + config.dataDirectory(), e);
        }
    }

    /** The files H2 made (with the umask, 0644 by default) made owner-only too, beside the folder that guards them. */
    private static void ownerOnlyFiles(java.nio.file.Path folder) {
        try (var files = java.nio.file.Files.list(folder)) {
            for (java.nio.file.Path file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                java.nio.file.Files.setPosixFilePermissions(file,
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        } catch (java.io.IOException | UnsupportedOperationException e) {
            LOG.warning(() -> "Could not make the database files in " + folder + " owner-only: " + e);
        }
    }

    /**
     * Flyway, configured for Certvault's migrations: the SQL ones in db/migration and the Java ones. A location
     * the server's class loader cannot resolve stops Flyway instead of being skipped with a warning.
     */
    static FluentConfiguration migrations(javax.sql.DataSource dataSource) {
        // Java migrations are named here: scanning WEB-INF/classes for them is not portable across servers.
        return Flyway.configure(Database.class.getClassLoader()).dataSource(dataSource)
                .locations(MIGRATIONS).failOnMissingLocations(true).javaMigrations(JAVA_MIGRATIONS);
    }

    private static final String MIGRATIONS = "classpath:db/migration";

    /**
     * Stops start-up when Flyway resolved none of the SQL migrations: a server whose class loader lists no
     * files there (seen on Open Liberty) would otherwise apply only the Java ones and fail later on a missing
     * table, far from the cause.
     */
    static void requireSqlMigrations(Flyway flyway) {
        boolean found = java.util.Arrays.stream(flyway.info().all())
                .anyMatch(m -> m.getScript() != null && m.getScript().endsWith(".sql"));
        if (!found) {
            throw new IllegalStateException("No SQL migrations were found in " + flyway.getConfiguration()
                    .getLocations()[0] + ": this server's class loader does not list the WAR's resources there, so "
                    + "the database cannot be set up. Certvault stops rather than run on an incomplete schema.");
        }
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

    /**
     * Runs work in one transaction, committed when it returns and rolled back when it throws. Work started
     * inside another transaction on this thread joins it (a use case's repository calls share its unit of work).
     */
    public <T> T transaction(Function<EntityManager, T> work) {
        EntityManager joined = current.get();
        if (joined != null) {
            return work.apply(joined);
        }
        EntityManager manager = factory.createEntityManager();
        EntityTransaction transaction = manager.getTransaction();
        current.set(manager);
        try {
            transaction.begin();
            T result = work.apply(manager);
            transaction.commit();
            if (syncCommits && Boolean.TRUE.equals(writes.get())) {
                syncToDisk();
            }
            return result;
        } catch (RollbackException e) {
            throw conflict(e);
        } finally {
            current.remove();
            writes.remove();
            if (transaction.isActive()) {
                transaction.rollback();
            }
            manager.close();
        }
    }

    /** Whether this thread is in a transaction, which work started now would join. */
    public boolean inTransaction() {
        return current.get() != null;
    }

    /**
     * {@link #transaction} for work that changes rows: its commit (the outermost one, when it joins a unit of
     * work) is forced to disk. Reads are not, so they cost no fsync. Every write goes through here or
     * {@link #saving}.
     */
    public <T> T writing(Function<EntityManager, T> work) {
        return transaction(manager -> {
            writes.set(Boolean.TRUE);
            return work.apply(manager);
        });
    }

    /**
     * Runs a save and flushes it, so that a broken constraint is known here: a unique key that another
     * request took first answers {@code taken} (the resource's own 409), a row this one refers to that is
     * gone answers {@code missingParent}, and a row changed since it was read answers {@code ConcurrentChange}.
     */
    public void saving(Consumer<EntityManager> save, Supplier<? extends RuntimeException> taken,
            Supplier<? extends RuntimeException> missingParent) {
        saving(save, constraint -> taken.get(), missingParent);
    }

    /**
     * As {@link #saving(Consumer, Supplier, Supplier)}, for a row with more than one unique key: {@code taken}
     * gets the text the database named the broken constraint in (H2 and PostgreSQL both name it), in lower case.
     */
    public void saving(Consumer<EntityManager> save, Function<String, ? extends RuntimeException> taken,
            Supplier<? extends RuntimeException> missingParent) {
        try {
            writing(manager -> {
                save.accept(manager);
                manager.flush();
                return null;
            });
        } catch (PersistenceException e) {
            String state = sqlState(e);
            LOG.log(Level.FINE, "save failed with SQLSTATE " + state, e);
            if ("23505".equals(state)) {
                throw taken.apply(failureText(e));
            }
            // H2 says 23506 for a missing parent row, PostgreSQL 23503.
            if ("23503".equals(state) || "23506".equals(state)) {
                throw missingParent.get();
            }
            throw conflict(e);
        }
    }

    /**
     * {@link #writing} for a delete, flushed so that a row still referring to the deleted one (a foreign key,
     * written by a concurrent request after the service looked) answers {@code inUse}.
     */
    public <T> T removing(Function<EntityManager, T> delete, Supplier<? extends RuntimeException> inUse) {
        try {
            return writing(manager -> {
                T result = delete.apply(manager);
                manager.flush();
                return result;
            });
        } catch (PersistenceException e) {
            String state = sqlState(e);
            if ("23503".equals(state) || "23504".equals(state)) {
                throw inUse.get();
            }
            throw conflict(e);
        }
    }

    /**
     * Stores an entity in the transaction: a new one is persisted (so that it, not a copy, gets its first
     * version), one read in this transaction is already managed, one read earlier is merged (its version is
     * checked against the row's then).
     */
    static <T extends io.certvault.domain.Versioned> void store(EntityManager manager, T entity) {
        if (manager.contains(entity)) {
            return;
        }
        if (entity.version() == 0) {
            manager.persist(entity);
        } else {
            manager.merge(entity);
        }
    }

    /**
     * Returns when this thread's commit, which H2 wrote to its file, is on the disk (fsync), so that a commit
     * acknowledged after this stays. Concurrent commits share a force ({@link GroupSync}).
     */
    private void syncToDisk() {
        try {
            diskSync.await();
        } catch (SQLException e) {
            throw new PersistenceException("The commit is written but could not be forced to disk: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PersistenceException("Interrupted while the commit was forced to disk", e);
        }
    }

    private void forceToDisk() throws SQLException {
        try (java.sql.Connection connection = dataSource.getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        }
    }

    /** A write that lost against a concurrent one, as a conflict the client can retry; anything else as it is. */
    private static RuntimeException conflict(PersistenceException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof OptimisticLockException || cause instanceof jakarta.persistence.LockTimeoutException
                    || "40001".equals(cause instanceof SQLException sql ? sql.getSQLState() : null)) {
                return new CertvaultException(ErrorCode.CONCURRENT_CHANGE,
                        "Another request changed the same resource at the same time: read it again and retry.");
            }
        }
        return e;
    }

    /** The messages of the failure and its causes, in lower case: where the database names the constraint. */
    private static String failureText(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            text.append(cause.getMessage()).append('\n');
        }
        return text.toString().toLowerCase(java.util.Locale.ROOT);
    }

    private static String sqlState(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
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
