package dev.minoro.internal.database;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL connection string, parsed and translated into r2dbc-postgresql's options: a libpq URI
 * ({@code postgres://} or {@code postgresql://}, as Neon, Supabase, RDS and {@code .env} files hand them
 * out; parsed by {@link LibpqUri}) or an r2dbc URL ({@code r2dbc:postgresql://},
 * {@code r2dbc:pool:postgresql://}, passed through by {@link R2dbcUrl}). This class is the parsed value and
 * what both parsers share.
 *
 * <p>libpq URIs keep libpq's meanings: user, password and database are percent-decoded; the port defaults
 * to 5432 and the database to the user name; {@code sslmode} defaults to {@code prefer}, and
 * {@code require} with an {@code sslrootcert} verifies the certificate authority as {@code verify-ca}
 * does. Unknown parameters and bad values fail with a {@link ConfigurationException} that names them and
 * never shows the password.
 */
public final class PostgresConnectionString implements ConnectionTarget {

    static final String ACCEPTED_FORMS = "postgres://user:password@host:5432/database?sslmode=require,"
            + " postgresql://…, r2dbc:postgresql://… or r2dbc:pool:postgresql://…";

    /** The port PostgreSQL listens on unless told otherwise. */
    static final int DEFAULT_PORT = 5432;

    /** What {@code pg_stat_activity} shows for Minoro's connections unless {@code application_name} says otherwise. */
    static final String DEFAULT_APPLICATION_NAME = "minoro";

    /** libpq's connect_timeout: an integer, with white space around it allowed. */
    static final Pattern CONNECT_TIMEOUT = Pattern.compile("\\s*([+-]?[0-9]{1,10})\\s*");

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:(?=//)|(?i:jdbc|r2dbc):");

    private final ConnectionFactoryOptions options;
    private final String host;
    private final int port;
    private final @Nullable String database;
    private final String user;
    private final SSLMode sslMode;
    private final @Nullable String sslRootCert;
    private final @Nullable Boolean pgbouncer;
    private final @Nullable Duration connectTimeout;

    PostgresConnectionString(ConnectionFactoryOptions options, String host, int port, @Nullable String database,
            String user, SSLMode sslMode, @Nullable String sslRootCert, @Nullable Boolean pgbouncer,
            @Nullable Duration connectTimeout) {
        this.options = options;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.sslMode = sslMode;
        this.sslRootCert = sslRootCert;
        this.pgbouncer = pgbouncer;
        this.connectTimeout = connectTimeout;
    }

    /**
     * Parses a libpq URI or an r2dbc URL.
     *
     * @throws ConfigurationException when it is neither, is malformed, or has an unknown parameter or a bad
     *                                value; the message names the part or parameter and never the password
     */
    public static PostgresConnectionString parse(String connection) {
        if (!connection.strip().equals(connection)) {
            throw invalid("it has leading or trailing white space");
        }
        String lower = connection.toLowerCase(Locale.ROOT);
        if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
            return LibpqUri.parse(connection);
        }
        if (lower.startsWith("r2dbc:postgresql:") || lower.startsWith("r2dbc:pool:postgresql:")
                || lower.startsWith("r2dbc:postgres:") || lower.startsWith("r2dbc:pool:postgres:")) {
            return R2dbcUrl.parse(connection);
        }
        Matcher scheme = SCHEME.matcher(connection);
        String startsWith = scheme.lookingAt() ? " (it starts with '" + scheme.group() + "')" : "";
        throw invalid("it is neither a libpq URI nor an r2dbc URL" + startsWith);
    }

    @Override
    public Database open(DatabaseConfig config) {
        return PostgresDatabases.open(config, this);
    }

    /** As {@link #open}: what the statements do decides whether anything is written. */
    @Override
    public Database openToRead(DatabaseConfig config) {
        return open(config);
    }

    /** The options for r2dbc-postgresql's {@code PostgresqlConnectionFactoryProvider.builder(...)}. */
    public ConnectionFactoryOptions options() {
        return options;
    }

    /** The host, as given. */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The database, or null when the server picks it (the user name). */
    public @Nullable String database() {
        return database;
    }

    public String user() {
        return user;
    }

    /** The SSL mode the driver will use. */
    public SSLMode sslMode() {
        return sslMode;
    }

    /** The root certificate file to verify the server against, or null for the JVM's trusted authorities. */
    public @Nullable String sslRootCert() {
        return sslRootCert;
    }

    /** The URL's {@code pgbouncer} parameter, or null when it has none. */
    public @Nullable Boolean pgbouncer() {
        return pgbouncer;
    }

    /**
     * How long setting up one connection may take, all of it (TCP, SSL, start-up, authentication), as libpq's
     * {@code connect_timeout}; null for no limit of its own.
     */
    public @Nullable Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * What messages call this database: {@code PostgreSQL database 'app' on db.example.com:5432 as user
     * 'app'}. Never contains the password.
     */
    public String description() {
        return "PostgreSQL database '" + (database == null ? user : database) + "' on " + hostAndPort()
                + " as user '" + user + "'";
    }

    /** {@code host:port}, with an IPv6 literal in brackets. */
    public String hostAndPort() {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@link #description()}: never the password. */
    @Override
    public String toString() {
        return description();
    }

    static ConfigurationException invalid(String why) {
        return new ConfigurationException("invalid PostgreSQL connection string: " + why + "; accepted forms are "
                + ACCEPTED_FORMS);
    }

    static String quote(String value) {
        return "'" + value + "'";
    }

    /**
     * {@code value} in quotes, or, when {@code hide}, words saying why it is not shown: for a part of a connection
     * string that may be a piece of a password (one with an unencoded '@', '/', '?' or '&' splits the string
     * elsewhere than meant, so that what the parser takes for a host, a port or a value is part of it).
     */
    static String shown(String value, boolean hide) {
        return hide ? "(not shown: it may be part of a password)" : quote(value);
    }

    /** {@code value} quoted, or when {@code why} is not null, that it is not shown and why. */
    static String shown(String value, @Nullable String why) {
        return why == null ? quote(value) : "(not shown: " + why + ")";
    }

    /** The index of the first of {@code characters} in {@code text} from {@code from} on, or its length. */
    static int indexOfAny(String text, String characters, int from) {
        for (int i = from; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }

}
