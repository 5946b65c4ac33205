package dev.minoro.internal.database;

import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** The one walk down an error's cause chain, for the error translators and the PostgreSQL connector. */
final class Causes {

    /** How deep the walk goes: a bound against cause chains that loop through more than one exception. */
    private static final int MAX_DEPTH = 32;

    private Causes() {
    }

    /** The first of {@code error} and its causes that is a {@code type}, or null when none is. */
    static <T extends Throwable> @Nullable T find(Throwable error, Class<T> type) {
        return type.cast(first(error, type::isInstance));
    }

    /** The first of {@code error} and its causes that {@code test} accepts, or null when none does. */
    static @Nullable Throwable first(Throwable error, Predicate<Throwable> test) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (test.test(t)) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
