package io.certvault.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.application.SignInService.Outcome;
import io.certvault.audit.AuditEvent;
import io.certvault.domain.ErrorCode;
import io.certvault.security.Role;
import io.certvault.testing.InMemorySecurity;
import io.certvault.testing.TestCallers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SignInServiceTest {
    private static final char[] PASSWORD = "correct horse battery".toCharArray();
    private final InMemorySecurity security = new InMemorySecurity();
    private final TestCallers callers = new TestCallers();
    private final MutableClock clock = new MutableClock();
    private final SignInService signIn = new SignInService(security, security, security, callers.guard(),
            new SignInService.Policy(5, Duration.ofMinutes(15)), clock);

    @Test
    void firstStartCreatesAGlobalAdminOnce() {
        assertThat(signIn.createFirstAdmin(PASSWORD.clone())).isTrue();
        assertThat(signIn.createFirstAdmin("another password".toCharArray())).isFalse();
        assertThat(signIn.grants("admin")).singleElement()
                .satisfies(g -> assertThat(g.role()).isEqualTo(Role.ADMIN))
                .satisfies(g -> assertThat(g.scope().global()).isTrue());
        var signedIn = signIn.signIn("admin", PASSWORD.clone(), "192.0.2.9");
        assertThat(signedIn.outcome()).isEqualTo(Outcome.SIGNED_IN);
        assertThat(signedIn.grants()).as("the roles come with the sign-in").singleElement()
                .satisfies(g -> assertThat(g.role()).isEqualTo(Role.ADMIN));
        assertThat(signIn.signIn("admin", "wrong".toCharArray(), null).grants()).isEmpty();
    }

    @Test
    void fiveFailuresLockTheUserForAWhileEvenWithTheRightPassword() {
        signIn.createFirstAdmin(PASSWORD.clone());
        for (int i = 0; i < 5; i++) {
            assertThat(signIn.signIn("admin", "wrong".toCharArray(), "192.0.2.9").outcome())
                    .isEqualTo(Outcome.REJECTED);
        }
        var locked = signIn.signIn("admin", PASSWORD.clone(), "192.0.2.9");
        assertThat(locked.outcome()).isEqualTo(Outcome.LOCKED);
        assertThat(locked.lockedUntil()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
        assertThat(callers.audit().events()).extracting(AuditEvent::operation).contains("users/lock");

        clock.advance(Duration.ofMinutes(16));
        assertThat(signIn.signIn("admin", PASSWORD.clone(), "192.0.2.9").outcome()).isEqualTo(Outcome.SIGNED_IN);
    }

    @Test
    void successResetsTheCount() {
        signIn.createFirstAdmin(PASSWORD.clone());
        for (int i = 0; i < 4; i++) {
            signIn.signIn("admin", "wrong".toCharArray(), null);
        }
        assertThat(signIn.signIn("admin", PASSWORD.clone(), null).outcome()).isEqualTo(Outcome.SIGNED_IN);
        for (int i = 0; i < 4; i++) {
            signIn.signIn("admin", "wrong".toCharArray(), null);
        }
        assertThat(signIn.signIn("admin", PASSWORD.clone(), null).outcome()).isEqualTo(Outcome.SIGNED_IN);
    }

    @Test
    void unknownNamesAnswerExactlyLikeUsers() {
        signIn.createFirstAdmin(PASSWORD.clone());
        int before = security.verifications;
        for (int i = 0; i < 5; i++) {
            assertThat(signIn.signIn("nobody", "wrong".toCharArray(), null).outcome()).isEqualTo(Outcome.REJECTED);
        }
        // A password hash was checked each time, as for a real user.
        assertThat(security.verifications - before).isEqualTo(5);
        assertThat(signIn.signIn("nobody", "wrong".toCharArray(), null).outcome()).isEqualTo(Outcome.LOCKED);
    }

    @Test
    void aVerifiedPasswordIsNotHashedAgainUntilItChanges() {
        signIn.createFirstAdmin(PASSWORD.clone());
        signIn.signIn("admin", PASSWORD.clone(), null);
        int before = security.verifications;
        assertThat(signIn.signIn("admin", PASSWORD.clone(), null).outcome()).isEqualTo(Outcome.SIGNED_IN);
        assertThat(security.verifications).isEqualTo(before);
        assertThat(signIn.signIn("admin", "wrong".toCharArray(), null).outcome()).isEqualTo(Outcome.REJECTED);

        new AccessService(security, security, security, callers.guard(), clock).putUser("admin",
                "a new password here".toCharArray());
        assertThat(signIn.signIn("admin", PASSWORD.clone(), null).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(signIn.signIn("admin", "a new password here".toCharArray(), null).outcome())
                .isEqualTo(Outcome.SIGNED_IN);
    }

    @Test
    void usersChangeTheirOwnPasswordByProvingTheCurrentOne() {
        signIn.createFirstAdmin(PASSWORD.clone());
        callers.set(TestCallers.as("admin"));
        assertThatThrownBy(() -> signIn.changeOwnPassword("wrong".toCharArray(), "a new password here".toCharArray()))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.CURRENT_PASSWORD_INCORRECT);
        assertThatThrownBy(() -> signIn.changeOwnPassword(PASSWORD.clone(), "short".toCharArray()))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.PASSWORD_TOO_WEAK);
        Instant before = clock.instant();
        clock.advance(Duration.ofSeconds(1));
        signIn.changeOwnPassword(PASSWORD.clone(), "a new password here".toCharArray());

        assertThat(signIn.signIn("admin", PASSWORD.clone(), null).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(signIn.signIn("admin", "a new password here".toCharArray(), null).outcome())
                .isEqualTo(Outcome.SIGNED_IN);
        assertThat(signIn.sessionValid("admin", before)).as("sessions from before the change end").isFalse();
        assertThat(signIn.session("admin", clock.instant())).as("a session since then has the user's roles")
                .hasValueSatisfying(grants -> assertThat(grants).extracting(g -> g.role()).containsExactly(Role.ADMIN));
        assertThat(signIn.session("nobody", clock.instant())).isEmpty();
        assertThat(callers.audit().events()).filteredOn(e -> e.operation().equals("users/password"))
                .extracting(AuditEvent::outcome).containsExactly(AuditEvent.FAILED, AuditEvent.FAILED,
                        AuditEvent.SUCCEEDED);
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-29T08:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
