package dev.minoro;

import org.jspecify.annotations.Nullable;

/**
 * A database or network failure: the server refused the connection or the login, a query failed,
 * the pool timed out. The cause is the driver's exception; the message says what Minoro was doing.
 *
 * <p>{@link #sqlState()} and {@link #errorCode()} carry the database's own codes, so that callers can branch on
 * them without parsing the message.
 */
public class DatabaseException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /** The SQLSTATE, or null. */
    private final @Nullable String sqlState;
    /** The driver's error code, or null. */
    private final @Nullable Integer errorCode;

    /**
     * A failure that carries no database code (a refused connection, a timeout, a closed driver).
     *
     * @param message what went wrong
     * @param cause the failure behind it, or null
     */
    public DatabaseException(String message, @Nullable Throwable cause) {
        this(message, null, null, cause);
    }

    /**
     * A failure with the codes the database reported.
     *
     * @param message what went wrong
     * @param cause the failure behind it, or null
     * @param sqlState  the five-character SQLSTATE, or null when neither the database nor its driver reported one
     * @param errorCode the database's own numeric code (SQLite's extended result code), or null when it has none
     */
    public DatabaseException(String message, @Nullable String sqlState, @Nullable Integer errorCode,
            @Nullable Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
        this.errorCode = errorCode;
    }

    /**
     * {@return the SQLSTATE the database or its driver reported, such as PostgreSQL's {@code "23505"}
     * (unique_violation)
     * or {@code "28P01"} (invalid_password), or r2dbc-postgresql's class 08 (connection exception) when the server
     * could not be reached; for a remote libSQL server, Hrana's error code in its place ({@code "SQLITE_CONSTRAINT"},
     * {@code "TRANSACTION_TIMEOUT"}, {@code "HTTP_401"} …); null when none was reported (always for a local SQLite
     * file, which has no SQLSTATEs)}
     */
    public @Nullable String sqlState() {
        return sqlState;
    }

    /**
     * {@return the database's own numeric error code: for SQLite its extended result code, such as 5 (SQLITE_BUSY),
     * 2067 (SQLITE_CONSTRAINT_UNIQUE) or 26 (SQLITE_NOTADB), whose low byte is the primary code
     * (<a href="https://www.sqlite.org/rescode.html">SQLite: result codes</a>), on a local file or a libSQL server;
     * null for PostgreSQL, which reports only {@link #sqlState()}, and for failures that carry no code (a libSQL
     * server's HTTP refusals among them)}
     */
    public @Nullable Integer errorCode() {
        return errorCode;
    }
}
