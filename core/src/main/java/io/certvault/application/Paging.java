package io.certvault.application;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;

/** Page sizes for every list. */
public final class Paging {
    public static final int DEFAULT_TOP = 100;
    public static final int MAX_TOP = 1000;

    private Paging() {
    }

    /** The page size to use for a requested {@code $top} (null for the default). */
    public static int top(Integer requested) {
        if (requested == null) {
            return DEFAULT_TOP;
        }
        if (requested < 1 || requested > MAX_TOP) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "$top must be between 1 and " + MAX_TOP + ".");
        }
        return requested;
    }
}
