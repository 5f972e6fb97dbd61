package io.certvault.domain;

import java.util.List;

/**
 * One page of a list, and the position to continue after when there is more: the last item's name, or what
 * else the list is ordered by (see {@link CertificateQuery.Position#text()}).
 */
public record Page<T>(List<T> items, String continueAfter) {

    /**
     * A page from ordered rows, fetched one more than the page holds: that extra row, if there, says there
     * is a next page.
     *
     * @param position the text of a row's position in the order (its name, for lists ordered by name)
     */
    public static <T> Page<T> of(List<T> rows, int limit, java.util.function.Function<T, String> position) {
        if (rows.size() <= limit) {
            return new Page<>(List.copyOf(rows), null);
        }
        List<T> items = List.copyOf(rows.subList(0, limit));
        return new Page<>(items, position.apply(items.get(limit - 1)));
    }

    public boolean hasMore() {
        return continueAfter != null;
    }
}
