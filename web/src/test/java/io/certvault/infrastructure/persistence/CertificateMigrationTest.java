package io.certvault.infrastructure.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateQuery;
import io.certvault.infrastructure.CertvaultConfig;
import io.certvault.pki.CertificateDetails;
import io.certvault.testing.TestCertificates;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * The Java migration V4 fills the details of the certificates stored before it, by parsing their DER, and
 * the repository then filters, orders and finds by them. On H2 here; {@code PostgresPersistenceTest} runs the
 * same on PostgreSQL.
 */
class CertificateMigrationTest {
    private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

    @Test
    void fillsTheRowsThereAreOnH2() throws SQLException {
        String url = "jdbc:h2:mem:migration-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        existingRowsGetTheirDetails(h2(url), url, "sa");
    }

    @Test
    void aStoredCertificateThatNoLongerParsesStopsTheMigrationNamingIt() throws SQLException {
        DataSource old = h2("jdbc:h2:mem:broken-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Database.migrations(old).target("2").load().migrate();
        try (Connection connection = old.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("INSERT INTO integration_account (name, created_time, changed_time) VALUES "
                    + "('contoso', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            sql.execute("INSERT INTO certificate (id, account_name, name, certificate_der, created_time, changed_time) "
                    + "VALUES ('1', 'contoso', 'mangled', 'bm90IGEgY2VydGlmaWNhdGU=', CURRENT_TIMESTAMP, "
                    + "CURRENT_TIMESTAMP)");
        }
        assertThatThrownBy(() -> Database.migrations(old).load().migrate())
                .hasStackTraceContaining("Certificate 'mangled' of integration account 'contoso' cannot be parsed");
    }

    /** Certvault's own configuration resolves its SQL migrations, and the check lets it start. */
    @Test
    void theSqlMigrationsAreFoundAndStartUpGoesOn() {
        DataSource fresh = h2("jdbc:h2:mem:found-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        var flyway = Database.migrations(fresh).load();
        Database.requireSqlMigrations(flyway);
        assertThat(flyway.migrate().migrationsExecuted).isGreaterThan(10);
    }

    /**
     * A server whose class loader lists no SQL files in the location (Open Liberty did so) must stop start-up
     * naming the cause, not go on with the Java migrations alone; a location that does not resolve at all stops
     * Flyway itself.
     */
    @Test
    void noSqlMigrationsFoundStopsStartUpNamingTheLocation() {
        DataSource fresh = h2("jdbc:h2:mem:none-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        // A location that exists (these test classes' package) but holds no SQL migration.
        var nothingThere = Database.migrations(fresh).locations("classpath:io/certvault/infrastructure").load();
        assertThatThrownBy(() -> Database.requireSqlMigrations(nothingThere))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No SQL migrations were found in classpath:io/certvault/infrastructure");
        assertThatThrownBy(() -> Database.migrations(fresh).locations("classpath:db/nowhere").load().info())
                .hasMessageContaining("db/nowhere");
    }

    /**
     * Migrates a fresh database to the schema before V4, stores certificates as that version did (DER only),
     * then opens it as Certvault does now and checks what V4 filled in.
     */
    static void existingRowsGetTheirDetails(DataSource fresh, String url, String user) throws SQLException {
        Database.migrations(fresh).target("2").load().migrate();
        Map<String, X509Certificate> stored = new LinkedHashMap<>();
        KeyPair ec = TestCertificates.ec("secp384r1");
        stored.put("rsa-late", TestCertificates.selfSigned(TestCertificates.rsa(2048), "rsa-late",
                NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(300))));
        stored.put("ec-soon", TestCertificates.selfSigned(ec, "ec-soon", NOW.minus(Duration.ofDays(10)),
                NOW.plus(Duration.ofDays(5))));
        stored.put("ec-gone", TestCertificates.selfSigned(ec, "ec-gone", NOW.minus(Duration.ofDays(10)),
                NOW.minus(Duration.ofDays(1))));
        try (Connection connection = fresh.getConnection()) {
            try (Statement sql = connection.createStatement()) {
                sql.execute("INSERT INTO integration_account (name, created_time, changed_time) VALUES "
                        + "('contoso', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO certificate (id, account_name, "
                    + "name, certificate_der, created_time, changed_time) VALUES (?, 'contoso', ?, ?, ?, ?)")) {
                for (var entry : stored.entrySet()) {
                    insert.setString(1, UUID.randomUUID().toString());
                    insert.setString(2, entry.getKey());
                    insert.setString(3, TestCertificates.base64(entry.getValue()));
                    insert.setTimestamp(4, Timestamp.from(NOW));
                    insert.setTimestamp(5, Timestamp.from(NOW));
                    insert.executeUpdate();
                }
            }
        }

        Database database = open(url, user);
        try {
            JpaCertificateRepository repository = new JpaCertificateRepository();
            repository.database = database;
            for (var entry : stored.entrySet()) {
                Certificate certificate = repository.find("contoso", entry.getKey()).orElseThrow();
                assertThat(certificate.details()).as(entry.getKey()).isEqualTo(CertificateDetails.of(entry.getValue()));
            }

            CertificateDetails soon = CertificateDetails.of(stored.get("ec-soon"));
            assertThat(repository.findByIssuerAndSerialNumber("contoso", soon.issuer(), soon.serialNumber()))
                    .extracting(Certificate::name).containsExactly("ec-soon");
            assertThat(repository.findByIssuerAndSerialNumber("fabrikam", soon.issuer(), soon.serialNumber())).isEmpty();
            // The two EC certificates share a key, so its identifier names both.
            assertThat(repository.findBySubjectKeyIdentifier("contoso", soon.subjectKeyIdentifier()))
                    .extracting(Certificate::name).containsExactly("ec-gone", "ec-soon");

            // Keyset paging by expiry, one a page, only what expires within 30 days.
            CertificateQuery.Order order = CertificateQuery.Order.NOT_AFTER;
            CertificateQuery.Position after = null;
            List<String> seen = new java.util.ArrayList<>();
            do {
                var page = repository.list(new CertificateQuery(null, NOW.plus(Duration.ofDays(30)), order, after, 1));
                page.items().forEach(c -> seen.add(c.name()));
                after = order.position(page.continueAfter());
            } while (after != null);
            assertThat(seen).containsExactly("ec-gone", "ec-soon");
            assertThat(repository.list(CertificateQuery.ofAccount("contoso", null, CertificateQuery.Order.NAME, null,
                    10)).items()).extracting(Certificate::name).containsExactly("ec-gone", "ec-soon", "rsa-late");
        } finally {
            database.close();
        }
    }

    private static DataSource h2(String url) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        h2.setUser("sa");
        return h2;
    }

    static Database open(String url, String user) {
        return TestDatabases.open(Map.of(CertvaultConfig.DB_URL, url, CertvaultConfig.DB_USER, user));
    }
}
