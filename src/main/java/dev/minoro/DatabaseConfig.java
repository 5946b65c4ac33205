package dev.minoro;

import dev.minoro.internal.MinoroRuntime;
import dev.minoro.sqlite.SqliteConnectionConfiguration;
import dev.minoro.sqlite.internal.ConnectionSecrets;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Where Minoro keeps its tables, and how it connects: an immutable value.
 *
 * <p>The connection string is checked when the value is made: a malformed one fails here with a
 * {@link ConfigurationException} whose message shows the accepted forms, never later inside a
 * request. {@link #toString()} masks passwords and tokens, including the password inside a URL.
 *
 * <pre>{@code
 * DatabaseConfig sqlite = DatabaseConfig.sqlite("file:/var/lib/app/auth.db");
 * DatabaseConfig neon = DatabaseConfig.postgres(System.getenv("DATABASE_URL"))
 *         .withRunMigrations(false);
 * }</pre>
 */
public final class DatabaseConfig {

    static final Duration DEFAULT_MIGRATION_LOCK_TIMEOUT = Duration.ofSeconds(60);
    static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_MAX_IDLE_TIME = Duration.ofMinutes(30);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final int DEFAULT_POOL_MIN_SIZE = 0;
    static final int DEFAULT_POOL_MAX_SIZE = 10;
    private static final UnaryOperator<ConnectionFactory> NO_CUSTOMIZER = UnaryOperator.identity();

    static {
        // How the implementation reads what a config carries of its parsed connection, with no accessor here.
        MinoroRuntime.readTargetsWith(config -> config.target);
    }

    private final DatabaseType type;
    private final String connection;
    /** The connection string as the implementation parsed it, once, when the config was made. */
    private final MinoroRuntime.Target target;
    private final boolean runMigrations;
    private final @Nullable String schema;
    private final int poolMinSize;
    private final int poolMaxSize;
    private final Duration acquireTimeout;
    private final Duration maxIdleTime;
    private final @Nullable Duration maxLifetime;
    private final @Nullable Boolean poolerMode;
    private final Duration migrationLockTimeout;
    private final Duration busyTimeout;
    private final @Nullable Integer readerLanes;
    private final @Nullable String authToken;
    private final Duration connectTimeout;
    private final UnaryOperator<ConnectionFactory> connectionFactoryCustomizer;

    private DatabaseConfig(Values v) {
        this.type = v.type;
        this.connection = v.connection;
        this.target = v.target;
        this.runMigrations = v.runMigrations;
        this.schema = v.schema;
        this.poolMinSize = v.poolMinSize;
        this.poolMaxSize = v.poolMaxSize;
        this.acquireTimeout = v.acquireTimeout;
        this.maxIdleTime = v.maxIdleTime;
        this.maxLifetime = v.maxLifetime;
        this.poolerMode = v.poolerMode;
        this.migrationLockTimeout = v.migrationLockTimeout;
        this.busyTimeout = v.busyTimeout;
        this.readerLanes = v.readerLanes;
        this.authToken = v.authToken;
        this.connectTimeout = v.connectTimeout;
        this.connectionFactoryCustomizer = v.connectionFactoryCustomizer;
    }

    /** The settings of a config, as a mutable copy: what {@link #with} changes. */
    private static final class Values {

        DatabaseType type;
        String connection;
        MinoroRuntime.Target target;
        boolean runMigrations = true;
        @Nullable String schema;
        int poolMinSize = DEFAULT_POOL_MIN_SIZE;
        int poolMaxSize = DEFAULT_POOL_MAX_SIZE;
        Duration acquireTimeout = DEFAULT_ACQUIRE_TIMEOUT;
        Duration maxIdleTime = DEFAULT_MAX_IDLE_TIME;
        @Nullable Duration maxLifetime;
        @Nullable Boolean poolerMode;
        Duration migrationLockTimeout = DEFAULT_MIGRATION_LOCK_TIMEOUT;
        Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
        @Nullable Integer readerLanes;
        @Nullable String authToken;
        Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        UnaryOperator<ConnectionFactory> connectionFactoryCustomizer = NO_CUSTOMIZER;

        Values(DatabaseType type, String connection, MinoroRuntime.Target target) {
            this.type = type;
            this.connection = connection;
            this.target = target;
        }

        Values(DatabaseConfig c) {
            this(c.type, c.connection, c.target);
            runMigrations = c.runMigrations;
            schema = c.schema;
            poolMinSize = c.poolMinSize;
            poolMaxSize = c.poolMaxSize;
            acquireTimeout = c.acquireTimeout;
            maxIdleTime = c.maxIdleTime;
            maxLifetime = c.maxLifetime;
            poolerMode = c.poolerMode;
            migrationLockTimeout = c.migrationLockTimeout;
            busyTimeout = c.busyTimeout;
            readerLanes = c.readerLanes;
            authToken = c.authToken;
            connectTimeout = c.connectTimeout;
            connectionFactoryCustomizer = c.connectionFactoryCustomizer;
        }
    }

    /** A copy with {@code change} applied to its settings. */
    private DatabaseConfig with(Consumer<Values> change) {
        Values values = new Values(this);
        change.accept(values);
        return new DatabaseConfig(values);
    }

    /**
     * SQLite, with a libsql-style connection, read as {@code @libsql/client} reads it. A local database:
     * {@code file:/abs/path.db}, {@code file:relative/path.db}, {@code file::memory:} or {@code :memory:}; a file is
     * created when missing (its directory must exist). A remote libSQL server (Turso, sqld), reached over Hrana on
     * HTTP: {@code libsql://host[:port]} (HTTPS; with {@code ?tls=0} plain HTTP, which then needs a port),
     * {@code https://host[:port]} or {@code http://host:port}, each with an optional path and an optional
     * {@code ?authToken=…} (which wins over {@link #withAuthToken}). {@code ws://} and {@code wss://} are refused:
     * Minoro speaks Hrana over HTTP.
     *
     * <pre>{@code
     * DatabaseConfig turso = DatabaseConfig.sqlite("libsql://auth-acme.turso.io")
     *         .withAuthToken(System.getenv("TURSO_AUTH_TOKEN"));
     * }</pre>
     *
     * @param connection the connection string
     * @return the configuration
     * @throws ConfigurationException for any other form, a query parameter on a local file (whose options are set
     *                                with this class's methods), or a remote URL's query parameter other than
     *                                {@code authToken} and {@code tls}, which are case-sensitive (named in the
     *                                message, with the nearest of the two); the message lists the accepted forms and
     *                                never shows the token
     */
    public static DatabaseConfig sqlite(String connection) {
        return of(DatabaseType.SQLITE, connection);
    }

    /**
     * PostgreSQL, with a libpq URI ({@code postgres://user:pass@host:5432/db?sslmode=require}), read as libpq
     * reads it (the user information ends at the first '@' before any '/', so '@', '/' and '%' in a password are
     * percent-encoded; every part is percent-decoded), or an {@code r2dbc:postgresql://} /
     * {@code r2dbc:pool:postgresql://} URL, read as r2dbc-spi reads it (user name and password percent-encoded).
     *
     * @param connection the connection string
     * @return the configuration
     * @throws ConfigurationException when the connection string is malformed, has an unknown parameter (named,
     *                                with the nearest known one; names are case-sensitive, as in libpq and
     *                                r2dbc-postgresql) or a bad value, or would be read otherwise than it looks (an
     *                                unencoded '@' in a password); the message never shows the password
     */
    public static DatabaseConfig postgres(String connection) {
        return of(DatabaseType.POSTGRES, connection);
    }

    /**
     * {@return the database {@code connection} names, its type read from the form: {@code postgres://},
     * {@code postgresql://}, {@code r2dbc:postgresql://} and {@code r2dbc:pool:postgresql://} are
     * PostgreSQL; {@code file:…}, {@code file::memory:} and {@code :memory:} are SQLite, and
     * {@code libsql://}, {@code https://} and {@code http://} a remote libSQL server (see {@link #sqlite(String)})}
     * For applications configured by one {@code DATABASE_URL}.
     *
     * @param connection the connection string
     * @throws ConfigurationException when it is null or none of these forms, listing them
     */
    public static DatabaseConfig of(String connection) {
        if (connection == null) {
            throw new ConfigurationException("database connection must not be null");
        }
        String lower = connection.strip().toLowerCase(Locale.ROOT);
        if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")
                || lower.startsWith("r2dbc:postgresql://") || lower.startsWith("r2dbc:pool:postgresql://")) {
            return postgres(connection);
        }
        if (lower.startsWith("file:") || lower.equals(":memory:") || lower.startsWith("libsql:")
                || lower.startsWith("https:") || lower.startsWith("http:") || lower.startsWith("wss:")
                || lower.startsWith("ws:")) {
            return sqlite(connection);
        }
        throw new ConfigurationException("cannot tell the database type of '" + ConnectionSecrets.mask(connection)
                + "': PostgreSQL connections start with postgres://, postgresql://, r2dbc:postgresql:// or"
                + " r2dbc:pool:postgresql://, SQLite connections are file:/abs/path.db, file:relative/path.db,"
                + " file::memory: or :memory:, and remote libSQL (Turso, sqld) connections libsql://, https:// or"
                + " http://");
    }

    /**
     * {@return the database of the given type at {@code connection}; see {@link #sqlite(String)} and
     * {@link #postgres(String)} for the accepted forms}
     *
     * @param type the database type
     * @param connection the connection string
     * @throws ConfigurationException when an argument is null or the connection string is malformed
     */
    public static DatabaseConfig of(DatabaseType type, String connection) {
        if (type == null) {
            throw new ConfigurationException("database type must not be null; use DatabaseType.SQLITE or"
                    + " DatabaseType.POSTGRES");
        }
        if (connection == null) {
            throw new ConfigurationException("database connection must not be null");
        }
        return new DatabaseConfig(new Values(type, connection, MinoroRuntime.target(type, connection)));
    }

    /**
     * {@return a copy that runs migrations on boot ({@code true}, the default) or not} With {@code false},
     * {@link Minoro#create(MinoroConfig)} only checks the schema, in one statement, and fails with
     * {@link SchemaNotMigratedException} when it is behind: the serverless pattern, where a deployment
     * script runs {@link Minoro#migrateDatabase(DatabaseConfig)} once.
     *
     * @param runMigrations whether a boot brings the schema up to date
     */
    public DatabaseConfig withRunMigrations(boolean runMigrations) {
        return with(v -> v.runMigrations = runMigrations);
    }

    /**
     * PostgreSQL only: a copy that keeps Minoro's tables in {@code schema} (created when missing, inside
     * the migration lock) instead of the connection's default {@code search_path}. The name folds to
     * lower case, as PostgreSQL folds an unquoted name: {@code "Auth"} is the schema {@code auth}. It
     * reaches the server as the {@code search_path} start-up parameter, which a transaction pooler must
     * pass on (PgBouncer 1.20+: {@code track_extra_parameters = search_path}).
     *
     * @param schema the schema's name: a plain identifier, folded to lower case
     * @return the copy
     * @throws ConfigurationException when the name is not a plain SQL identifier or the database is SQLite
     */
    public DatabaseConfig withSchema(String schema) {
        requirePostgres("schema");
        if (schema == null || !schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new ConfigurationException("schema must be a plain identifier (letters, digits, underscore;"
                    + " at most 63 characters, not starting with a digit), was " + quote(schema));
        }
        return with(v -> v.schema = schema);
    }

    /**
     * PostgreSQL only: a copy whose connection pool keeps between {@code min} and {@code max}
     * connections (defaults 0 and 10).
     *
     * @param min the fewest connections kept open, at least 0
     * @param max the most connections, at least 1 and at least {@code min}
     * @return the copy
     * @throws ConfigurationException unless {@code 0 <= min <= max} and {@code max > 0}
     */
    public DatabaseConfig withPoolSize(int min, int max) {
        requirePostgres("poolSize");
        if (max <= 0) {
            throw new ConfigurationException("poolMaxSize must be > 0, was " + max);
        }
        if (min < 0 || min > max) {
            throw new ConfigurationException("poolMinSize must be between 0 and poolMaxSize (" + max + "), was " + min);
        }
        return with(v -> {
            v.poolMinSize = min;
            v.poolMaxSize = max;
        });
    }

    /**
     * PostgreSQL only: a copy whose pool fails an acquisition that waits longer than {@code timeout}
     * (default 30 s), for a free connection or a new one. A new connection is tried once per call, and its set-up
     * is bounded by the connection string's {@code connect_timeout} as well.
     *
     * @param timeout a positive duration
     * @return the copy
     */
    public DatabaseConfig withAcquireTimeout(Duration timeout) {
        requirePostgres("acquireTimeout");
        return with(v -> v.acquireTimeout = positive("acquireTimeout", timeout));
    }

    /**
     * PostgreSQL only: a copy whose pool closes connections idle for longer than this (default 30 min).
     *
     * @param maxIdleTime how long a connection may stay idle
     * @return the copy
     */
    public DatabaseConfig withMaxIdleTime(Duration maxIdleTime) {
        requirePostgres("maxIdleTime");
        return with(v -> v.maxIdleTime = positive("maxIdleTime", maxIdleTime));
    }

    /**
     * PostgreSQL only: a copy whose pool retires connections older than this (default: no limit).
     *
     * @param maxLifetime how long a connection may live
     * @return the copy
     */
    public DatabaseConfig withMaxLifetime(Duration maxLifetime) {
        requirePostgres("maxLifetime");
        return with(v -> v.maxLifetime = positive("maxLifetime", maxLifetime));
    }

    /**
     * PostgreSQL only: a copy that runs behind a transaction pooler (PgBouncer in transaction mode,
     * Supabase's or Neon's pooled endpoints): no named prepared statements are cached on connections.
     * Without this call, the mode is on when the URL carries {@code pgbouncer=true}.
     *
     * @param poolerMode whether a transaction pooler sits in front of the server
     * @return the copy
     */
    public DatabaseConfig withPoolerMode(boolean poolerMode) {
        requirePostgres("poolerMode");
        return with(v -> v.poolerMode = poolerMode);
    }

    /**
     * {@return a copy that waits at most {@code timeout} (default 60 s) for another instance's migration to
     * finish before failing with a {@link MigrationException}} On PostgreSQL it is also the
     * {@code lock_timeout} of the migration's own statements, so that a migration waiting for a table
     * lock holds up the application's queries for no longer.
     *
     * @param timeout a positive duration
     */
    public DatabaseConfig withMigrationLockTimeout(Duration timeout) {
        return with(v -> v.migrationLockTimeout = positive("migrationLockTimeout", timeout));
    }

    /**
     * SQLite only: a copy in which one call waits at most {@code timeout} (default 10 s) in all, behind the
     * instance's other writes and for another process's write lock, before failing with a
     * {@link DatabaseException} that says how long it waited. A boot waits as long for a lock, and up to the
     * migration-lock timeout when it migrates.
     *
     * @param timeout a positive duration
     * @return the copy
     */
    public DatabaseConfig withBusyTimeout(Duration timeout) {
        requireLocalSqlite("busyTimeout", "a remote libSQL server keeps its own busy timeout");
        return with(v -> v.busyTimeout = positive("busyTimeout", timeout));
    }

    /**
     * Local SQLite files only: a copy whose driver runs reads on {@code lanes} reader lanes, each a JDBC connection
     * on a thread of its own that reads beside the writer. The default is the driver's: as many as the processors
     * the JVM may use, at least 2 (so that on one processor a long read leaves room for short ones) and at most 4
     * ({@link SqliteConnectionConfiguration#defaultReaderLanes()}). A
     * read holds its lane while it runs, and a stream of rows ({@code roles().findAll()}, {@code membersOf},
     * {@code sessionsOf}) may hold it until its subscriber has read its rows: raise the count when more streams
     * that are read slowly (to a slow HTTP client, say) may be open at once than there are lanes, so that lookups
     * do not wait behind them up to the busy timeout. More lanes than processors do not make short reads faster.
     * 0 runs every read on the writer lane, where a stream read slowly holds up the writes; a database opened only
     * to read ({@link Minoro#migrationStatus}) has one reader lane at least.
     *
     * @param lanes 0 to 64
     * @return the copy
     * @throws ConfigurationException for a database other than a SQLite file (PostgreSQL, a remote libSQL server,
     *                                an in-memory database, which has a single lane), or a count outside 0 to 64
     */
    public DatabaseConfig withReaderLanes(int lanes) {
        requireLocalSqlite("readerLanes", "a remote libSQL server runs its own reads");
        if (target.inMemory()) {
            throw new ConfigurationException("readerLanes applies to SQLite files only: an in-memory database is one"
                    + " database on a single lane");
        }
        if (lanes < 0 || lanes > SqliteConnectionConfiguration.MAX_READER_LANES) {
            throw new ConfigurationException("readerLanes must be between 0 and "
                    + SqliteConnectionConfiguration.MAX_READER_LANES + ", was " + lanes);
        }
        return with(v -> v.readerLanes = lanes);
    }

    /**
     * Remote libSQL only: a copy that sends {@code authToken} as the bearer token of every request
     * ({@code Authorization: Bearer …}), such as {@code turso db tokens create} prints. A token in the URL
     * ({@code ?authToken=…}) wins, as in {@code @libsql/client}. The token is never shown by {@link #toString()}, a
     * log line or a message.
     *
     * @param authToken the token
     * @return the configuration
     * @throws ConfigurationException when the database is not a remote libSQL server, or the token is null, blank or
     *                                holds characters an HTTP header cannot carry (the message never shows it)
     */
    public DatabaseConfig withAuthToken(String authToken) {
        requireRemoteLibsql("authToken");
        String token = MinoroRuntime.authToken(authToken);
        return with(v -> v.authToken = token);
    }

    /**
     * Remote libSQL only: a copy whose requests fail when the TCP connection to the server and its TLS handshake
     * take longer than {@code timeout} (default 10 s), with a {@link DatabaseException} that says so.
     *
     * @param timeout the connect timeout
     * @return the configuration
     * @throws ConfigurationException when the database is not a remote libSQL server or the duration is not positive
     */
    public DatabaseConfig withConnectTimeout(Duration timeout) {
        requireRemoteLibsql("connectTimeout");
        return with(v -> v.connectTimeout = positive("connectTimeout", timeout));
    }

    /**
     * {@return a copy whose connections come from what {@code customizer} makes of the R2DBC {@link ConnectionFactory}
     * Minoro opens: for a wrapper that observes or instruments every connection, such as r2dbc-proxy's
     * {@code ProxyConnectionFactory} (statement logging, metrics, tracing), or r2dbc-pool over the SQLite driver}
     * The default leaves the factory as it is.
     *
     * <p>{@code customizer} is called once each time the database is opened (by every subscription to
     * {@link Minoro#create(MinoroConfig)}, {@link Minoro#migrateDatabase(DatabaseConfig)} and
     * {@link Minoro#migrationStatus(DatabaseConfig)}), on Reactor's bounded-elastic scheduler, with the factory
     * opened for that subscription: r2dbc-postgresql behind Minoro's r2dbc-pool pool, or Minoro's SQLite driver.
     * Every statement Minoro runs then goes through the factory it returns, which must hand out connections of
     * the factory it was given (on SQLite, without a customizer, Minoro runs its single statements below the
     * R2DBC connection, through {@code SqliteConnectionFactory.query} and {@code update}; a customizer that
     * returns another factory turns that off, so that it sees them all). Closing Minoro closes that factory, and
     * then what {@code customizer} returned when it is another R2DBC {@link io.r2dbc.spi.Closeable} (such as a
     * pool). A {@code customizer} that throws or returns null fails the opening with a
     * {@link ConfigurationException}.
     *
     * @param customizer makes the factory Minoro uses of the one it opened
     * @throws ConfigurationException when {@code customizer} is null
     */
    public DatabaseConfig withConnectionFactoryCustomizer(UnaryOperator<ConnectionFactory> customizer) {
        if (customizer == null) {
            throw new ConfigurationException("connectionFactoryCustomizer must not be null");
        }
        return with(v -> v.connectionFactoryCustomizer = customizer);
    }

    /** {@return the database type} */
    public DatabaseType type() {
        return type;
    }

    /** {@return the connection string as given, password included: keep it out of logs} */
    public String connection() {
        return connection;
    }

    /** {@return whether {@link Minoro#create(MinoroConfig)} brings the schema up to date (default true)} */
    public boolean runMigrations() {
        return runMigrations;
    }

    /**
     * PostgreSQL: the schema for Minoro's tables, or null for the connection's default.
     *
     * @return the value
     */
    public @Nullable String schema() {
        return schema;
    }

    /**
     * PostgreSQL: the pool's minimum size.
     *
     * @return the value
     */
    public int poolMinSize() {
        return poolMinSize;
    }

    /**
     * PostgreSQL: the pool's maximum size.
     *
     * @return the value
     */
    public int poolMaxSize() {
        return poolMaxSize;
    }

    /**
     * PostgreSQL: how long an acquisition from the pool may wait.
     *
     * @return the value
     */
    public Duration acquireTimeout() {
        return acquireTimeout;
    }

    /**
     * PostgreSQL: how long a pooled connection may stay idle.
     *
     * @return the value
     */
    public Duration maxIdleTime() {
        return maxIdleTime;
    }

    /**
     * PostgreSQL: how long a pooled connection may live, or null for no limit.
     *
     * @return the value
     */
    public @Nullable Duration maxLifetime() {
        return maxLifetime;
    }

    /**
     * PostgreSQL: whether transaction-pooler mode was chosen explicitly; null when it follows the
     * URL's {@code pgbouncer} parameter.
     *
     * @return the value
     */
    public @Nullable Boolean poolerMode() {
        return poolerMode;
    }

    /** {@return how long a boot waits for another instance's migration} */
    public Duration migrationLockTimeout() {
        return migrationLockTimeout;
    }

    /**
     * SQLite: how long a connection waits for another process's lock.
     *
     * @return the value
     */
    public Duration busyTimeout() {
        return busyTimeout;
    }

    /** {@return SQLite files: the reader lanes set by {@link #withReaderLanes}, or null for the driver's default} */
    public @Nullable Integer readerLanes() {
        return readerLanes;
    }

    /**
     * {@return remote libSQL: the token set by {@link #withAuthToken}, or null; a token in the URL wins over it}
     * Keep it out of logs.
     */
    public @Nullable String authToken() {
        return authToken;
    }

    /** {@return remote libSQL: how long a request waits for the TCP connection and TLS handshake (default 10 s)} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * {@return what Minoro's connection factory passes through before use: one that returns it as it is, unless
     * {@link #withConnectionFactoryCustomizer} set another}
     */
    public UnaryOperator<ConnectionFactory> connectionFactoryCustomizer() {
        return connectionFactoryCustomizer;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DatabaseConfig)) {
            return false;
        }
        DatabaseConfig that = (DatabaseConfig) o;
        return runMigrations == that.runMigrations && poolMinSize == that.poolMinSize
                && poolMaxSize == that.poolMaxSize && type == that.type && connection.equals(that.connection)
                && Objects.equals(schema, that.schema) && acquireTimeout.equals(that.acquireTimeout)
                && maxIdleTime.equals(that.maxIdleTime) && Objects.equals(maxLifetime, that.maxLifetime)
                && Objects.equals(poolerMode, that.poolerMode)
                && migrationLockTimeout.equals(that.migrationLockTimeout) && busyTimeout.equals(that.busyTimeout)
                && Objects.equals(readerLanes, that.readerLanes)
                && Objects.equals(authToken, that.authToken) && connectTimeout.equals(that.connectTimeout)
                && connectionFactoryCustomizer.equals(that.connectionFactoryCustomizer);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, connection, runMigrations, schema, poolMinSize, poolMaxSize, acquireTimeout,
                maxIdleTime, maxLifetime, poolerMode, migrationLockTimeout, busyTimeout, readerLanes, authToken,
                connectTimeout, connectionFactoryCustomizer);
    }

    /** Shows the settings with every password and token in the connection string masked. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("DatabaseConfig{type=").append(type)
                .append(", connection=").append(ConnectionSecrets.masked(connection))
                .append(", runMigrations=").append(runMigrations);
        if (type == DatabaseType.POSTGRES) {
            if (schema != null) {
                s.append(", schema=").append(schema);
            }
            s.append(", pool=").append(poolMinSize).append("..").append(poolMaxSize)
                    .append(", acquireTimeout=").append(acquireTimeout)
                    .append(", maxIdleTime=").append(maxIdleTime);
            if (maxLifetime != null) {
                s.append(", maxLifetime=").append(maxLifetime);
            }
            if (poolerMode != null) {
                s.append(", poolerMode=").append(poolerMode);
            }
        } else if (target.remote()) {
            if (authToken != null) {
                s.append(", authToken=").append(ConnectionSecrets.MASK);
            }
            s.append(", connectTimeout=").append(connectTimeout);
        } else {
            s.append(", busyTimeout=").append(busyTimeout);
            if (readerLanes != null) {
                s.append(", readerLanes=").append(readerLanes);
            }
        }
        s.append(", migrationLockTimeout=").append(migrationLockTimeout);
        if (connectionFactoryCustomizer != NO_CUSTOMIZER) {
            s.append(", connectionFactoryCustomized");
        }
        return s.append('}').toString();
    }

    /** Refuses {@code option} unless this is SQLite on this machine; {@code remote} says why not on a server. */
    private void requireLocalSqlite(String option, String remote) {
        if (type != DatabaseType.SQLITE) {
            throw new ConfigurationException(option + " applies to SQLite only, but this database is " + type);
        }
        if (target.remote()) {
            throw new ConfigurationException(option + " applies to local SQLite files only: " + remote);
        }
    }

    private void requireRemoteLibsql(String option) {
        if (!target.remote()) {
            throw new ConfigurationException(option + " applies to a remote libSQL server (libsql://, https://,"
                    + " http://) only, but this database is " + (type == DatabaseType.SQLITE ? "a local SQLite file"
                    : type.toString()));
        }
    }

    private void requirePostgres(String option) {
        if (type != DatabaseType.POSTGRES) {
            throw new ConfigurationException(option + " applies to PostgreSQL only, but this database is " + type);
        }
    }

    private static Duration positive(String option, @Nullable Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new ConfigurationException(option + " must be a positive duration, was " + value);
        }
        return value;
    }

    private static String quote(@Nullable String value) {
        return value == null ? "null" : "'" + value + "'";
    }
}
