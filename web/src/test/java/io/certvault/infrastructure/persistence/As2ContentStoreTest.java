package io.certvault.infrastructure.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.Agreement;
import io.certvault.domain.As2AgreementContent;
import io.certvault.domain.As2Message;
import io.certvault.domain.As2MessageRepository.Content;
import io.certvault.domain.As2MessageRepository.Source;
import io.certvault.domain.BusinessIdentity;
import io.certvault.domain.IntegrationAccount;
import io.certvault.infrastructure.CertvaultConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * What AS2 messages carried is stored in sealed chunks ({@code as2_content_chunk}): it reads back as written
 * whatever its size, a chunk opens only in its place, and a content replaced while it is read fails the read. On
 * H2 here; {@code PostgresPersistenceTest} runs the same on PostgreSQL.
 */
class As2ContentStoreTest {
    private static final int CHUNK = JpaAs2MessageRepository.CHUNK;
    /** The storage key the test repositories use: 32 zero bytes. */
    private static final byte[] KEY = new byte[32];

    @Test
    void onH2() throws Exception {
        Database database = CertificateMigrationTest.open("jdbc:h2:mem:content-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", "sa");
        try {
            storedContentReadsBackWhateverItsSize(database, accountWithAgreement(database, "chunks", Instant.now()));
            aReplacedOrAlteredContentFailsTheReadNeverMixes(database, accountWithAgreement(database, "altered",
                    Instant.now()));
        } finally {
            database.close();
        }
    }

    /** Content stored before V9 (one sealed value per row) becomes its content's only chunk and still opens. */
    @Test
    void contentStoredBeforeChunksIsMigratedAndOpens() throws Exception {
        String url = "jdbc:h2:mem:content-v8-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        h2.setUser("sa");
        Database.migrations(h2).target("8").load().migrate();
        byte[] payload = "ISA*00*stored before chunks~".getBytes(StandardCharsets.UTF_8);
        String rowId = UUID.randomUUID().toString();
        try (Connection connection = h2.getConnection()) {
            try (Statement sql = connection.createStatement()) {
                sql.execute("INSERT INTO integration_account (name, created_time, changed_time) VALUES "
                        + "('legacy', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                sql.execute("INSERT INTO as2_message (id, account_name, agreement_name, direction, kind, message_id,"
                        + " as2_from, as2_to, host_partner, guest_partner, status, duplicate, attempts, created_time,"
                        + " changed_time, row_version) VALUES ('" + rowId + "', 'legacy', 'fabrikam', 'Inbound',"
                        + " 'Message', '<old@fabrikam>', 'Fabrikam', 'Contoso', 'contoso', 'fabrikam', 'Received',"
                        + " FALSE, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)");
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO as2_message_content (message_row_id, kind, content) VALUES (?, 'PAYLOAD', ?)")) {
                insert.setString(1, rowId);
                insert.setBytes(2, sealedAsBeforeChunks(rowId, "PAYLOAD", payload));
                insert.executeUpdate();
            }
        }
        Database database = CertificateMigrationTest.open(url, "sa");
        try {
            JpaAs2MessageRepository repository = repository(database);
            try (InputStream in = repository.content(rowId, Content.PAYLOAD).orElseThrow()) {
                assertThat(in.readAllBytes()).isEqualTo(payload);
            }
            // Replacing it writes the chunked form.
            save(repository, repository.find("legacy", rowId).orElseThrow(), Content.PAYLOAD, new byte[] {7});
            try (InputStream in = repository.content(rowId, Content.PAYLOAD).orElseThrow()) {
                assertThat(in.readAllBytes()).containsExactly(7);
            }
        } finally {
            database.close();
        }
    }

    /** Sizes on both sides of a chunk's, read back byte for byte, in as many chunks as they need. */
    static void storedContentReadsBackWhateverItsSize(Database database, Agreement agreement) throws IOException {
        JpaAs2MessageRepository repository = repository(database);
        for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + CHUNK / 2}) {
            byte[] payload = random(size);
            As2Message message = inbound(agreement);
            save(repository, message, Content.PAYLOAD, payload);
            try (InputStream in = repository.content(message.id(), Content.PAYLOAD).orElseThrow()) {
                assertThat(in.readAllBytes()).as("%d bytes", size).isEqualTo(payload);
            }
            assertThat(chunks(database, message.id())).as("chunks of %d bytes", size)
                    .isEqualTo(Math.max(1, (size + CHUNK - 1) / CHUNK));
            assertThat(repository.content(message.id(), Content.RAW)).isEmpty();
        }
    }

    static void aReplacedOrAlteredContentFailsTheReadNeverMixes(Database database, Agreement agreement)
            throws IOException {
        JpaAs2MessageRepository repository = repository(database);
        As2Message message = inbound(agreement);
        byte[] original = random(3 * CHUNK);
        save(repository, message, Content.PAYLOAD, original);
        InputStream reading = repository.content(message.id(), Content.PAYLOAD).orElseThrow();
        InputStream purged = repository.content(message.id(), Content.PAYLOAD).orElseThrow();
        byte[] read = reading.readNBytes(CHUNK);
        assertThat(purged.readNBytes(CHUNK)).hasSize(CHUNK);
        // A large content is written before the save, yet it is not the message's until then.
        byte[] replacement = random(3 * CHUNK + 5);
        var prepared = repository.prepare(message.id(), Content.PAYLOAD, Source.of(replacement));
        repository.save(message, Map.of(Content.PAYLOAD, prepared));
        // A read under way goes on with what it began with; new reads get the replacement.
        assertThat(concat(read, reading.readNBytes(CHUNK), reading.readAllBytes())).isEqualTo(original);
        try (InputStream in = repository.content(message.id(), Content.PAYLOAD).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(replacement);
        }
        // Once the replaced content is purged, a read of it still under way fails rather than mixes.
        // (At least: on a database other tests share, theirs may go too.)
        assertThat(repository.purgeUnheld(Instant.now().minusSeconds(3600))).isPositive();
        assertThatThrownBy(purged::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("removed");
        assertThat(chunks(database, message.id())).isEqualTo(4);
        repository.removeContent(message.id(), java.util.Set.of(Content.PAYLOAD));
        assertThat(repository.content(message.id(), Content.PAYLOAD)).isEmpty();
        assertThat(repository.purgeUnheld(Instant.now().minusSeconds(3600))).isPositive();
        save(repository, message, Content.PAYLOAD, original);

        // A chunk moved to another position does not open there; neither does one cut from its end.
        database.writing(manager -> manager.createNativeQuery("UPDATE as2_content_chunk SET data = (SELECT c.data"
                + " FROM as2_content_chunk c WHERE c.content_id = as2_content_chunk.content_id AND c.seq = 1)"
                + " WHERE seq = 0 AND content_id = (SELECT id FROM as2_content WHERE message_row_id = ?)")
                .setParameter(1, message.id()).executeUpdate());
        assertThatThrownBy(() -> repository.content(message.id(), Content.PAYLOAD))
                .hasMessageContaining("does not open");

        As2Message cut = inbound(agreement);
        save(repository, cut, Content.PAYLOAD, random(2 * CHUNK + 1));
        database.writing(manager -> manager.createNativeQuery("DELETE FROM as2_content_chunk WHERE seq = 2 AND"
                + " content_id = (SELECT id FROM as2_content WHERE message_row_id = ?)")
                .setParameter(1, cut.id()).executeUpdate());
        try (InputStream in = repository.content(cut.id(), Content.PAYLOAD).orElseThrow()) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }

        // A source that fails stores nothing of the message; what it wrote before, and a content prepared but never
        // saved, the retention job removes.
        As2Message failing = inbound(agreement);
        assertThatThrownBy(() -> repository.prepare(failing.id(), Content.PAYLOAD, () -> new InputStream() {
            private int left = 2 * CHUNK + 10;

            @Override
            public int read() throws IOException {
                // Fails for good: InputStream.read(byte[]) drops a failure that follows bytes it has read.
                if (left <= 0) {
                    throw new IOException("the spool broke");
                }
                left--;
                return 1;
            }
        })).hasMessage("the spool broke");
        assertThat(repository.find(agreement.accountName(), failing.id())).isEmpty();
        repository.prepare(inbound(agreement).id(), Content.RAW, Source.of(random(CHUNK + 1)));
        assertThat(repository.purgeUnheld(Instant.now().minusSeconds(3600))).as("prepared just now").isZero();
        assertThat(repository.purgeUnheld(Instant.now().plusSeconds(1))).isGreaterThanOrEqualTo(2);
        assertThat(chunks(database, message.id())).as("the saved content stays").isEqualTo(3);
    }

    static void save(JpaAs2MessageRepository repository, As2Message message, Content kind, byte[] content)
            throws IOException {
        repository.save(message, Map.of(kind, repository.prepare(message.id(), kind, Source.of(content))));
    }

    private static As2Message inbound(Agreement agreement) {
        return new As2Message(agreement.accountName(), agreement, As2Message.Direction.Inbound,
                "<" + UUID.randomUUID() + "@fabrikam>", "Fabrikam", "Contoso", Instant.now());
    }

    private static long chunks(Database database, String rowId) {
        return database.transaction(manager -> ((Number) manager.createNativeQuery("SELECT COUNT(*) FROM"
                + " as2_content_chunk c JOIN as2_content m ON c.content_id = m.id WHERE m.message_row_id = ?")
                .setParameter(1, rowId).getSingleResult()).longValue());
    }

    private static byte[] concat(byte[]... parts) {
        var all = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** What V8's ContentCipher stored: format 1, a nonce, AES-GCM with the row and kind as associated data. */
    private static byte[] sealedAsBeforeChunks(String rowId, String kind, byte[] plain) throws Exception {
        byte[] nonce = new byte[12];
        new Random(1).nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, nonce));
        cipher.updateAAD((rowId + '\u0000' + kind).getBytes(StandardCharsets.UTF_8));
        byte[] sealed = cipher.doFinal(plain);
        return java.nio.ByteBuffer.allocate(1 + nonce.length + sealed.length).put((byte) 1).put(nonce).put(sealed)
                .array();
    }

    /** The repository as Certvault makes it, on this database, with the test storage key. */
    static JpaAs2MessageRepository repository(Database on) {
        JpaAs2MessageRepository repository = new JpaAs2MessageRepository();
        repository.database = on;
        repository.cipher = new ContentCipher();
        repository.cipher.config = new CertvaultConfig() {
            @Override
            public Optional<String> get(String key) {
                return Optional.ofNullable(key.equals(ContentCipher.STORAGE_KEY)
                        ? java.util.Base64.getEncoder().encodeToString(KEY) : null);
            }
        };
        repository.cipher.load();
        return repository;
    }

    /** An account, and an agreement (not stored: messages name it) between its contoso and fabrikam. */
    static Agreement accountWithAgreement(Database database, String account, Instant now) {
        JpaIntegrationAccountRepository accounts = new JpaIntegrationAccountRepository();
        accounts.database = database;
        accounts.save(new IntegrationAccount(account, now));
        var agreement = new Agreement(account, "fabrikam", now);
        var identity = new BusinessIdentity("AS2Identity", "Fabrikam");
        agreement.update("contoso", new BusinessIdentity("AS2Identity", "Contoso"), "fabrikam", identity,
                new As2AgreementContent(null, null).withDefaults(As2AgreementContent.Identity.of(identity),
                        As2AgreementContent.Identity.of(identity)), null, now);
        return agreement;
    }
}
