package io.certvault.domain;

import java.util.List;

/**
 * One page of a list ordered by name, and the name to continue after when there is more.
 */
public record Page<T>(List<T> items, String continueAfter) {

    /**
     * A page from rows ordered by name, fetched one more than the page holds: that extra row, if there,
     * says there is a next page.
     */
    public static <T> Page<T> of(List<T> rows, int limit, java.util.function.Function<T, String> name) {
        if (rows.size() <= limit) {
            return new Page<>(List.copyOf(rows), null);
        }
        List<T> items = List.copyOf(rows.subList(0, limit));
        return new Page<>(items, name.apply(items.get(limit - 1)));
    }

    public boolean hasMore() {
        return continueAfter != null;
    }
}
