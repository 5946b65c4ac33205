package dev.minoro.internal.database;

import dev.minoro.DatabaseException;
import dev.minoro.MinoroException;
import dev.minoro.NotFoundException;
import io.netty.channel.ConnectTimeoutException;
import io.r2dbc.postgresql.api.PostgresqlException;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcTimeoutException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL's error translator: turns the errors of r2dbc-postgresql and r2dbc-pool into Minoro's typed
 * exceptions, by SQLSTATE for what the server reports and by exception type for what happens before it can:
 * refused connections, unknown hosts, SSL negotiation, the pool's acquire timeout. Messages start with what
 * Minoro was doing, name host, port, database and user, say what to check, and never contain the password; a
 * {@link DatabaseException} carries the server's SQLSTATE as its {@link DatabaseException#sqlState()}. The
 * server's own words are read only where its SQLSTATE is shared by several causes (28000, 08P01), and the
 * driver's only where it gives nothing else (SSL negotiation).
 */
final class PostgresErrorTranslator {

    static final String UNIQUE_VIOLATION = "23505";
    static final String FOREIGN_KEY_VIOLATION = "23503";
    static final String UNDEFINED_TABLE = "42P01";
    static final String INVALID_PASSWORD = "28P01";
    static final String INVALID_AUTHORIZATION = "28000";
    static final String INVALID_CATALOG_NAME = "3D000";
    static final String TOO_MANY_CONNECTIONS = "53300";
    static final String LOCK_NOT_AVAILABLE = "55P03";
    static final String ADMIN_SHUTDOWN = "57P01";
    static final String CANNOT_CONNECT_NOW = "57P03";
    static final String PROTOCOL_VIOLATION = "08P01";
    static final String DUPLICATE_PREPARED_STATEMENT = "42P05";
    static final String INVALID_SQL_STATEMENT_NAME = "26000";

    /** r2dbc-pool's message when {@code maxAcquireTime} elapses. */
    private static final String ACQUIRE_TIMEOUT_MESSAGE = "Connection acquisition timed out";

    private final PostgresConnectionString target;
    private final boolean poolerMode;
    private final int poolMaxSize;
    private final Duration acquireTimeout;

    PostgresErrorTranslator(PostgresConnectionString target, boolean poolerMode, int poolMaxSize,
            Duration acquireTimeout) {
        this.target = target;
        this.poolerMode = poolerMode;
        this.poolMaxSize = poolMaxSize;
        this.acquireTimeout = acquireTimeout;
    }

    static boolean isUniqueViolation(Throwable error) {
        return UNIQUE_VIOLATION.equals(sqlState(error));
    }

    static boolean isUndefinedTable(Throwable error) {
        return UNDEFINED_TABLE.equals(sqlState(error));
    }

    static boolean isForeignKeyViolation(Throwable error) {
        return FOREIGN_KEY_VIOLATION.equals(sqlState(error));
    }

    MinoroException translate(Throwable error, String doing) {
        if (error instanceof MinoroException) {
            return (MinoroException) error;
        }
        String where = " (" + target.description() + ")";
        String failed = doing + " failed: ";

        PostgresConnector.SetupTimeoutException setupTimeout =
                Causes.find(error, PostgresConnector.SetupTimeoutException.class);
        if (setupTimeout != null) {
            return failure(failed + connectTimedOut(setupTimeout.timeout()) + where
                    + "; check that PostgreSQL runs and answers at that address, and any firewall or proxy in between",
                    error);
        }
        R2dbcTimeoutException acquireTimeout = Causes.find(error, R2dbcTimeoutException.class);
        if (acquireTimeout != null && acquireTimeout.getMessage() != null
                && acquireTimeout.getMessage().startsWith(ACQUIRE_TIMEOUT_MESSAGE)) {
            return failure(failed + "no connection to " + target.description()
                    + " became available within the acquire timeout of " + human(this.acquireTimeout)
                    + " (the pool holds at most " + poolMaxSize + "; all were busy, or the server was slow to accept"
                    + " a new one); raise DatabaseConfig.withAcquireTimeout or withPoolSize, or check the server",
                    error);
        }
        UnknownHostException unknownHost = Causes.find(error, UnknownHostException.class);
        if (unknownHost != null) {
            return failure(failed + "unknown host '" + target.host() + "'" + where
                    + "; check the host name in the connection string", error);
        }
        ConnectTimeoutException connectTimeout = Causes.find(error, ConnectTimeoutException.class);
        if (connectTimeout != null) {
            Duration timeout = target.connectTimeout();
            String what = timeout == null ? "the TCP connection to " + target.hostAndPort() + " timed out"
                    : connectTimedOut(timeout);
            return failure(failed + what + where + "; check the host, the port and any firewall", error);
        }
        ConnectException refused = Causes.find(error, ConnectException.class);
        if (refused != null) {
            return failure(failed + "connection refused by " + target.hostAndPort() + where
                    + "; is PostgreSQL running there and listening on TCP at that port?", error);
        }
        SSLException ssl = Causes.find(error, SSLException.class);
        if (ssl != null) {
            if (isHostNameMismatch(ssl)) {
                return failure(failed + hostNameAdvice() + where + " (" + ssl.getMessage() + ")", error);
            }
            return failure(failed + "the SSL handshake with " + target.hostAndPort() + " failed"
                    + where + ": " + sslAdvice() + " (" + ssl.getMessage() + ")", error);
        }

        R2dbcException r2dbc = Causes.find(error, R2dbcException.class);
        if (r2dbc == null) {
            return failure(failed + error + where, error);
        }
        String state = r2dbc.getSqlState() == null ? "" : r2dbc.getSqlState();
        String serverMessage = serverMessage(r2dbc);
        switch (state) {
            case FOREIGN_KEY_VIOLATION:
                return new NotFoundException(failed + "it refers to a user or role that does not exist (deleted"
                        + " meanwhile)", error);
            case INVALID_PASSWORD:
                return failure(failed + "password authentication failed for user '" + target.user()
                        + "' on " + target.hostAndPort() + where + "; check the user name and password", error);
            case INVALID_AUTHORIZATION:
                if (serverMessage.contains("no encryption")) {
                    return failure(failed + "the server at " + target.hostAndPort()
                            + " accepts only SSL connections, but sslmode is " + sslModeName() + where
                            + "; use sslmode=require or verify-full", error);
                }
                return failure(failed + "the server refused the login" + where + ": " + serverMessage,
                        error);
            case INVALID_CATALOG_NAME:
                return failure(failed + "database '" + databaseName() + "' does not exist on "
                        + target.hostAndPort() + where + "; create it or fix the database in the connection string",
                        error);
            case TOO_MANY_CONNECTIONS:
                return failure(failed + "the server has no connection slot left" + where + ": "
                        + serverMessage + "; lower DatabaseConfig.withPoolSize or use a connection pooler", error);
            case CANNOT_CONNECT_NOW:
            case ADMIN_SHUTDOWN:
                return failure(failed + "the server is starting up or shutting down" + where + ": "
                        + serverMessage, error);
            case LOCK_NOT_AVAILABLE:
                // lock_timeout (Minoro's migration sets one; a server or role may set one for all statements) or NOWAIT
                return failure(failed + "a lock was not granted in time (lock_timeout, or NOWAIT)" + where
                        + ": " + serverMessage, error);
            case DUPLICATE_PREPARED_STATEMENT:
            case INVALID_SQL_STATEMENT_NAME:
                if (!poolerMode) {
                    return poolerModeAdvice(failed, serverMessage, state, where, error);
                }
                break;
            case PROTOCOL_VIOLATION:
                if (!poolerMode && serverMessage.contains("prepared statement")) {
                    // "bind message supplies 1 parameters, but prepared statement "S_0" requires 2": another
                    // client's statement of that name, on the server connection the pooler handed over
                    return poolerModeAdvice(failed, serverMessage, state, where, error);
                }
                if (serverMessage.contains("unsupported startup parameter")) {
                    return failure(failed + "the connection pooler at " + target.hostAndPort()
                            + " refused a startup parameter" + where + ": " + serverMessage + "; PgBouncer needs"
                            + " ignore_startup_parameters = extra_float_digits, and a schema set with"
                            + " DatabaseConfig.withSchema needs track_extra_parameters = search_path (PgBouncer 1.20+)"
                            + " or the role's own search_path (ALTER ROLE ... SET search_path)", error);
                }
                break;
            default:
                break;
        }
        if (isSslNegotiation(r2dbc, serverMessage)) {
            return failure(failed + sslNegotiationAdvice(serverMessage) + where, error);
        }
        if (state.startsWith("08")) {
            return failure(failed + "the connection to " + target.hostAndPort() + " failed" + where
                    + ": " + serverMessage, error);
        }
        return failure(failed + serverMessage + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")")
                + where, error);
    }

    private String connectTimedOut(Duration timeout) {
        return "connecting to " + target.hostAndPort() + " did not complete within the connect_timeout of "
                + human(timeout) + " (TCP connection, SSL, start-up and authentication together)";
    }

    /**
     * Named prepared statements out of step with the server connection: the sign of a transaction pooler, which
     * hands each transaction to any server connection, in front of a client that is not in pooler mode.
     */
    private static DatabaseException poolerModeAdvice(String failed, String serverMessage, String state, String where,
            Throwable error) {
        return failure(failed + serverMessage + " (SQLSTATE " + state + ")" + where + ": this"
                + " connection's prepared statements are not those of the server connection it reached, as happens"
                + " behind a transaction pooler (PgBouncer in transaction mode, Supabase's port 6543, Neon's -pooler"
                + " hosts); turn pooler mode on with pgbouncer=true in the connection string or"
                + " DatabaseConfig.withPoolerMode(true)", error);
    }

    private String sslAdvice() {
        String rootCert = target.sslRootCert();
        String trusted = rootCert == null ? "the JVM's trusted certificate authorities"
                : "sslrootcert '" + rootCert + "'";
        if (target.sslMode().verifyCertificate()) {
            return "the server's certificate is not signed by an authority in " + trusted
                    + " (sslmode=" + sslModeName() + ")";
        }
        return "check the server's SSL set-up (sslmode=" + sslModeName() + ")";
    }

    /**
     * Whether the driver refused the SSL negotiation itself. Its exception for that is package-private in
     * r2dbc-postgresql and carries no SQLSTATE, so only its class name and the driver's words tell it apart
     * (pinned by PostgresSslIntegrationTests).
     */
    private static boolean isSslNegotiation(R2dbcException error, String message) {
        return error.getClass().getSimpleName().equals("PostgresqlSslException")
                || message.startsWith("Server support for SSL connection is disabled")
                || message.startsWith("The hostname '");
    }

    private String sslNegotiationAdvice(String message) {
        if (message.startsWith("Server support for SSL connection is disabled")) {
            return "the server at " + target.hostAndPort() + " does not accept SSL, but sslmode is " + sslModeName()
                    + "; enable ssl on the server or use sslmode=prefer";
        }
        if (message.startsWith("The hostname '")) {
            return hostNameAdvice();
        }
        return "SSL negotiation with " + target.hostAndPort() + " failed (sslmode=" + sslModeName() + "): " + message;
    }

    private String hostNameAdvice() {
        return "the server's certificate does not name the host '" + target.host() + "' (sslmode=verify-full);"
                + " connect with the name in the certificate or use sslmode=verify-ca";
    }

    /** The JDK's words when the certificate names another host (Netty checks the name during the handshake). */
    private static boolean isHostNameMismatch(Throwable ssl) {
        return Causes.first(ssl, t -> {
            String message = String.valueOf(t.getMessage());
            return message.contains("No subject alternative") || message.contains("No name matching");
        }) != null;
    }

    private String sslModeName() {
        SSLMode mode = target.sslMode();
        return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private String databaseName() {
        String database = target.database();
        return database == null ? target.user() : database;
    }

    /** The server's own message (never holds a password), or the driver's. */
    private static String serverMessage(R2dbcException error) {
        if (error instanceof PostgresqlException) {
            String message = ((PostgresqlException) error).getErrorDetails().getMessage();
            if (message != null) {
                return message;
            }
        }
        return String.valueOf(error.getMessage());
    }

    /** The SQLSTATE of the first R2DBC exception in {@code error}'s causes, or null when it has none. */
    private static @Nullable String sqlState(Throwable error) {
        R2dbcException e = Causes.find(error, R2dbcException.class);
        return e == null || e.getSqlState() == null || e.getSqlState().isEmpty() ? null : e.getSqlState();
    }

    /**
     * Minoro's exception for {@code error}, carrying the SQLSTATE the server reported, if any; PostgreSQL has no
     * numeric error code.
     */
    private static DatabaseException failure(String message, Throwable error) {
        return new DatabaseException(message, sqlState(error), null, error);
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
