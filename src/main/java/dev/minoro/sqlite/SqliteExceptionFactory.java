package dev.minoro.sqlite;

import dev.minoro.sqlite.internal.SqliteResultCodes;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Turns sqlite-jdbc's {@link SQLException}s into R2DBC's standard exceptions, in one place.
 *
 * <p>{@link R2dbcException#getErrorCode()} is SQLite's <em>extended</em> result code, such as 2067 for
 * SQLITE_CONSTRAINT_UNIQUE, 1555 for SQLITE_CONSTRAINT_PRIMARYKEY or 787 for SQLITE_CONSTRAINT_FOREIGNKEY
 * (<a href="https://www.sqlite.org/rescode.html">SQLite: result codes</a>); its low byte is the primary
 * code. {@link R2dbcException#getSql()} is the statement that failed. The message is SQLite's, which names
 * tables, columns and constraints but never bound values.
 */
final class SqliteExceptionFactory {

    private SqliteExceptionFactory() {
    }

    /**
     * The R2DBC exception for {@code error}: SQLExceptions are mapped; a timeout of the wait for a lane, made
     * before the statement was known, gets {@code sql}; other R2DBC exceptions and everything else pass through
     * unchanged.
     *
     * @param sql the statement that was running, or null if none was
     */
    static Throwable translate(Throwable error, @Nullable String sql) {
        if (error instanceof SQLException) {
            return map((SQLException) error, sql);
        }
        if (sql != null && error instanceof R2dbcTimeoutException && ((R2dbcTimeoutException) error).getSql() == null) {
            R2dbcTimeoutException timeout = (R2dbcTimeoutException) error;
            R2dbcTimeoutException named = new R2dbcTimeoutException(timeout.getMessage(), timeout.getSqlState(),
                    timeout.getErrorCode(), sql, timeout.getCause());
            named.setStackTrace(timeout.getStackTrace());
            return named;
        }
        return error;
    }

    static R2dbcException map(SQLException error, @Nullable String sql) {
        return map(error, sql, "");
    }

    /**
     * {@link #map(SQLException, String)} with {@code context}, such as what was being opened, before SQLite's message.
     */
    static R2dbcException map(SQLException error, @Nullable String sql, String context) {
        int code = SqliteJdbc.extendedCode(error);
        String message = context + (error.getMessage() == null ? "SQLite error " + code : error.getMessage());
        return SqliteResultCodes.exception(code, message, error.getSQLState(), sql, error);
    }

    /** Whether {@code error} is SQLite's SQLITE_BUSY or SQLITE_LOCKED: another connection holds a lock. */
    static boolean isLocked(Throwable error) {
        if (!(error instanceof SQLException)) {
            return false;
        }
        int primary = SqliteJdbc.extendedCode((SQLException) error) & 0xff;
        return primary == SqliteResultCodes.SQLITE_BUSY || primary == SqliteResultCodes.SQLITE_LOCKED;
    }

    /**
     * {@code error}, a lock that SQLite could not get, with what the call waited for it added to the message
     * (SQLite's own message says only "database is locked", whether it waited or not).
     */
    static SQLException waited(SQLException error, LockWait wait, String lane) {
        String message = (error.getMessage() == null ? "database is locked" : error.getMessage()) + "; "
                + wait.describe(lane);
        if (wait.hasTimeLeft()) {
            // the busy handler, which waits out the budget, was not called: the driver retries such refusals
            // where that is safe, so this one came inside a transaction
            message += "; SQLite gave up without waiting, as it does when a transaction that has read asks to write"
                    + " while another connection writes (waiting could deadlock): roll back and run it again";
        }
        // the extended code as the error code, where SqliteJdbc.extendedCode reads it from an SQLException
        SQLException waited = new SQLException(message, error.getSQLState(), SqliteJdbc.extendedCode(error));
        waited.initCause(error);
        return waited;
    }

    /** The error of anything attempted on a closed connection factory. */
    static R2dbcNonTransientResourceException factoryClosed(String database) {
        return new R2dbcNonTransientResourceException("the SQLite connection factory for " + database + " is closed");
    }

    /** The error of anything attempted on a closed connection. */
    static R2dbcNonTransientResourceException connectionClosed(String database) {
        return new R2dbcNonTransientResourceException("this connection to SQLite database " + database + " is closed");
    }
}
