package io.certvault.infrastructure.persistence;

import io.certvault.domain.ExpiryNoticeRepository;
import io.certvault.domain.ExpiryNoticeRepository.Event;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Expiry notices and the job lease, by plain SQL. Claims are conditional updates, so that of several servers
 * exactly one gets a lease or a notice; each runs in its own transaction.
 */
@ApplicationScoped
public class JpaExpiryNoticeRepository implements ExpiryNoticeRepository {
    private static final String COLUMNS = "id, channel, event, account_name, certificate_name, predecessor_name,"
            + " thumbprint, subject, not_after, threshold_days, agreements, attempts, created_time";

    @Inject
    Database database;

    @Override
    public boolean claimJob(String job, String owner, Instant now, Duration lease) {
        return database.writing(manager -> manager.createNativeQuery("UPDATE scheduled_job SET lease_owner = ?,"
                + " lease_until = ? WHERE name = ? AND (lease_until IS NULL OR lease_until < ?)")
                .setParameter(1, owner).setParameter(2, Timestamp.from(now.plus(lease))).setParameter(3, job)
                .setParameter(4, Timestamp.from(now)).executeUpdate() == 1);
    }

    @Override
    public boolean record(Notice notice) {
        return database.writing(manager -> manager.createNativeQuery("INSERT INTO certificate_notice (" + COLUMNS
                + ", state, next_attempt) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'Pending', ? FROM scheduled_job"
                + " WHERE name = 'certificate-expiry' AND NOT EXISTS (SELECT 1 FROM certificate_notice WHERE"
                + " account_name = ? AND certificate_name = ? AND thumbprint = ? AND threshold_days = ?"
                + " AND channel = ?)")
                .setParameter(1, notice.id()).setParameter(2, notice.channel())
                .setParameter(3, notice.event().name()).setParameter(4, notice.accountName())
                .setParameter(5, notice.certificateName()).setParameter(6, notice.predecessor())
                .setParameter(7, notice.thumbprint()).setParameter(8, truncate(notice.subject(), 4096))
                .setParameter(9, Timestamp.from(notice.notAfter())).setParameter(10, notice.thresholdDays())
                .setParameter(11, truncate(String.join(",", notice.agreements()), 8192))
                .setParameter(12, Timestamp.from(notice.createdTime()))
                .setParameter(13, Timestamp.from(notice.createdTime()))
                .setParameter(14, notice.accountName()).setParameter(15, notice.certificateName())
                .setParameter(16, notice.thumbprint()).setParameter(17, notice.thresholdDays())
                .setParameter(18, notice.channel()).executeUpdate() == 1);
    }

    @Override
    public List<Notice> claimDue(String owner, Instant now, Instant leaseUntil, int limit) {
        List<Notice> candidates = database.transaction(manager -> notices(manager.createNativeQuery("SELECT "
                + COLUMNS + " FROM certificate_notice WHERE state = 'Pending' AND next_attempt <= ? AND (lease_until"
                + " IS NULL OR lease_until < ?) ORDER BY next_attempt").setParameter(1, Timestamp.from(now))
                .setParameter(2, Timestamp.from(now)).setMaxResults(limit).getResultList()));
        List<Notice> claimed = new ArrayList<>();
        for (Notice notice : candidates) {
            boolean mine = database.writing(manager -> manager.createNativeQuery("UPDATE certificate_notice SET"
                    + " lease_owner = ?, lease_until = ? WHERE id = ? AND state = 'Pending' AND (lease_until IS NULL"
                    + " OR lease_until < ?)").setParameter(1, owner).setParameter(2, Timestamp.from(leaseUntil))
                    .setParameter(3, notice.id()).setParameter(4, Timestamp.from(now)).executeUpdate() == 1);
            if (mine) {
                claimed.add(notice);
            }
        }
        return claimed;
    }

    @Override
    public void delivered(String id, Instant now) {
        database.writing(manager -> manager.createNativeQuery("UPDATE certificate_notice SET state = 'Delivered',"
                + " delivered_time = ?, attempts = attempts + 1, lease_until = NULL, last_error = NULL WHERE id = ?")
                .setParameter(1, Timestamp.from(now)).setParameter(2, id).executeUpdate());
    }

    @Override
    public void failed(String id, String error, Instant nextAttempt) {
        if (nextAttempt == null) {
            database.writing(manager -> manager.createNativeQuery("UPDATE certificate_notice SET state = 'Failed',"
                    + " attempts = attempts + 1, lease_until = NULL, last_error = ? WHERE id = ?")
                    .setParameter(1, error).setParameter(2, id).executeUpdate());
            return;
        }
        database.writing(manager -> manager.createNativeQuery("UPDATE certificate_notice SET attempts = attempts + 1,"
                + " next_attempt = ?, lease_until = NULL, last_error = ? WHERE id = ?")
                .setParameter(1, Timestamp.from(nextAttempt)).setParameter(2, error).setParameter(3, id)
                .executeUpdate());
    }

    @Override
    public List<Notice> recent(int limit) {
        return database.transaction(manager -> notices(manager.createNativeQuery("SELECT " + COLUMNS
                + " FROM certificate_notice ORDER BY created_time DESC, id").setMaxResults(limit).getResultList()));
    }

    /** The state of a notice by id, for tests: Pending, Delivered or Failed. */
    public String state(String id) {
        return database.transaction(manager -> (String) manager.createNativeQuery(
                "SELECT state FROM certificate_notice WHERE id = ?").setParameter(1, id).getSingleResult());
    }

    @SuppressWarnings("unchecked")
    private static List<Notice> notices(List<?> rows) {
        List<Notice> notices = new ArrayList<>();
        for (Object[] row : (List<Object[]>) rows) {
            String agreements = (String) row[10];
            notices.add(new Notice((String) row[0], (String) row[1], Event.valueOf((String) row[2]),
                    (String) row[3], (String) row[4], (String) row[5], (String) row[6], (String) row[7],
                    InstantConverter.fromColumn(row[8]), ((Number) row[9]).intValue(),
                    agreements.isEmpty() ? List.of() : Arrays.asList(agreements.split(",")),
                    ((Number) row[11]).intValue(), InstantConverter.fromColumn(row[12])));
        }
        return notices;
    }


    private static String truncate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }
}
