package io.certvault.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Versioned;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PreconditionTest {
    private static final Versioned CURRENT = new Versioned() {
        @Override
        public long version() {
            return 3;
        }

        @Override
        public Instant createdTime() {
            return Instant.parse("2026-12-01T10:00:00Z");
        }
    };
    private static final String TAG = Precondition.etag(CURRENT);

    @Test
    void ifMatchNeedsTheCurrentVersionStrongly() {
        assertThatCode(() -> Precondition.ifMatch(TAG).check("certificate 'c'", CURRENT)).doesNotThrowAnyException();
        assertThatCode(() -> Precondition.ifMatch("\"other\", " + TAG).check("certificate 'c'", CURRENT))
                .doesNotThrowAnyException();
        assertThatCode(() -> Precondition.ifMatch("*").check("certificate 'c'", CURRENT)).doesNotThrowAnyException();
        assertFailed(() -> Precondition.ifMatch("W/" + TAG).check("certificate 'c'", CURRENT));
        assertFailed(() -> Precondition.ifMatch("\"other\"").check("certificate 'c'", CURRENT));
        assertFailed(() -> Precondition.ifMatch("*").check("certificate 'c'", null));
    }

    @Test
    void ifNoneMatchStarCreatesOnly() {
        assertThatCode(() -> Precondition.createOnly().check("certificate 'c'", null)).doesNotThrowAnyException();
        assertFailed(() -> Precondition.createOnly().check("certificate 'c'", CURRENT));
        assertFailed(() -> new Precondition(null, "W/" + TAG).check("certificate 'c'", CURRENT));
        assertThat(new Precondition(null, "W/" + TAG).notModified(CURRENT)).isTrue();
        assertThat(new Precondition(null, "\"other\"").notModified(CURRENT)).isFalse();
    }

    @Test
    void noConditionAlwaysHolds() {
        assertThatCode(() -> Precondition.NONE.check("certificate 'c'", CURRENT)).doesNotThrowAnyException();
        assertThatCode(() -> new Precondition(" ", "").check("certificate 'c'", null)).doesNotThrowAnyException();
    }

    @Test
    void malformedHeadersAreTheClientsMistake() {
        for (String bad : new String[] {"3", "\"a\" \"b\"", "\"a\",,", "W/", "\"a\"x", "\"a\", *"}) {
            assertThatThrownBy(() -> Precondition.ifMatch(bad)).as(bad).isInstanceOfSatisfying(CertvaultException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST));
        }
    }

    @Test
    void aNameMadeAgainHasNewTags() {
        Versioned remade = new Versioned() {
            @Override
            public long version() {
                return 3;
            }

            @Override
            public Instant createdTime() {
                return Instant.parse("2026-12-01T10:00:01Z");
            }
        };
        assertThat(Precondition.etag(remade)).isNotEqualTo(TAG);
    }

    private static void assertFailed(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CertvaultException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
    }
}
