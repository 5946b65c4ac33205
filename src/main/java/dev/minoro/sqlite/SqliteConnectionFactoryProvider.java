package dev.minoro.sqlite;

import static io.r2dbc.spi.ConnectionFactoryOptions.CONNECT_TIMEOUT;
import static io.r2dbc.spi.ConnectionFactoryOptions.DATABASE;
import static io.r2dbc.spi.ConnectionFactoryOptions.DRIVER;
import static io.r2dbc.spi.ConnectionFactoryOptions.HOST;
import static io.r2dbc.spi.ConnectionFactoryOptions.LOCK_WAIT_TIMEOUT;
import static io.r2dbc.spi.ConnectionFactoryOptions.PASSWORD;
import static io.r2dbc.spi.ConnectionFactoryOptions.PORT;
import static io.r2dbc.spi.ConnectionFactoryOptions.PROTOCOL;
import static io.r2dbc.spi.ConnectionFactoryOptions.SSL;
import static io.r2dbc.spi.ConnectionFactoryOptions.STATEMENT_TIMEOUT;
import static io.r2dbc.spi.ConnectionFactoryOptions.USER;

import dev.minoro.sqlite.internal.OptionNames;
import dev.minoro.sqlite.internal.OptionValues;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;
import io.r2dbc.spi.Option;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import reactor.core.scheduler.Scheduler;

/**
 * Makes {@link SqliteConnectionFactory}s for {@code ConnectionFactories.get(...)}: driver {@code sqlite}.
 *
 * <p>URLs, parsed by R2DBC into options and then by the same builder as Java code:
 * <ul>
 *   <li>{@code r2dbc:sqlite:///var/lib/app/auth.db}: the file {@code /var/lib/app/auth.db};</li>
 *   <li>{@code r2dbc:sqlite:///./data/auth.db}: {@code data/auth.db} in the working directory;</li>
 *   <li>{@code r2dbc:sqlite:///:memory:}: an in-memory database (also {@code r2dbc:sqlite:memory:///});</li>
 *   <li>options as query parameters: {@code r2dbc:sqlite:///var/lib/app/auth.db?readerLanes=2&busyTimeout=PT10S}.</li>
 * </ul>
 * R2DBC hands the path of a URL over without its leading slash, so a {@link ConnectionFactoryOptions#DATABASE}
 * that does not start with {@code /} is taken as absolute, unless it starts with {@code ./} or {@code ../}
 * (relative to the working directory) or is {@code :memory:}.
 *
 * <p>Options, typed or as text: {@link #READ_ONLY}, {@link #BUSY_TIMEOUT} (or R2DBC's
 * {@link ConnectionFactoryOptions#LOCK_WAIT_TIMEOUT}), {@link #JOURNAL_MODE}, {@link #SYNCHRONOUS},
 * {@link #FOREIGN_KEYS}, {@link #READER_LANES}, {@link #STATEMENT_CACHE_SIZE}, {@link #BEGIN_MODE} and, from Java
 * only, {@link #SCHEDULER}.
 * A bad value fails with {@link IllegalArgumentException} naming the option and the value. Options that
 * SQLite has no use for (host, port, user, password, SSL, connect and statement timeouts) fail too, and so does an
 * option the driver does not know, such as a misspelled one ({@code statmentCacheSize}) or one in another case
 * ({@code busytimeout}: option names are case-sensitive): the {@link IllegalArgumentException} names it, suggests the
 * nearest known option and lists the accepted ones, never showing a value. The options of r2dbc-pool
 * ({@code r2dbc:pool:sqlite:…?maxSize=4}) and r2dbc-proxy, which hand the whole URL's options on to this driver, are
 * let through.
 */
public final class SqliteConnectionFactoryProvider implements ConnectionFactoryProvider {

    /** The driver name: {@value}. */
    public static final String SQLITE_DRIVER = "sqlite";

    /** Opens the database read-only, with reader lanes only: {@code Boolean}, or {@code true}/{@code false}. */
    public static final Option<Boolean> READ_ONLY = Option.valueOf("readOnly");

    /**
     * The busy timeout, how long a call may wait in all for its lane and SQLite's lock (see
     * {@link SqliteConnectionConfiguration.Builder#busyTimeout}): a {@code Duration}, a number of milliseconds, or
     * ISO-8601 text such as {@code PT5S}; default 10 seconds.
     */
    public static final Option<Duration> BUSY_TIMEOUT = Option.valueOf("busyTimeout");

    /** {@link SqliteConnectionConfiguration.JournalMode}, or its name. */
    public static final Option<SqliteConnectionConfiguration.JournalMode> JOURNAL_MODE = Option.valueOf("journalMode");

    /** {@link SqliteConnectionConfiguration.Synchronous}, or its name. */
    public static final Option<SqliteConnectionConfiguration.Synchronous> SYNCHRONOUS = Option.valueOf("synchronous");

    /** Whether lanes enforce foreign keys: {@code Boolean}, or {@code true}/{@code false}. */
    public static final Option<Boolean> FOREIGN_KEYS = Option.valueOf("foreignKeys");

    /** The number of reader lanes: an {@code Integer} or its digits. */
    public static final Option<Integer> READER_LANES = Option.valueOf("readerLanes");

    /**
     * The number of prepared statements each lane keeps for reuse
     * ({@link SqliteConnectionConfiguration.Builder#statementCacheSize}): an {@code Integer} or its digits.
     */
    public static final Option<Integer> STATEMENT_CACHE_SIZE = Option.valueOf("statementCacheSize");

    /** A {@link Scheduler} of the application's to run the lanes on (not disposed by the factory). */
    public static final Option<Scheduler> SCHEDULER = Option.valueOf("scheduler");

    /** {@link SqliteConnectionConfiguration.BeginMode}, or its name. */
    public static final Option<SqliteConnectionConfiguration.BeginMode> BEGIN_MODE = Option.valueOf("beginMode");

    /**
     * The options this driver takes in a URL, as the message about an unknown option lists them: not
     * {@link #SCHEDULER}, which only Java code can give.
     */
    private static final Set<String> ACCEPTED = withoutScheduler(OptionNames.takenBy(
            SqliteConnectionFactoryProvider.class, DATABASE, LOCK_WAIT_TIMEOUT));

    /** Creates the provider; {@code ServiceLoader} calls this. */
    public SqliteConnectionFactoryProvider() {
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException as {@link #configuration} does: for a missing database, a bad value, an option
     *                                  SQLite cannot use or an unknown option
     */
    @Override
    public SqliteConnectionFactory create(ConnectionFactoryOptions options) {
        return new SqliteConnectionFactory(configuration(options));
    }

    @Override
    public boolean supports(ConnectionFactoryOptions options) {
        return OptionValues.isDriver(options, SQLITE_DRIVER);
    }

    @Override
    public String getDriver() {
        return SQLITE_DRIVER;
    }

    /**
     * {@return the configuration that {@code options} describe, through {@link
     * SqliteConnectionConfiguration#builder()}}
     *
     * @param options the R2DBC options of the URL
     * @throws IllegalArgumentException for a missing database, a bad value, an option SQLite cannot use or an
     *                                  unknown option (named, with the accepted ones)
     */
    public static SqliteConnectionConfiguration configuration(ConnectionFactoryOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        OptionValues.refuseUnknown(options, "the SQLite driver", ACCEPTED, DRIVER, PROTOCOL, HOST, PORT, USER,
                PASSWORD, SSL, CONNECT_TIMEOUT, STATEMENT_TIMEOUT, SCHEDULER);
        if (options.hasOption(HOST)) {
            throw new IllegalArgumentException("option host does not apply to SQLite, a local file: write the URL"
                    + " with three slashes, r2dbc:sqlite:///abs/path.db, or set only database");
        }
        OptionValues.refuse(options, "does not apply to SQLite, a local file: remove it (database is the file's path)",
                PORT, USER, PASSWORD);
        if (Boolean.TRUE.equals(OptionValues.booleanValue(options, SSL))) {
            throw new IllegalArgumentException("option ssl does not apply to SQLite, a local file: use r2dbc:, not"
                    + " r2dbcs:");
        }
        OptionValues.refuse(options, "is not supported by the SQLite driver; use Connection.setStatementTimeout",
                STATEMENT_TIMEOUT);
        OptionValues.refuse(options, "does not apply to SQLite, a local file that is opened, not connected to; use"
                + " busyTimeout to bound waiting for a lock", CONNECT_TIMEOUT);
        SqliteConnectionConfiguration.Builder builder = SqliteConnectionConfiguration.builder();
        builder.database(database(options));
        OptionValues.set(options, READ_ONLY, OptionValues::booleanValue, builder::readOnly);
        Duration busyTimeout = OptionValues.durationValue(options, BUSY_TIMEOUT);
        Duration lockWaitTimeout = OptionValues.durationValue(options, LOCK_WAIT_TIMEOUT);
        if (busyTimeout != null && lockWaitTimeout != null && !busyTimeout.equals(lockWaitTimeout)) {
            throw new IllegalArgumentException("options busyTimeout (" + busyTimeout + ") and lockWaitTimeout ("
                    + lockWaitTimeout + ") disagree: set one");
        }
        Duration timeout = busyTimeout != null ? busyTimeout : lockWaitTimeout;
        if (timeout != null) {
            builder.busyTimeout(timeout);
        }
        OptionValues.set(options, JOURNAL_MODE,
                (o, option) -> OptionValues.enumValue(o, option, SqliteConnectionConfiguration.JournalMode.class),
                builder::journalMode);
        OptionValues.set(options, SYNCHRONOUS,
                (o, option) -> OptionValues.enumValue(o, option, SqliteConnectionConfiguration.Synchronous.class),
                builder::synchronous);
        OptionValues.set(options, FOREIGN_KEYS, OptionValues::booleanValue, builder::foreignKeys);
        OptionValues.set(options, READER_LANES, OptionValues::integerValue, builder::readerLanes);
        OptionValues.set(options, STATEMENT_CACHE_SIZE, OptionValues::integerValue, builder::statementCacheSize);
        OptionValues.set(options, BEGIN_MODE,
                (o, option) -> OptionValues.enumValue(o, option, SqliteConnectionConfiguration.BeginMode.class),
                builder::beginMode);
        Object scheduler = options.getValue(SCHEDULER);
        if (scheduler != null) {
            if (scheduler instanceof CharSequence) {
                throw new IllegalArgumentException("option scheduler cannot be given in a URL: it is a"
                        + " reactor.core.scheduler.Scheduler, which only Java code can give"
                        + " (ConnectionFactoryOptions.builder().option(SqliteConnectionFactoryProvider.SCHEDULER,"
                        + " …))");
            }
            if (!(scheduler instanceof Scheduler)) {
                throw new IllegalArgumentException("option scheduler must be a reactor.core.scheduler.Scheduler, was a "
                        + scheduler.getClass().getName());
            }
            builder.scheduler((Scheduler) scheduler);
        }
        return builder.build();
    }

    private static String database(ConnectionFactoryOptions options) {
        Object protocol = options.getValue(PROTOCOL);
        Object value = options.getValue(DATABASE);
        String database = value == null ? null : value.toString();
        if (protocol != null && !protocol.toString().isEmpty()) {
            String name = protocol.toString();
            if (name.equals("memory")) {
                if (database != null && !database.equals(SqliteConnectionConfiguration.MEMORY)) {
                    throw new IllegalArgumentException("protocol memory names no file, but database is '" + database
                            + "'");
                }
                return SqliteConnectionConfiguration.MEMORY;
            }
            if (!name.equals("file")) {
                throw new IllegalArgumentException("protocol of the SQLite driver must be file or memory, was '" + name
                        + "'");
            }
        }
        if (database == null || database.isBlank()) {
            throw new IllegalArgumentException("option database must be a file path or "
                    + SqliteConnectionConfiguration.MEMORY
                    + " (URL: r2dbc:sqlite:///abs/path.db or r2dbc:sqlite:///:memory:), was "
                    + (database == null ? "missing" : "'" + database + "'"));
        }
        if (database.equals(SqliteConnectionConfiguration.MEMORY) || database.startsWith("/")
                || database.startsWith("./") || database.startsWith("../") || isWindowsPath(database)) {
            return database;
        }
        // what R2DBC's URL parser leaves of r2dbc:sqlite:///abs/path.db
        return "/" + database;
    }

    private static Set<String> withoutScheduler(Set<String> names) {
        Set<String> inUrls = new TreeSet<>(names);
        inUrls.remove(SCHEDULER.name());
        return Collections.unmodifiableSet(inUrls);
    }

    private static boolean isWindowsPath(String database) {
        return database.length() > 2 && Character.isLetter(database.charAt(0)) && database.charAt(1) == ':'
                && (database.charAt(2) == '\\' || database.charAt(2) == '/');
    }

    @Override
    public String toString() {
        return "SqliteConnectionFactoryProvider";
    }
}
