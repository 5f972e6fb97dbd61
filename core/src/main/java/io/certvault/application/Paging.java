package io.certvault.application;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;

/** Page sizes for every list. */
public final class Paging {
    public static final int DEFAULT_TOP = 100;
    public static final int MAX_TOP = 1000;

    private Paging() {
    }

    /** The page size to use for a requested {@code $top} (null or empty for the default). */
    public static int top(String requested) {
        if (requested == null || requested.isEmpty()) {
            return DEFAULT_TOP;
        }
        int top;
        try {
            top = Integer.parseInt(requested);
        } catch (NumberFormatException e) {
            top = -1;
        }
        if (top < 1 || top > MAX_TOP) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "$top must be between 1 and " + MAX_TOP + ".");
        }
        return top;
    }
}
