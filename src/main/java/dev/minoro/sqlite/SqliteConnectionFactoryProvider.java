package dev.minoro.sqlite;

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

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;
import io.r2dbc.spi.Option;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
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
 * {@link #FOREIGN_KEYS}, {@link #READER_LANES}, {@link #BEGIN_MODE} and, from Java only, {@link #SCHEDULER}.
 * A bad value fails with {@link IllegalArgumentException} naming the option and the value. Options that
 * SQLite has no use for (host, port, user, password, SSL) fail too; unknown options are left to others
 * (such as r2dbc-pool's).
 */
public final class SqliteConnectionFactoryProvider implements ConnectionFactoryProvider {

    /** The driver name: {@value}. */
    public static final String SQLITE_DRIVER = "sqlite";

    /** Opens the database read-only, with reader lanes only: {@code Boolean}, or {@code true}/{@code false}. */
    public static final Option<Boolean> READ_ONLY = Option.valueOf("readOnly");

    /**
     * The busy timeout, how long a call may wait in all for its lane and SQLite's lock (see
     * {@link SqliteConnectionConfiguration.Builder#busyTimeout}): a {@code Duration}, a number of milliseconds, or
     * ISO-8601 text such as {@code PT5S}.
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

    /** A {@link Scheduler} of the application's to run the lanes on (not disposed by the factory). */
    public static final Option<Scheduler> SCHEDULER = Option.valueOf("scheduler");

    /** {@link SqliteConnectionConfiguration.BeginMode}, or its name. */
    public static final Option<SqliteConnectionConfiguration.BeginMode> BEGIN_MODE = Option.valueOf("beginMode");

    /** Creates the provider; {@code ServiceLoader} calls this. */
    public SqliteConnectionFactoryProvider() {
    }

    @Override
    public SqliteConnectionFactory create(ConnectionFactoryOptions options) {
        return new SqliteConnectionFactory(configuration(options));
    }

    @Override
    public boolean supports(ConnectionFactoryOptions options) {
        Object driver = options.getValue(DRIVER);
        return driver != null && SQLITE_DRIVER.equals(driver.toString());
    }

    @Override
    public String getDriver() {
        return SQLITE_DRIVER;
    }

    /**
     * The configuration that {@code options} describe, through {@link SqliteConnectionConfiguration#builder()}.
     *
     * @throws IllegalArgumentException for a missing database, a bad value or an option SQLite cannot use
     */
    public static SqliteConnectionConfiguration configuration(ConnectionFactoryOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        if (options.hasOption(HOST)) {
            throw new IllegalArgumentException("option host does not apply to SQLite, a local file: write the URL"
                    + " with three slashes, r2dbc:sqlite:///abs/path.db, or set only database");
        }
        for (Option<?> unusable : new Option<?>[] {PORT, USER, PASSWORD}) {
            if (options.hasOption(unusable)) {
                throw new IllegalArgumentException("option " + unusable.name() + " does not apply to SQLite, a local"
                        + " file: remove it (database is the file's path)");
            }
        }
        if (Boolean.TRUE.equals(asBoolean(options, SSL))) {
            throw new IllegalArgumentException("option ssl does not apply to SQLite, a local file: use r2dbc:, not r2dbcs:");
        }
        if (options.hasOption(STATEMENT_TIMEOUT)) {
            throw new IllegalArgumentException("option statementTimeout is not supported by the SQLite driver;"
                    + " use Connection.setStatementTimeout");
        }
        SqliteConnectionConfiguration.Builder builder = SqliteConnectionConfiguration.builder();
        builder.database(database(options));
        set(options, READ_ONLY, SqliteConnectionFactoryProvider::asBoolean, builder::readOnly);
        Duration busyTimeout = asDuration(options, BUSY_TIMEOUT);
        Duration lockWaitTimeout = asDuration(options, LOCK_WAIT_TIMEOUT);
        if (busyTimeout != null && lockWaitTimeout != null && !busyTimeout.equals(lockWaitTimeout)) {
            throw new IllegalArgumentException("options busyTimeout (" + busyTimeout + ") and lockWaitTimeout ("
                    + lockWaitTimeout + ") disagree: set one");
        }
        Duration timeout = busyTimeout != null ? busyTimeout : lockWaitTimeout;
        if (timeout != null) {
            builder.busyTimeout(timeout);
        }
        set(options, JOURNAL_MODE, (o, option) -> asEnum(o, option, SqliteConnectionConfiguration.JournalMode.class),
                builder::journalMode);
        set(options, SYNCHRONOUS, (o, option) -> asEnum(o, option, SqliteConnectionConfiguration.Synchronous.class),
                builder::synchronous);
        set(options, FOREIGN_KEYS, SqliteConnectionFactoryProvider::asBoolean, builder::foreignKeys);
        set(options, READER_LANES, SqliteConnectionFactoryProvider::asInteger, builder::readerLanes);
        set(options, BEGIN_MODE, (o, option) -> asEnum(o, option, SqliteConnectionConfiguration.BeginMode.class),
                builder::beginMode);
        Object scheduler = options.getValue(SCHEDULER);
        if (scheduler != null) {
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
            throw new IllegalArgumentException("option database must be a file path or " + SqliteConnectionConfiguration.MEMORY
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

    private static boolean isWindowsPath(String database) {
        return database.length() > 2 && Character.isLetter(database.charAt(0)) && database.charAt(1) == ':'
                && (database.charAt(2) == '\\' || database.charAt(2) == '/');
    }

    /** Reads an option from text or its own type. */
    @FunctionalInterface
    private interface Reader<T> {
        @Nullable T read(ConnectionFactoryOptions options, Option<T> option);
    }

    private static <T> void set(ConnectionFactoryOptions options, Option<T> option, Reader<T> reader,
            Consumer<T> setter) {
        T value = reader.read(options, option);
        if (value != null) {
            setter.accept(value);
        }
    }

    private static @Nullable Boolean asBoolean(ConnectionFactoryOptions options, Option<Boolean> option) {
        Object value = options.getValue(option);
        if (value == null || value instanceof Boolean) {
            return (Boolean) value;
        }
        String text = value.toString().strip().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.valueOf(text);
        }
        throw new IllegalArgumentException("option " + option.name() + " must be true or false, was '" + value + "'");
    }

    private static @Nullable Integer asInteger(ConnectionFactoryOptions options, Option<Integer> option) {
        Object value = options.getValue(option);
        if (value == null || value instanceof Integer) {
            return (Integer) value;
        }
        try {
            if (value instanceof Number) {
                return Math.toIntExact(((Number) value).longValue());
            }
            return Integer.valueOf(value.toString().strip());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("option " + option.name() + " must be a whole number, was '" + value
                    + "'");
        }
    }

    private static @Nullable Duration asDuration(ConnectionFactoryOptions options, Option<Duration> option) {
        Object value = options.getValue(option);
        if (value == null || value instanceof Duration) {
            return (Duration) value;
        }
        if (value instanceof Number) {
            return Duration.ofMillis(((Number) value).longValue());
        }
        String text = value.toString().strip();
        try {
            return text.chars().allMatch(Character::isDigit) && !text.isEmpty()
                    ? Duration.ofMillis(Long.parseLong(text))
                    : Duration.parse(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("option " + option.name() + " must be a duration in milliseconds or"
                    + " ISO-8601 (such as PT5S), was '" + value + "'");
        }
    }

    private static <E extends Enum<E>> @Nullable E asEnum(ConnectionFactoryOptions options, Option<E> option,
            Class<E> type) {
        Object value = options.getValue(option);
        if (value == null) {
            return null;
        }
        if (type.isInstance(value)) {
            return type.cast(value);
        }
        String text = value.toString().strip().toUpperCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(text)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("option " + option.name() + " must be one of "
                + java.util.Arrays.toString(type.getEnumConstants()) + ", was '" + value + "'");
    }

    @Override
    public String toString() {
        return "SqliteConnectionFactoryProvider";
    }
}
