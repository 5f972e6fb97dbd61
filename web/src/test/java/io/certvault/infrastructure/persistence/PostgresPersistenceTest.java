package io.certvault.infrastructure.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.audit.AuditEvent;
import io.certvault.audit.AuditTarget;
import io.certvault.audit.AuditVerification;
import io.certvault.infrastructure.CertvaultConfig;
import io.certvault.security.Role;
import io.certvault.security.RoleAssignment;
import io.certvault.security.Scope;
import io.certvault.security.User;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Users, role assignments and the audit trail on a real PostgreSQL (the machine's, 127.0.0.1:5432, or
 * {@code -Dcertvault.test.postgres=jdbc:postgresql://...}), in a fresh database made and dropped here:
 * the migrations, and the chain-head lock keeping concurrent appenders in one unbroken chain, as several
 * servers on one database would append.
 */
class PostgresPersistenceTest {
    private static final String SERVER = System.getProperty("certvault.test.postgres",
            "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = System.getProperty("certvault.test.postgres.user", "postgres");
    private static final String NAME = "certvault_test_" + Long.toHexString(System.nanoTime());
    private static Database database;

    @BeforeAll
    static void freshDatabase() throws SQLException {
        try (Connection server = server(); Statement sql = server.createStatement()) {
            sql.execute("CREATE DATABASE " + NAME);
        } catch (SQLException e) {
            // test.sh starts the machine's PostgreSQL; elsewhere this needs one.
            Assumptions.abort("No PostgreSQL at " + SERVER + ": " + e.getMessage());
        }
        String url = SERVER.substring(0, SERVER.lastIndexOf('/') + 1) + NAME;
        database = TestDatabases.open(Map.of(CertvaultConfig.DB_URL, url, CertvaultConfig.DB_USER, USER));
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (database == null) {
            return;
        }
        database.close();
        try (Connection server = server(); Statement sql = server.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + NAME);
        }
    }

    /** The driver itself: closing the database deregisters the drivers of this class loader from DriverManager. */
    private static Connection server() throws SQLException {
        java.util.Properties credentials = new java.util.Properties();
        credentials.setProperty("user", USER);
        Connection connection = new org.postgresql.Driver().connect(SERVER, credentials);
        if (connection == null) {
            throw new SQLException("Not a PostgreSQL URL: " + SERVER);
        }
        return connection;
    }

    private static JpaAuditTrail trail() {
        JpaAuditTrail trail = new JpaAuditTrail();
        trail.database = database;
        return trail;
    }

    @Test
    void concurrentAppendersMakeOneUnbrokenChainAndTamperingShows() throws Exception {
        JpaAuditTrail trail = trail();
        ExecutorService appenders = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int thread = 0; thread < 4; thread++) {
            String user = "user-" + thread;
            done.add(appenders.submit(() -> {
                for (int i = 0; i < 25; i++) {
                    trail.append(new AuditEvent(Instant.now(), user, "keys/sign",
                            new AuditTarget("contoso", "signing", "default", "key", "v" + i, null),
                            AuditEvent.SUCCEEDED, null, "192.0.2.1"));
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        appenders.shutdown();

        AuditVerification verification = trail.verify();
        assertThat(verification.intact()).as(verification.problem()).isTrue();
        assertThat(verification.records()).isEqualTo(100);
        assertThat(trail.find(io.certvault.audit.AuditQuery.all(), null, 1000))
                .extracting(r -> r.sequence()).hasSize(100).doesNotHaveDuplicates().contains(1L, 100L);

        database.transaction(manager -> manager.createNativeQuery(
                "UPDATE audit_event SET key_version = 'v99' WHERE sequence = 42").executeUpdate());
        AuditVerification broken = trail.verify();
        assertThat(broken.intact()).isFalse();
        assertThat(broken.firstBrokenSequence()).isEqualTo(42L);
    }

    @Test
    void certificateDetailsAreFilledForTheRowsThereWere() throws SQLException {
        String name = NAME + "_v4";
        try (Connection server = server(); Statement sql = server.createStatement()) {
            sql.execute("CREATE DATABASE " + name);
        }
        try {
            String url = SERVER.substring(0, SERVER.lastIndexOf('/') + 1) + name;
            // A pool that loads the driver itself: a closed Database has taken it out of DriverManager.
            com.zaxxer.hikari.HikariConfig pool = new com.zaxxer.hikari.HikariConfig();
            pool.setJdbcUrl(url);
            pool.setUsername(USER);
            pool.setDriverClassName("org.postgresql.Driver");
            try (com.zaxxer.hikari.HikariDataSource fresh = new com.zaxxer.hikari.HikariDataSource(pool)) {
                CertificateMigrationTest.existingRowsGetTheirDetails(fresh, url, USER);
            }
        } finally {
            try (Connection server = server(); Statement sql = server.createStatement()) {
                sql.execute("DROP DATABASE IF EXISTS " + name);
            }
        }
    }

    @Test
    void usersAndTheirRoleAssignmentsGoTogether() {
        JpaUserRepository users = new JpaUserRepository();
        users.database = database;
        Instant now = Instant.now();
        users.save(new User("pg-alice", "hash", now));
        users.save(new RoleAssignment("pg-alice-admin", "pg-alice", Role.ADMIN, Scope.GLOBAL, now));
        users.save(new RoleAssignment("pg-alice-reader", "pg-alice", Role.READER, Scope.account("contoso"), now));

        assertThat(users.findByPrincipal("pg-alice")).extracting(RoleAssignment::name)
                .containsExactly("pg-alice-admin", "pg-alice-reader");
        assertThat(users.countGlobal(Role.ADMIN)).isEqualTo(1);
        User alice = users.find("pg-alice").orElseThrow();
        alice.failedSignIn(1, now, java.time.Duration.ofMinutes(1));
        users.save(alice);
        assertThat(users.find("pg-alice").orElseThrow().lockedAt(now)).isTrue();

        assertThat(users.delete("pg-alice")).isTrue();
        assertThat(users.findByPrincipal("pg-alice")).isEmpty();
    }

    /**
     * Two servers (two pools on one database) draining one outbox at once: each due message is claimed by exactly
     * one of them, and a claim whose lease ran out (its server died) is taken over, once.
     */
    @Test
    void twoServersClaimTheOutboxWithoutSendingAMessageTwiceAndTakeOverExpiredLeases() throws Exception {
        Instant now = Instant.now();
        var agreement = accountWithAgreement("outbox", now);
        JpaAs2MessageRepository first = repository(database);
        Database otherServer = TestDatabases.open(Map.of(CertvaultConfig.DB_URL, database.description(),
                CertvaultConfig.DB_USER, USER));
        try {
            JpaAs2MessageRepository second = repository(otherServer);
            List<String> queued = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                var message = new io.certvault.domain.As2Message("outbox", agreement,
                        io.certvault.domain.As2Message.Direction.Outbound, "<" + i + "@contoso>", "Contoso",
                        "Fabrikam", now.minusSeconds(1));
                As2ContentStoreTest.save(first, message, io.certvault.domain.As2MessageRepository.Content.RAW,
                        new byte[] {1});
                queued.add(message.id());
            }
            ExecutorService workers = Executors.newFixedThreadPool(4);
            List<Future<List<String>>> claims = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                JpaAs2MessageRepository repository = worker % 2 == 0 ? first : second;
                String owner = "server-" + (worker % 2) + "/worker-" + worker;
                claims.add(workers.submit(() -> {
                    List<String> mine = new ArrayList<>();
                    List<io.certvault.domain.As2Message> batch;
                    while (!(batch = repository.claimDue(owner, Instant.now(), Instant.now().plusSeconds(300), 3))
                            .isEmpty()) {
                        batch.forEach(m -> mine.add(m.id()));
                    }
                    return mine;
                }));
            }
            List<String> claimed = new ArrayList<>();
            for (Future<List<String>> claim : claims) {
                claimed.addAll(claim.get());
            }
            workers.shutdown();
            assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(queued);
            assertThat(first.outboxDepth()).isEqualTo(60);

            // A server that claimed and died: after its lease, the other takes the message over, and only once.
            Instant later = Instant.now().plusSeconds(301);
            assertThat(second.claimDue("server-1", Instant.now(), Instant.now().plusSeconds(300), 100)).isEmpty();
            var takenOver = second.claimDue("server-1", later, later.plusSeconds(300), 100);
            assertThat(takenOver).hasSize(60).allSatisfy(m -> {
                assertThat(m.leaseOwner()).isEqualTo("server-1");
                assertThat(m.attempts()).isEqualTo(2);
            });
            assertThat(first.claimDue("server-0", later, later.plusSeconds(300), 100)).isEmpty();
        } finally {
            otherServer.close();
        }
    }

    /**
     * Two servers (two pools on one database) run expiry rounds at the same time: the job's lease lets one of them
     * check, so each certificate crossing a threshold gets one notice, and each notice is delivered once, by
     * whichever server claims it.
     */
    @Test
    void twoServersRunTheExpiryCheckOnceAndDeliverEachNoticeOnce() throws Exception {
        Instant now = Instant.now();
        JpaIntegrationAccountRepository accounts = new JpaIntegrationAccountRepository();
        accounts.database = database;
        accounts.save(new io.certvault.domain.IntegrationAccount("expiry", now));
        JpaCertificateRepository certificates = new JpaCertificateRepository();
        certificates.database = database;
        var key = io.certvault.testing.TestCertificates.rsa(2048);
        for (int days : new int[] {0, 3, 10, 20, 45}) {
            var certificate = new io.certvault.domain.Certificate("expiry", "in-" + days + "-days", now);
            certificate.update(io.certvault.testing.TestCertificates.selfSigned(key, "in-" + days, now.minus(
                    java.time.Duration.ofDays(100)), now.plus(java.time.Duration.ofDays(days)).plusSeconds(3600))
                    .getEncoded(), null, null, now);
            certificates.save(certificate);
        }
        Database otherServer = TestDatabases.open(Map.of(CertvaultConfig.DB_URL, database.description(),
                CertvaultConfig.DB_USER, USER));
        var delivered = new java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger>();
        io.certvault.application.ExpiryNotifier notifier = new io.certvault.application.ExpiryNotifier() {
            @Override
            public String channel() {
                return "webhook";
            }

            @Override
            public void deliver(io.certvault.domain.ExpiryNoticeRepository.Notice notice) {
                delivered.computeIfAbsent(notice.id(), id -> new java.util.concurrent.atomic.AtomicInteger())
                        .incrementAndGet();
            }
        };
        io.certvault.application.ExpirySettings settings = new io.certvault.application.ExpirySettings() {
            public List<Integer> thresholdDays() {
                return List.of(30, 14, 7, 1);
            }

            public java.time.Duration checkInterval() {
                return java.time.Duration.ofHours(1);
            }

            public List<String> channels() {
                return List.of("webhook");
            }

            public int deliveryAttempts() {
                return 3;
            }

            public java.time.Duration retryDelay() {
                return java.time.Duration.ofSeconds(1);
            }
        };
        try {
            List<io.certvault.application.ExpiryWatch> watches = new ArrayList<>();
            List<JpaExpiryNoticeRepository> noticeRepositories = new ArrayList<>();
            for (Database server : List.of(database, otherServer)) {
                JpaCertificateRepository serverCertificates = new JpaCertificateRepository();
                serverCertificates.database = server;
                JpaAgreementRepository agreements = new JpaAgreementRepository();
                agreements.database = server;
                JpaExpiryNoticeRepository notices = new JpaExpiryNoticeRepository();
                notices.database = server;
                noticeRepositories.add(notices);
                watches.add(new io.certvault.application.ExpiryWatch(serverCertificates, agreements, notices,
                        settings, List.of(notifier), java.time.Clock.systemUTC()));
            }
            ExecutorService servers = Executors.newFixedThreadPool(4);
            List<Future<Integer>> rounds = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                int server = round % 2;
                rounds.add(servers.submit(() -> watches.get(server).run("server-" + server)));
            }
            int recorded = 0;
            for (Future<Integer> round : rounds) {
                recorded += round.get();
            }
            servers.shutdown();
            // 0, 3, 10 and 20 days: thresholds 1, 7, 14 and 30; 45 days is beyond them all.
            assertThat(recorded).isEqualTo(4);
            var notices = noticeRepositories.get(0).recent(100);
            assertThat(notices).extracting(n -> n.certificateName() + ":" + n.thresholdDays())
                    .containsExactlyInAnyOrder("in-0-days:1", "in-3-days:7", "in-10-days:14", "in-20-days:30");
            assertThat(delivered).hasSize(4).allSatisfy((id, count) -> assertThat(count.get()).isEqualTo(1));
            assertThat(notices).allSatisfy(n -> assertThat(noticeRepositories.get(1).state(n.id()))
                    .isEqualTo("Delivered"));
        } finally {
            otherServer.close();
        }
    }

    /** The retention job removes old evidence, never what a message on its way needs. */
    @Test
    void theRetentionJobRemovesOldEvidenceButNotWhatAMessageOnItsWayNeeds() throws IOException {
        Instant now = Instant.now();
        var agreement = accountWithAgreement("retention", now);
        JpaAs2MessageRepository repository = repository(database);
        var raw = io.certvault.domain.As2MessageRepository.Content.RAW;
        var mdn = io.certvault.domain.As2MessageRepository.Content.MDN;
        var payload = io.certvault.domain.As2MessageRepository.Content.PAYLOAD;
        Instant old = now.minus(java.time.Duration.ofDays(400));
        var oldProcessed = new io.certvault.domain.As2Message("retention", agreement,
                io.certvault.domain.As2Message.Direction.Inbound, "<old@fabrikam>", "Fabrikam", "Contoso", old);
        oldProcessed.acknowledge(old);
        As2ContentStoreTest.save(repository, oldProcessed, raw, new byte[] {1});
        As2ContentStoreTest.save(repository, oldProcessed, mdn, new byte[] {2});
        As2ContentStoreTest.save(repository, oldProcessed, payload, new byte[] {3});
        var oldWaiting = new io.certvault.domain.As2Message("retention", agreement,
                io.certvault.domain.As2Message.Direction.Inbound, "<waiting@fabrikam>", "Fabrikam", "Contoso", old);
        As2ContentStoreTest.save(repository, oldWaiting, raw, new byte[] {6});
        As2ContentStoreTest.save(repository, oldWaiting, payload, new byte[] {7});
        var oldQueued = new io.certvault.domain.As2Message("retention", agreement,
                io.certvault.domain.As2Message.Direction.Outbound, "<queued@contoso>", "Contoso", "Fabrikam", old);
        As2ContentStoreTest.save(repository, oldQueued, raw, new byte[] {4});
        var recent = new io.certvault.domain.As2Message("retention", agreement,
                io.certvault.domain.As2Message.Direction.Inbound, "<new@fabrikam>", "Fabrikam", "Contoso", now);
        recent.acknowledge(now);
        As2ContentStoreTest.save(repository, recent, raw, new byte[] {5});

        assertThat(repository.removeEvidenceBefore(now.minus(java.time.Duration.ofDays(365)))).isEqualTo(3);
        for (var kind : List.of(raw, mdn, payload)) {
            assertThat(repository.content(oldProcessed.id(), kind)).as(kind.name()).isEmpty();
        }
        assertThat(repository.content(oldWaiting.id(), payload)).as("not picked up yet").isPresent();
        assertThat(repository.content(oldWaiting.id(), raw)).as("not picked up yet").isPresent();
        assertThat(repository.content(oldQueued.id(), raw)).as("still to be sent").isPresent();
        assertThat(repository.content(recent.id(), raw)).isPresent();

        repository.removeContent(recent.id(), java.util.Set.of(raw, payload));
        assertThat(repository.content(recent.id(), raw)).isEmpty();
    }

    private static io.certvault.domain.Agreement accountWithAgreement(String account, Instant now) {
        return As2ContentStoreTest.accountWithAgreement(database, account, now);
    }

    private static JpaAs2MessageRepository repository(Database on) {
        return As2ContentStoreTest.repository(on);
    }

    /** Message content in chunks on PostgreSQL: sizes around a chunk's, replacement, tampering, V9's migration. */
    @Test
    void messageContentIsStoredInChunksThatOpenOnlyInTheirPlace() throws Exception {
        As2ContentStoreTest.storedContentReadsBackWhateverItsSize(database, accountWithAgreement("chunks", Instant.now()));
        As2ContentStoreTest.aReplacedOrAlteredContentFailsTheReadNeverMixes(database,
                accountWithAgreement("chunks-altered", Instant.now()));
    }
}
