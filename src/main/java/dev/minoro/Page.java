package dev.minoro;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One page of a keyset-paged listing, such as {@link UserRepository#search(UserQuery)}: its items, and the
 * cursor that continues after the last of them.
 *
 * @param <T>        the type of the items
 * @param items      the items, in the listing's order; at most the page size asked for
 * @param nextCursor an opaque cursor for the next page (pass it to {@link UserQuery#after(String)}), or null when
 *                   this page is the last. A cursor names a position, not an offset: rows inserted or deleted
 *                   between two calls neither repeat nor skip the rows that stay
 */
public record Page<T>(List<T> items, @Nullable String nextCursor) {

    /**
     * A page; the list is copied.
     *
     * @param items      the items
     * @param nextCursor the cursor of the next page, or null for the last page
     */
    public Page {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
    }

    /** {@return whether another page follows: {@link #nextCursor()} is not null} */
    public boolean hasNext() {
        return nextCursor != null;
    }

    /** {@return {@link #nextCursor()} as an {@code Optional}} */
    public Optional<String> next() {
        return Optional.ofNullable(nextCursor);
    }
}
