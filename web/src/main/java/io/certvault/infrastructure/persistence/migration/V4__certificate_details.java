package io.certvault.infrastructure.persistence.migration;

import io.certvault.domain.CertvaultException;
import io.certvault.pki.CertificateDetails;
import io.certvault.pki.CertificateParser;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Base64;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * What is derived from a certificate becomes columns of its row: added, filled for the rows there are by
 * parsing their DER exactly as the entity does ({@link CertificateDetails}), then required and indexed.
 * Java, not SQL, because SQL cannot parse a certificate. Portable: runs on H2 and PostgreSQL. Registered
 * with Flyway by {@code Database}, outside the scanned {@code db/migration} package.
 */
public class V4__certificate_details extends BaseJavaMigration {
    private static final int BATCH = 500;
    /** Column, type, and whether every row has a value (the curve is only for EC keys). */
    private static final List<String[]> COLUMNS = List.of(
            new String[] {"thumbprint", "VARCHAR(40)", "required"},
            new String[] {"thumbprint_sha256", "VARCHAR(64)", "required"},
            new String[] {"subject", "VARCHAR(65536)", "required"},
            new String[] {"issuer", "VARCHAR(65536)", "required"},
            new String[] {"serial_number", "VARCHAR(1024)", "required"},
            new String[] {"not_before", "TIMESTAMP", "required"},
            new String[] {"not_after", "TIMESTAMP", "required"},
            new String[] {"key_algorithm", "VARCHAR(16)", "required"},
            new String[] {"key_size", "INTEGER", "required"},
            new String[] {"key_curve", "VARCHAR(16)", "optional"},
            new String[] {"subject_key_identifier", "VARCHAR(1024)", "required"});

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        try (Statement sql = connection.createStatement()) {
            for (String[] column : COLUMNS) {
                sql.execute("ALTER TABLE certificate ADD COLUMN " + column[0] + " " + column[1]);
            }
        }
        fill(connection);
        try (Statement sql = connection.createStatement()) {
            for (String[] column : COLUMNS) {
                if (column[2].equals("required")) {
                    sql.execute("ALTER TABLE certificate ALTER COLUMN " + column[0] + " SET NOT NULL");
                }
            }
            // Decode finds the certificates a message names by these two.
            sql.execute("CREATE INDEX certificate_issuer_serial ON certificate (account_name, serial_number)");
            sql.execute("CREATE INDEX certificate_subject_key ON certificate (account_name, subject_key_identifier)");
            // Lists by expiry, in one account and across accounts (keyset paging on the whole order).
            sql.execute("CREATE INDEX certificate_account_expiry ON certificate (account_name, not_after, name)");
            sql.execute("CREATE INDEX certificate_expiry ON certificate (not_after, account_name, name)");
            sql.execute("CREATE INDEX certificate_thumbprint ON certificate (thumbprint)");
        }
    }

    private static void fill(Connection connection) throws SQLException {
        try (Statement select = connection.createStatement();
                PreparedStatement update = connection.prepareStatement("UPDATE certificate SET thumbprint = ?, "
                        + "thumbprint_sha256 = ?, subject = ?, issuer = ?, serial_number = ?, not_before = ?, "
                        + "not_after = ?, key_algorithm = ?, key_size = ?, key_curve = ?, subject_key_identifier = ? "
                        + "WHERE id = ?")) {
            select.setFetchSize(BATCH);
            int pending = 0;
            try (ResultSet rows = select.executeQuery(
                    "SELECT id, account_name, name, certificate_der FROM certificate")) {
                while (rows.next()) {
                    CertificateDetails details = details(rows);
                    update.setString(1, details.thumbprint());
                    update.setString(2, details.thumbprintSha256());
                    update.setString(3, details.subject());
                    update.setString(4, details.issuer());
                    update.setString(5, details.serialNumber());
                    // As the entity's InstantConverter writes them.
                    update.setTimestamp(6, Timestamp.from(details.notBefore()));
                    update.setTimestamp(7, Timestamp.from(details.notAfter()));
                    update.setString(8, details.keyAlgorithm());
                    update.setInt(9, details.keySize());
                    if (details.keyCurve() == null) {
                        update.setNull(10, Types.VARCHAR);
                    } else {
                        update.setString(10, details.keyCurve());
                    }
                    update.setString(11, details.subjectKeyIdentifier());
                    update.setString(12, rows.getString("id"));
                    update.addBatch();
                    if (++pending == BATCH) {
                        update.executeBatch();
                        pending = 0;
                    }
                }
            }
            if (pending > 0) {
                update.executeBatch();
            }
        }
    }

    private static CertificateDetails details(ResultSet row) throws SQLException {
        try {
            return CertificateDetails.of(CertificateParser.parse(Base64.getDecoder().decode(
                    row.getString("certificate_der"))));
        } catch (CertvaultException | IllegalArgumentException e) {
            // Every stored DER was parsed when it was uploaded: one that no longer parses needs a person.
            throw new SQLException("Certificate '" + row.getString("name") + "' of integration account '"
                    + row.getString("account_name") + "' cannot be parsed to fill its details: " + e.getMessage()
                    + " (delete or replace it with the previous Certvault version, then start this one again)", e);
        }
    }
}
