package dev.minoro.internal.database;

import dev.minoro.DatabaseException;
import dev.minoro.MinoroException;
import dev.minoro.NotFoundException;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcException;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * SQLite's error translator: turns the errors of Minoro's SQLite driver, which carry SQLite's extended result
 * code as their {@link R2dbcException#getErrorCode()}, into Minoro's typed exceptions, by that code. A
 * {@link DatabaseException} carries the code as its {@link DatabaseException#errorCode()}.
 */
final class SqliteErrorTranslator {

    /** SQLITE_ERROR: generic, used among others for "no such table". */
    static final int SQLITE_ERROR = 1;
    /** SQLITE_BUSY and SQLITE_LOCKED: another connection holds a lock. */
    static final int SQLITE_BUSY = 5;
    static final int SQLITE_LOCKED = 6;
    /** SQLITE_READONLY (with its extended codes): the file, its directory or its file system cannot be written. */
    static final int SQLITE_READONLY = 8;
    /** SQLITE_CANTOPEN: the file cannot be opened or created. */
    static final int SQLITE_CANTOPEN = 14;
    /** SQLITE_CONSTRAINT_PRIMARYKEY and SQLITE_CONSTRAINT_UNIQUE. */
    static final int SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
    static final int SQLITE_CONSTRAINT_UNIQUE = 2067;
    /** SQLITE_CONSTRAINT_FOREIGNKEY. */
    static final int SQLITE_CONSTRAINT_FOREIGNKEY = 787;

    private SqliteErrorTranslator() {
    }

    static boolean isUniqueViolation(Throwable error) {
        Integer code = errorCode(error);
        return code != null && (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY);
    }

    static boolean isForeignKeyViolation(Throwable error) {
        Integer code = errorCode(error);
        return code != null && code == SQLITE_CONSTRAINT_FOREIGNKEY;
    }

    /**
     * Whether {@code error} says a table does not exist. SQLite reports that only as SQLITE_ERROR, the code of
     * most SQL errors, so its words decide (pinned by SqliteErrorTranslatorIntegrationTests).
     */
    static boolean isUndefinedTable(Throwable error) {
        R2dbcBadGrammarException e = Causes.find(error, R2dbcBadGrammarException.class);
        return e != null && (e.getErrorCode() & 0xff) == SQLITE_ERROR && e.getMessage() != null
                && e.getMessage().contains("no such table");
    }

    static MinoroException translate(Throwable error, String doing) {
        if (error instanceof MinoroException) {
            return (MinoroException) error;
        }
        R2dbcException e = Causes.find(error, R2dbcException.class);
        if (e != null) {
            int code = e.getErrorCode();
            if (code == SQLITE_CONSTRAINT_FOREIGNKEY) {
                return new NotFoundException(doing + " failed: it refers to a user or role that does not exist"
                        + " (deleted meanwhile)", error);
            }
            int primary = code & 0xff;
            String state = e.getSqlState() == null || e.getSqlState().isEmpty() ? null : e.getSqlState();
            if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
                // the driver's message says how long the call waited, and for what
                return new DatabaseException(doing + " failed: the SQLite database is locked: " + e.getMessage(),
                        state, code, error);
            }
            if (primary == SQLITE_READONLY) {
                return new DatabaseException(doing + " failed: the SQLite database is read-only for this process ("
                        + e.getMessage() + "); Minoro writes to it at every login and change: give this process"
                        + " write permission on the file and on its directory (SQLite keeps its -wal and -shm files"
                        + " beside it), and check that its file system is not mounted read-only", state, code, error);
            }
            if (primary == SQLITE_CANTOPEN) {
                return new DatabaseException(doing + " failed: " + e.getMessage() + "; check that the directory"
                        + " exists and that this process may read and write both the directory and the file (SQLite"
                        + " creates the file and its -wal and -shm files there)", state, code, error);
            }
            return new DatabaseException(doing + " failed: " + e.getMessage(), state, code, error);
        }
        if (Causes.find(error, RejectedExecutionException.class) != null) {
            return new DatabaseException(doing + " failed: the SQLite driver is closed or at capacity", error);
        }
        return new DatabaseException(doing + " failed: " + error, error);
    }

    /** SQLite's extended result code in {@code error}'s causes, or null when none carries one. */
    private static @Nullable Integer errorCode(Throwable error) {
        R2dbcException e = Causes.find(error, R2dbcException.class);
        return e == null ? null : e.getErrorCode();
    }
}
