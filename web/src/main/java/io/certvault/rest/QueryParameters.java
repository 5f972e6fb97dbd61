package io.certvault.rest;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Query parameters read the same way in every resource; a bad value is the client's 400, naming the parameter. */
final class QueryParameters {

    private QueryParameters() {
    }

    /** An ISO-8601 instant, or null when the parameter is absent or blank. */
    static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, name + " must be an ISO-8601 instant such as "
                    + "2026-11-29T08:00:00Z.");
        }
    }
}
