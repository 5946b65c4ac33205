package dev.minoro.libsql;

import dev.minoro.sqlite.internal.ConnectionSecrets;
import dev.minoro.sqlite.internal.SqliteResultCodes;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Turns what the server and the network report into R2DBC's standard exceptions, in one place.
 *
 * <p>Hrana reports an error as a message and a code: SQLite's <em>primary</em> result code by name
 * ({@code SQLITE_CONSTRAINT}; sqld reports SQLITE_ERROR as {@code SQLITE_UNKNOWN}) or one of sqld's own
 * ({@code SQL_PARSE_ERROR}, {@code TRANSACTION_TIMEOUT}, {@code STREAM_EXPIRED}, …). The exception's
 * {@link R2dbcException#getSqlState()} is that code, and {@link R2dbcException#getErrorCode()} is SQLite's
 * result code: the primary one, or the extended one where SQLite's message names it (a constraint violation
 * says which kind: {@code UNIQUE constraint failed} is 2067, SQLITE_CONSTRAINT_UNIQUE, as it is from the
 * SQLite driver, also for a rowid PRIMARY KEY, whose message SQLite words the same). Messages are the
 * server's, which name tables and columns but never bound values, and never the auth token.
 */
final class LibsqlExceptionFactory {

    /** SQLite's primary result codes by the names sqld reports ({@code SQLITE_UNKNOWN} is how SQLITE_ERROR arrives). */
    private static final String[] PRIMARY = {"SQLITE_OK", "SQLITE_ERROR", "SQLITE_INTERNAL", "SQLITE_PERM",
        "SQLITE_ABORT", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_NOMEM", "SQLITE_READONLY", "SQLITE_INTERRUPT",
        "SQLITE_IOERR", "SQLITE_CORRUPT", "SQLITE_NOTFOUND", "SQLITE_FULL", "SQLITE_CANTOPEN", "SQLITE_PROTOCOL",
        "SQLITE_EMPTY", "SQLITE_SCHEMA", "SQLITE_TOOBIG", "SQLITE_CONSTRAINT", "SQLITE_MISMATCH", "SQLITE_MISUSE",
        "SQLITE_NOLFS", "SQLITE_AUTH", "SQLITE_FORMAT", "SQLITE_RANGE", "SQLITE_NOTADB"};

    private LibsqlExceptionFactory() {
    }

    /**
     * The exception for an error that Hrana reported for {@code sql}. Its message is the server's, with {@code token}
     * and whatever else could be a secret masked ({@link ConnectionSecrets#withoutTokens}): a server may echo the
     * request's URL or its {@code Authorization} header.
     *
     * @param token the token the request carried, or null for none
     */
    static R2dbcException statement(Hrana.Error error, @Nullable String sql, @Nullable String token) {
        String code = error.code() == null ? "UNKNOWN" : error.code();
        String message = ConnectionSecrets.withoutTokens(error.message(), token);
        switch (code) {
            case "SQL_PARSE_ERROR", "SQL_INPUT_ERROR", "SQL_NO_STATEMENT", "SQL_MANY_STATEMENTS", "ARGS_INVALID",
                    "ARGS_BOTH_POSITIONAL_AND_NAMED":
                return new R2dbcBadGrammarException(message, code, SqliteResultCodes.SQLITE_ERROR, sql);
            case "TRANSACTION_TIMEOUT":
                return new R2dbcRollbackException(message + ": sqld rolled back this transaction because it held the"
                        + " write lock for over 5 s while another writer waited; retry it, keeping write"
                        + " transactions to few round trips", code, 0, sql);
            case "TRANSACTION_BUSY":
                return new R2dbcTransientResourceException(message, code, 0, sql);
            case LibsqlStreamExpiredException.CODE:
                return streamExpired(sql);
            case "RESPONSE_TOO_LARGE":
                return new R2dbcNonTransientResourceException(message + " (sqld's --max-response-size, 10 MB by"
                        + " default): select fewer rows or columns per statement", code, 0, sql);
            case "BLOCKED":
                return new R2dbcPermissionDeniedException(message, code, 0, sql);
            default:
                return sqlite(code, message, sql);
        }
    }

    private static R2dbcException sqlite(String code, String message, @Nullable String sql) {
        return SqliteResultCodes.exception(constraintCode(primary(code), message), message, code, sql, null);
    }

    /**
     * SQLite's primary code for the name sqld reports, 1 (SQLITE_ERROR) for {@code SQLITE_UNKNOWN}, 0 if not SQLite's.
     */
    static int primary(String code) {
        if (code.equals("SQLITE_UNKNOWN")) {
            return SqliteResultCodes.SQLITE_ERROR;
        }
        for (int i = 0; i < PRIMARY.length; i++) {
            if (PRIMARY[i].equals(code)) {
                return i;
            }
        }
        return 0;
    }

    /** The extended code of a constraint violation, from SQLite's message; the primary code when it names none. */
    private static int constraintCode(int primary, String message) {
        if (primary != SqliteResultCodes.SQLITE_CONSTRAINT) {
            return primary;
        }
        if (message.contains("UNIQUE constraint failed")) {
            return SqliteResultCodes.SQLITE_CONSTRAINT_UNIQUE;
        }
        if (message.contains("NOT NULL constraint failed")) {
            return SqliteResultCodes.SQLITE_CONSTRAINT_NOTNULL;
        }
        if (message.contains("FOREIGN KEY constraint failed")) {
            return SqliteResultCodes.SQLITE_CONSTRAINT_FOREIGNKEY;
        }
        if (message.contains("CHECK constraint failed")) {
            return SqliteResultCodes.SQLITE_CONSTRAINT_CHECK;
        }
        return SqliteResultCodes.SQLITE_CONSTRAINT;
    }

    static LibsqlStreamExpiredException streamExpired(@Nullable String sql) {
        return new LibsqlStreamExpiredException("the server closed this transaction's stream after it went 10 s"
                + " without a request (STREAM_EXPIRED), rolling the transaction back; begin it again and retry", sql);
    }

    /**
     * The exception for an HTTP status other than 200. 401 and 403 say what to fix about the token; the body
     * (Hrana's error, sqld's {@code {"error": …}} or text) supplies the server's reason, with {@code token} and
     * anything else that looks like one masked: a server or a proxy in front of it may echo the request's
     * {@code Authorization} header.
     */
    static R2dbcException status(int status, Hrana.@Nullable Error body, URI url, @Nullable String sql,
            @Nullable String token) {
        String reason = body == null ? "" : ": " + ConnectionSecrets.withoutTokens(body.message(), token);
        String code = body == null || body.code() == null ? "HTTP_" + status : body.code();
        if (code.equals(LibsqlStreamExpiredException.CODE)) {
            return streamExpired(sql);
        }
        switch (status) {
            case 401:
                return new R2dbcPermissionDeniedException("the libSQL server at " + url + " refused the request"
                        + " (HTTP 401)" + reason + "; " + authHint(body), code, 401, sql);
            case 403:
                return new R2dbcPermissionDeniedException("the libSQL server at " + url + " forbade the request"
                        + " (HTTP 403)" + reason + "; the auth token does not allow it: a read-only token cannot"
                        + " write, so use a token with full access (turso db tokens create without"
                        + " --read-only) for writes", code, 403, sql);
            case 404:
                return new R2dbcNonTransientResourceException("the libSQL server at " + url + " has no such database"
                        + " or endpoint (HTTP 404)" + reason + "; check the URL (Hrana 3 over HTTP needs sqld 0.23 or"
                        + " later, or Turso)", code, 404, sql);
            case 429, 502, 503, 504:
                return new R2dbcTransientResourceException("the libSQL server at " + url + " is busy or unavailable"
                        + " (HTTP " + status + ")" + reason + "; retry later", code, status, sql);
            default:
                return new R2dbcNonTransientResourceException("the libSQL server at " + url + " answered HTTP "
                        + status + reason, code, status, sql);
        }
    }

    private static String authHint(Hrana.@Nullable Error body) {
        String code = body == null || body.code() == null ? "" : body.code();
        String message = body == null ? "" : body.message().toLowerCase(Locale.ROOT);
        if (code.equals("AUTH_JWT_EXPIRED") || message.contains("expired")) {
            return "the auth token has expired: create a new one (turso db tokens create) and configure it";
        }
        if (code.contains("MISSING") || code.contains("NOT_FOUND") || message.contains("required")
                || message.contains("none given") || message.contains("not specified")) {
            return "the server requires an auth token: set authToken";
        }
        return "the auth token is not valid for this server: check that it was made for this database"
                + " (turso db tokens create) and configured whole";
    }

    /**
     * The exception for a request that got no HTTP answer: {@code cause} is what the HTTP client reported.
     *
     * @param timeout the request timeout that ran out, when {@code cause} is a request timeout
     */
    static R2dbcException transport(Throwable cause, URI url, Duration connectTimeout, Duration timeout,
            @Nullable String sql) {
        Throwable error = unwrap(cause);
        if (error instanceof HttpConnectTimeoutException) {
            return new R2dbcTimeoutException("could not connect to the libSQL server at " + url + " within the"
                    + " connect timeout of " + connectTimeout + " (TCP connection and TLS handshake)",
                    "CONNECT_TIMEOUT", 0, sql, error);
        }
        if (error instanceof HttpTimeoutException) {
            return new R2dbcTimeoutException("the libSQL server at " + url + " did not answer within the request"
                    + " timeout of " + timeout, "REQUEST_TIMEOUT", 0, sql, error);
        }
        if (error instanceof ConnectException || error instanceof UnresolvedAddressException
                || error instanceof UnknownHostException) {
            return new R2dbcNonTransientResourceException("could not connect to the libSQL server at " + url + ": "
                    + describe(error), "CONNECT_FAILED", 0, sql, error);
        }
        return new R2dbcNonTransientResourceException("the request to the libSQL server at " + url + " failed: "
                + describe(error), "IO_ERROR", 0, sql, error);
    }

    /** The exception for a response that is not what Hrana promises, {@code what} saying how; it quotes none of it. */
    static R2dbcException protocol(String what, URI url, @Nullable String sql) {
        return new R2dbcNonTransientResourceException("the libSQL server at " + url + " sent a response the driver"
                + " cannot read (" + what + "); is this a Hrana 3 server (sqld or Turso)?", "PROTOCOL_ERROR", 0, sql);
    }

    /**
     * The exception for an HTTP 200 answer whose body is not a Hrana pipeline response, {@code error} being what
     * reading it threw. It says how long the body was, its content type and the kind of error, never the body nor
     * {@code error} (not even as its cause): a JSON parser's message quotes the text it stopped at, and the body may
     * hold rows of user data or a proxy's page that echoes the request's token.
     *
     * @param contentType the answer's {@code Content-Type}, or null when it had none
     */
    static R2dbcException unreadableBody(int length, @Nullable String contentType, Throwable error, URI url,
            @Nullable String sql) {
        String type = contentType == null ? "no Content-Type"
                : "Content-Type " + ConnectionSecrets.withoutTokens(
                        contentType.length() > 100 ? contentType.substring(0, 100) + "…" : contentType, null);
        return protocol("an HTTP 200 answer whose body of " + length + " bytes (" + type + ") is not a Hrana pipeline"
                + " response: " + error.getClass().getSimpleName(), url, sql);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    /** The error of anything attempted on a closed connection factory. */
    static R2dbcNonTransientResourceException factoryClosed(URI url) {
        return new R2dbcNonTransientResourceException("the libSQL connection factory for " + url + " is closed");
    }

    /** The error of anything attempted on a closed connection. */
    static R2dbcNonTransientResourceException connectionClosed(URI url) {
        return new R2dbcNonTransientResourceException("this connection to the libSQL server at " + url + " is closed");
    }
}
