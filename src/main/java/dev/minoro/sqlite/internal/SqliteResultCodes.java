package dev.minoro.sqlite.internal;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.jspecify.annotations.Nullable;

/**
 * SQLite's result codes (<a href="https://www.sqlite.org/rescode.html">SQLite: result codes</a>) and the R2DBC
 * exception each stands for, one mapping for both drivers: sqlite-jdbc reports the extended code, Hrana only the
 * primary one (its low byte), which each driver completes as far as it can before it asks here.
 */
public final class SqliteResultCodes {

    public static final int SQLITE_ERROR = 1;
    public static final int SQLITE_PERM = 3;
    public static final int SQLITE_ABORT = 4;
    public static final int SQLITE_BUSY = 5;
    public static final int SQLITE_LOCKED = 6;
    public static final int SQLITE_READONLY = 8;
    public static final int SQLITE_INTERRUPT = 9;
    public static final int SQLITE_SCHEMA = 17;
    public static final int SQLITE_TOOBIG = 18;
    public static final int SQLITE_CONSTRAINT = 19;
    public static final int SQLITE_MISMATCH = 20;
    public static final int SQLITE_AUTH = 23;
    public static final int SQLITE_RANGE = 25;
    public static final int SQLITE_CONSTRAINT_CHECK = 275;
    public static final int SQLITE_ABORT_ROLLBACK = 516;
    public static final int SQLITE_BUSY_SNAPSHOT = 517;
    public static final int SQLITE_CONSTRAINT_FOREIGNKEY = 787;
    public static final int SQLITE_CONSTRAINT_NOTNULL = 1299;
    public static final int SQLITE_CONSTRAINT_UNIQUE = 2067;

    /** SQLITE_ERROR messages that say the SQL itself is wrong (the rest are state errors). */
    private static final String[] GRAMMAR = {"syntax error", "no such ", "already exists", "unrecognized token",
        "incomplete input", "ambiguous column", "has no column", "wrong number of arguments", "values were supplied",
        "misuse of aggregate", "not an error"};

    private SqliteResultCodes() {
    }

    /**
     * The R2DBC exception for SQLite's result code {@code code} (extended, or primary where that is all there is).
     * SQLITE_ERROR is {@link R2dbcBadGrammarException} when its message says the SQL is wrong, and state otherwise.
     *
     * @param message  the message, SQLite's (which names tables, columns and constraints, never bound values)
     * @param sqlState the exception's {@link R2dbcException#getSqlState()}
     * @param sql      the statement that failed, or null
     * @param cause    the driver's own error, or null
     */
    public static R2dbcException exception(int code, String message, @Nullable String sqlState, @Nullable String sql,
            @Nullable Throwable cause) {
        switch (code & 0xff) {
            case SQLITE_CONSTRAINT, SQLITE_MISMATCH, SQLITE_TOOBIG:
                return new R2dbcDataIntegrityViolationException(message, sqlState, code, sql, cause);
            case SQLITE_ERROR:
                return isGrammar(message)
                        ? new R2dbcBadGrammarException(message, sqlState, code, sql, cause)
                        : new R2dbcNonTransientResourceException(message, sqlState, code, sql, cause);
            case SQLITE_RANGE:
                return new R2dbcBadGrammarException(message, sqlState, code, sql, cause);
            case SQLITE_PERM, SQLITE_READONLY, SQLITE_AUTH:
                return new R2dbcPermissionDeniedException(message, sqlState, code, sql, cause);
            case SQLITE_BUSY:
                // SQLITE_BUSY_SNAPSHOT is a conflict to retry, not a wait that ran out
                return code == SQLITE_BUSY_SNAPSHOT
                        ? new R2dbcTransientResourceException(message, sqlState, code, sql, cause)
                        : new R2dbcTimeoutException(message, sqlState, code, sql, cause);
            case SQLITE_LOCKED, SQLITE_SCHEMA:
                return new R2dbcTransientResourceException(message, sqlState, code, sql, cause);
            case SQLITE_INTERRUPT:
                return new R2dbcTimeoutException(message, sqlState, code, sql, cause);
            case SQLITE_ABORT:
                return code == SQLITE_ABORT_ROLLBACK
                        ? new R2dbcRollbackException(message, sqlState, code, sql, cause)
                        : new R2dbcNonTransientResourceException(message, sqlState, code, sql, cause);
            default:
                // CANTOPEN, CORRUPT, IOERR, FULL, NOTADB, NOMEM, MISUSE and the drivers' own errors
                return new R2dbcNonTransientResourceException(message, sqlState, code, sql, cause);
        }
    }

    private static boolean isGrammar(String message) {
        for (String marker : GRAMMAR) {
            if (message.contains(marker)) {
                return true;
            }
        }
        return false;
    }
}
