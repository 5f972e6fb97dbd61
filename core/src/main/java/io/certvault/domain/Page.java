package io.certvault.domain;

import java.util.List;

/**
 * One page of a list ordered by name, and the name to continue after when there is more.
 */
public record Page<T>(List<T> items, String continueAfter) {

    public boolean hasMore() {
        return continueAfter != null;
    }
}
