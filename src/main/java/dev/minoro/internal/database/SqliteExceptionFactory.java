package dev.minoro.internal.database;

import dev.minoro.DatabaseException;
import dev.minoro.MinoroException;
import dev.minoro.NotFoundException;
import io.r2dbc.spi.R2dbcException;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Turns the errors of Minoro's SQLite driver, which carry SQLite's extended result code as their
 * error code, into Minoro's typed exceptions.
 */
final class SqliteExceptionFactory {

    /** SQLITE_ERROR: generic, used among others for "no such table". */
    static final int SQLITE_ERROR = 1;
    /** SQLITE_BUSY and SQLITE_LOCKED: another connection holds a lock. */
    static final int SQLITE_BUSY = 5;
    static final int SQLITE_LOCKED = 6;
    /** SQLITE_CONSTRAINT_PRIMARYKEY and SQLITE_CONSTRAINT_UNIQUE. */
    static final int SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
    static final int SQLITE_CONSTRAINT_UNIQUE = 2067;
    /** SQLITE_CONSTRAINT_FOREIGNKEY. */
    static final int SQLITE_CONSTRAINT_FOREIGNKEY = 787;

    private SqliteExceptionFactory() {
    }

    static boolean isUniqueViolation(Throwable error) {
        R2dbcException e = find(error);
        return e != null && (e.getErrorCode() == SQLITE_CONSTRAINT_UNIQUE
                || e.getErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY);
    }

    static boolean isForeignKeyViolation(Throwable error) {
        R2dbcException e = find(error);
        return e != null && e.getErrorCode() == SQLITE_CONSTRAINT_FOREIGNKEY;
    }

    static boolean isUndefinedTable(Throwable error) {
        R2dbcException e = find(error);
        return e != null && (e.getErrorCode() & 0xff) == SQLITE_ERROR && e.getMessage() != null
                && e.getMessage().contains("no such table");
    }

    static MinoroException translate(Throwable error, String doing) {
        if (error instanceof MinoroException) {
            return (MinoroException) error;
        }
        R2dbcException e = find(error);
        if (e != null) {
            if (e.getErrorCode() == SQLITE_CONSTRAINT_FOREIGNKEY) {
                return new NotFoundException(doing + " failed: it refers to a user or role that does not exist"
                        + " (deleted meanwhile)", error);
            }
            int primary = e.getErrorCode() & 0xff;
            if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
                // the driver's message says how long the call waited, and for what
                return new DatabaseException(doing + " failed: the SQLite database is locked: " + e.getMessage(),
                        error);
            }
            return new DatabaseException(doing + " failed: " + e.getMessage(), error);
        }
        if (error instanceof RejectedExecutionException) {
            return new DatabaseException(doing + " failed: the SQLite driver is closed or at capacity", error);
        }
        return new DatabaseException(doing + " failed: " + error, error);
    }

    private static @Nullable R2dbcException find(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof R2dbcException) {
                return (R2dbcException) t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
