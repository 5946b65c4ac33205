package dev.minoro.internal.database;

import dev.minoro.DatabaseException;
import dev.minoro.MinoroException;
import dev.minoro.NotFoundException;
import io.r2dbc.spi.R2dbcException;
import org.jspecify.annotations.Nullable;

/**
 * A remote libSQL server's error translator: turns the libSQL driver's errors into Minoro's typed exceptions. The
 * driver gives each error Hrana's code as its SQLSTATE ({@code SQLITE_CONSTRAINT}, {@code TRANSACTION_TIMEOUT},
 * {@code HTTP_401} …) and SQLite's result code as its error code, made extended from the server's message where
 * Hrana sends only the primary one (a UNIQUE violation is 2067, as from a local file), so unique and foreign-key
 * violations and missing tables read as SQLite's ({@link SqliteErrorTranslator}). What only a server reports says
 * what to fix: a token refused (HTTP 401) or not allowed to write (403), a server that cannot be reached, a
 * transaction the server rolled back. A {@link DatabaseException} carries Hrana's code as its
 * {@link DatabaseException#sqlState()} and SQLite's result code, when there is one, as its
 * {@link DatabaseException#errorCode()}. Messages name the database by its URL, never the token.
 */
final class LibsqlErrorTranslator {

    /** Hrana's codes for a transaction that the server rolled back or forgot: begin it again. */
    static final String TRANSACTION_TIMEOUT = "TRANSACTION_TIMEOUT";
    static final String STREAM_EXPIRED = "STREAM_EXPIRED";

    private final String description;

    /** @param description what messages call the database */
    LibsqlErrorTranslator(String description) {
        this.description = description;
    }

    /**
     * Whether {@code error} is a conflict that a new attempt may not meet: the server rolled the transaction back
     * (TRANSACTION_TIMEOUT), forgot its stream (STREAM_EXPIRED), or another writer held the lock (SQLITE_BUSY,
     * SQLITE_LOCKED).
     */
    static boolean isTransientConflict(Throwable error) {
        R2dbcException e = Causes.find(error, R2dbcException.class);
        if (e == null) {
            return false;
        }
        String state = e.getSqlState();
        int primary = isSqliteCode(state) ? e.getErrorCode() & 0xff : 0;
        return TRANSACTION_TIMEOUT.equals(state) || STREAM_EXPIRED.equals(state)
                || primary == SqliteErrorTranslator.SQLITE_BUSY || primary == SqliteErrorTranslator.SQLITE_LOCKED;
    }

    MinoroException translate(Throwable error, String doing) {
        if (error instanceof MinoroException) {
            return (MinoroException) error;
        }
        String failed = doing + " failed: ";
        R2dbcException e = Causes.find(error, R2dbcException.class);
        if (e == null) {
            return new DatabaseException(failed + error + " (" + description + ")", error);
        }
        String state = e.getSqlState() == null || e.getSqlState().isEmpty() ? null : e.getSqlState();
        Integer code = isSqliteCode(state) ? e.getErrorCode() : null;
        if (SqliteErrorTranslator.isForeignKeyViolation(e)) {
            return new NotFoundException(failed + "it refers to a user or role that does not exist (deleted"
                    + " meanwhile)", error);
        }
        // The driver's own words for a refused token, an unreachable server or a timeout name the URL and what to
        // fix, and never the token.
        return new DatabaseException(failed + e.getMessage() + (e.getMessage() != null
                && e.getMessage().contains("libSQL server at") ? "" : " (" + description + ")"), state, code, error);
    }

    /** Whether a Hrana code is SQLite's (then the error code is SQLite's result code, not an HTTP status). */
    private static boolean isSqliteCode(@Nullable String state) {
        return state != null && (state.startsWith("SQLITE_") || state.startsWith("SQL_") || state.startsWith("ARGS_"));
    }
}
