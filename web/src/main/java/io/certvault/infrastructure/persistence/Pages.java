package io.certvault.infrastructure.persistence;

import io.certvault.domain.Page;
import java.util.List;
import java.util.function.Function;

/** Keyset paging: a query asks for one row more than a page, which tells whether there is a next page. */
final class Pages {

    private Pages() {
    }

    static <T> Page<T> of(List<T> rows, int limit, Function<T, String> name) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(List.copyOf(items), name.apply(items.get(limit - 1)));
    }
}
