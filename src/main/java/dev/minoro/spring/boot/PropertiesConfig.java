package dev.minoro.spring.boot;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import dev.minoro.MinoroConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@link MinoroProperties} into a {@link MinoroConfig.Builder} through {@code DatabaseConfig}'s and
 * {@code MinoroConfig.Builder}'s own methods, so that Minoro's rules check every value, and tells which property a
 * refused value came from.
 *
 * <p>Each property (or pair, where Minoro checks two together) is applied on its own, so that one startup reports
 * every bad value, each as {@code <property>: <Minoro's message>}.
 */
final class PropertiesConfig {

    static final String URL = "minoro.database.url";
    static final String RUN_MIGRATIONS = "minoro.database.run-migrations";
    static final String MIGRATION_LOCK_TIMEOUT = "minoro.database.migration-lock-timeout";
    static final String BUSY_TIMEOUT = "minoro.database.busy-timeout";
    static final String READER_LANES = "minoro.database.reader-lanes";
    static final String AUTH_TOKEN = "minoro.database.auth-token";
    static final String CONNECT_TIMEOUT = "minoro.database.connect-timeout";
    static final String SCHEMA = "minoro.database.schema";
    static final String POOLER_MODE = "minoro.database.pooler-mode";
    static final String POOL_MIN_SIZE = "minoro.database.pool.min-size";
    static final String POOL_MAX_SIZE = "minoro.database.pool.max-size";
    static final String ACQUIRE_TIMEOUT = "minoro.database.pool.acquire-timeout";
    static final String MAX_IDLE_TIME = "minoro.database.pool.max-idle-time";
    static final String MAX_LIFETIME = "minoro.database.pool.max-lifetime";
    static final String MAX_FAILED_LOGINS = "minoro.lockout.max-failed-logins";
    static final String LOCKOUT_DURATION = "minoro.lockout.duration";
    static final String ARGON2_MEMORY = "minoro.argon2.memory-kib";
    static final String ARGON2_ITERATIONS = "minoro.argon2.iterations";
    static final String ARGON2_PARALLELISM = "minoro.argon2.parallelism";
    static final String HASHING_THREADS = "minoro.hashing.threads";
    static final String HASHING_QUEUE_CAPACITY = "minoro.hashing.queue-capacity";
    static final String PASSWORD_MIN_LENGTH = "minoro.password.min-length";
    static final String PASSWORD_MAX_LENGTH = "minoro.password.max-length";
    static final String IMPORTED_HASH_COST_FACTOR = "minoro.password.imported-hash-cost-factor";
    static final String PASSWORD_MAX_AGE = "minoro.password.max-age";
    static final String METRICS_INSTANCE = "minoro.metrics-instance";
    static final String LOGIN_EVENT_BUFFER_SIZE = "minoro.login-event-buffer-size";
    static final String PASSWORD_IMPORT_PLAINTEXT = "minoro.password.import-plaintext";
    static final String SESSION_ABSOLUTE_TIMEOUT = "minoro.sessions.absolute-timeout";
    static final String SESSION_IDLE_TIMEOUT = "minoro.sessions.idle-timeout";
    static final String SESSION_RENEWAL_INTERVAL = "minoro.sessions.renewal-interval";

    /**
     * The property of each option of {@code DatabaseConfig} and {@code MinoroConfig.Builder} that a property sets,
     * by the name Minoro's messages give it: the one place that translates Minoro's terms into the properties'. A
     * message is filed under the property of the option it starts with (a method that checks two or three values
     * together names the one it refused), and each other option it mentions is translated after it.
     */
    private static final Map<String, String> PROPERTY_OF_OPTION = Map.ofEntries(
            Map.entry("migrationLockTimeout", MIGRATION_LOCK_TIMEOUT),
            Map.entry("busyTimeout", BUSY_TIMEOUT),
            Map.entry("readerLanes", READER_LANES),
            Map.entry("authToken", AUTH_TOKEN),
            Map.entry("connectTimeout", CONNECT_TIMEOUT),
            Map.entry("schema", SCHEMA),
            Map.entry("poolerMode", POOLER_MODE),
            Map.entry("poolMinSize", POOL_MIN_SIZE),
            Map.entry("poolMaxSize", POOL_MAX_SIZE),
            Map.entry("acquireTimeout", ACQUIRE_TIMEOUT),
            Map.entry("maxIdleTime", MAX_IDLE_TIME),
            Map.entry("maxLifetime", MAX_LIFETIME),
            Map.entry("maxFailedLogins", MAX_FAILED_LOGINS),
            Map.entry("lockoutDuration", LOCKOUT_DURATION),
            Map.entry("argon2MemoryKiB", ARGON2_MEMORY),
            Map.entry("argon2Iterations", ARGON2_ITERATIONS),
            Map.entry("argon2Parallelism", ARGON2_PARALLELISM),
            Map.entry("hashingThreads", HASHING_THREADS),
            Map.entry("hashingQueueCapacity", HASHING_QUEUE_CAPACITY),
            Map.entry("minPasswordLength", PASSWORD_MIN_LENGTH),
            Map.entry("maxPasswordLength", PASSWORD_MAX_LENGTH),
            Map.entry("importedHashCostFactor", IMPORTED_HASH_COST_FACTOR),
            Map.entry("passwordMaxAge", PASSWORD_MAX_AGE),
            Map.entry("importPlaintextPasswords", PASSWORD_IMPORT_PLAINTEXT),
            Map.entry("metricsInstance", METRICS_INSTANCE),
            Map.entry("loginEventBufferSize", LOGIN_EVENT_BUFFER_SIZE),
            Map.entry("sessionAbsoluteTimeout", SESSION_ABSOLUTE_TIMEOUT),
            Map.entry("sessionIdleTimeout", SESSION_IDLE_TIMEOUT),
            Map.entry("sessionRenewalInterval", SESSION_RENEWAL_INTERVAL));

    /** A word of a message: an option's name is one. */
    private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

    private final List<String> problems = new ArrayList<>();

    private PropertiesConfig() {
    }

    /**
     * A builder holding the database and every policy the properties set, for customizers to change and
     * {@code build()} to finish.
     *
     * @throws ConfigurationException when the URL is missing or any value is refused; the message names each
     *                                property with Minoro's reason, and never shows the URL's password
     */
    static MinoroConfig.Builder builder(MinoroProperties properties) {
        PropertiesConfig mapping = new PropertiesConfig();
        MinoroConfig.Builder builder = MinoroConfig.builder();
        DatabaseConfig database = mapping.database(properties.getDatabase());
        if (database != null) {
            builder.database(database);
        }
        mapping.policies(properties, builder);
        if (database != null && mapping.problems.isEmpty()) {
            // build() checks the values that go together (the session renewal interval against the idle timeout):
            // refused here, its message is filed under their properties too.
            mapping.apply(SESSION_RENEWAL_INTERVAL, builder::build);
        }
        if (!mapping.problems.isEmpty()) {
            throw new ConfigurationException(mapping.problems.size() == 1 ? mapping.problems.get(0)
                    : "invalid Minoro properties:\n  - " + String.join("\n  - ", mapping.problems));
        }
        return builder;
    }

    private @Nullable DatabaseConfig database(MinoroProperties.Database properties) {
        String url = properties.getUrl();
        if (url == null || url.isBlank()) {
            problems.add(URL + " is not set: give the database Minoro keeps its tables in, a SQLite file"
                    + " (file:/var/lib/app/auth.db), a remote libSQL server (libsql://db-org.turso.io) or a PostgreSQL"
                    + " connection string"
                    + " (postgres://user:password@host:5432/db)");
            return null;
        }
        DatabaseConfig database;
        try {
            database = DatabaseConfig.of(url);
        } catch (ConfigurationException e) {
            // Minoro's message shows the URL with its password masked.
            problems.add(URL + ": " + e.getMessage());
            return null;
        }
        boolean runMigrations = properties.isRunMigrations();
        database = change(database, RUN_MIGRATIONS, db -> db.withRunMigrations(runMigrations));
        database = changeIfSet(database, MIGRATION_LOCK_TIMEOUT, properties.getMigrationLockTimeout(),
                DatabaseConfig::withMigrationLockTimeout);
        database = changeIfSet(database, BUSY_TIMEOUT, properties.getBusyTimeout(), DatabaseConfig::withBusyTimeout);
        database = changeIfSet(database, READER_LANES, properties.getReaderLanes(), DatabaseConfig::withReaderLanes);
        database = changeIfSet(database, AUTH_TOKEN, properties.getAuthToken(), DatabaseConfig::withAuthToken);
        database = changeIfSet(database, CONNECT_TIMEOUT, properties.getConnectTimeout(),
                DatabaseConfig::withConnectTimeout);
        database = changeIfSet(database, SCHEMA, properties.getSchema(), DatabaseConfig::withSchema);
        database = changeIfSet(database, POOLER_MODE, properties.getPoolerMode(), DatabaseConfig::withPoolerMode);
        MinoroProperties.Pool pool = properties.getPool();
        Integer min = pool.getMinSize();
        Integer max = pool.getMaxSize();
        if (min != null || max != null) {
            database = change(database, min != null ? POOL_MIN_SIZE : POOL_MAX_SIZE, db -> db.withPoolSize(
                    min != null ? min : db.poolMinSize(), max != null ? max : db.poolMaxSize()));
        }
        database = changeIfSet(database, ACQUIRE_TIMEOUT, pool.getAcquireTimeout(), DatabaseConfig::withAcquireTimeout);
        database = changeIfSet(database, MAX_IDLE_TIME, pool.getMaxIdleTime(), DatabaseConfig::withMaxIdleTime);
        return changeIfSet(database, MAX_LIFETIME, pool.getMaxLifetime(), DatabaseConfig::withMaxLifetime);
    }

    private void policies(MinoroProperties properties, MinoroConfig.Builder builder) {
        MinoroProperties.Lockout lockout = properties.getLockout();
        apply(MAX_FAILED_LOGINS, () -> builder.maxFailedLogins(lockout.getMaxFailedLogins()));
        Duration lockoutDuration = lockout.getDuration();
        apply(LOCKOUT_DURATION, () -> builder.lockoutDuration(lockoutDuration));
        MinoroProperties.Argon2 argon2 = properties.getArgon2();
        apply(ARGON2_MEMORY, () -> builder.argon2(argon2.getMemoryKib(), argon2.getIterations(),
                argon2.getParallelism()));
        MinoroProperties.Hashing hashing = properties.getHashing();
        Integer threads = hashing.getThreads();
        if (threads != null) {
            apply(HASHING_THREADS, () -> builder.hashingThreads(threads));
        }
        apply(HASHING_QUEUE_CAPACITY, () -> builder.hashingQueueCapacity(hashing.getQueueCapacity()));
        MinoroProperties.Password password = properties.getPassword();
        apply(PASSWORD_MIN_LENGTH, () -> builder.passwordLength(password.getMinLength(), password.getMaxLength()));
        apply(IMPORTED_HASH_COST_FACTOR, () -> builder.importedHashCostFactor(password.getImportedHashCostFactor()));
        Duration maxAge = password.getMaxAge();
        if (maxAge != null) {
            apply(PASSWORD_MAX_AGE, () -> builder.passwordMaxAge(maxAge));
        }
        apply(PASSWORD_IMPORT_PLAINTEXT, () -> builder.importPlaintextPasswords(password.isImportPlaintext()));
        String metricsInstance = properties.getMetricsInstance();
        apply(METRICS_INSTANCE, () -> builder.metricsInstance(metricsInstance));
        apply(LOGIN_EVENT_BUFFER_SIZE, () -> builder.loginEventBufferSize(properties.getLoginEventBufferSize()));
        MinoroProperties.Sessions sessions = properties.getSessions();
        apply(SESSION_ABSOLUTE_TIMEOUT,
                () -> builder.sessionAbsoluteTimeout(zeroIsNone(sessions.getAbsoluteTimeout())));
        apply(SESSION_IDLE_TIMEOUT, () -> builder.sessionIdleTimeout(zeroIsNone(sessions.getIdleTimeout())));
        apply(SESSION_RENEWAL_INTERVAL, () -> builder.sessionRenewalInterval(sessions.getRenewalInterval()));
    }

    /** A session timeout property's value: {@code 0} means none (null to Minoro); anything else is checked there. */
    private static @Nullable Duration zeroIsNone(@Nullable Duration timeout) {
        return timeout != null && timeout.isZero() ? null : timeout;
    }

    private <V> DatabaseConfig changeIfSet(DatabaseConfig database, String property, @Nullable V value,
            WithValue<V> change) {
        return value == null ? database : change(database, property, db -> change.apply(db, value));
    }

    /** {@code database} changed, or as it was when Minoro refuses the change (which is then a problem). */
    private DatabaseConfig change(DatabaseConfig database, String property, UnaryOperator<DatabaseConfig> change) {
        try {
            return change.apply(database);
        } catch (ConfigurationException e) {
            refused(property, e);
            return database;
        }
    }

    private void apply(String property, Runnable setter) {
        try {
            setter.run();
        } catch (ConfigurationException e) {
            refused(property, e);
        }
    }

    private void refused(String property, ConfigurationException e) {
        problems.add(inPropertyTerms(property, String.valueOf(e.getMessage())));
    }

    /**
     * {@return {@code e} as the properties' user should read it, for a refusal of the values the properties set that
     * comes after {@link #builder} (from {@code Minoro.create}, as a schema given twice): with the property of the
     * first option it names, or as it is when it names none}
     */
    static ConfigurationException inPropertyTerms(ConfigurationException e) {
        String message = String.valueOf(e.getMessage());
        String translated = inPropertyTerms(null, message);
        return translated.equals(message) ? e : new ConfigurationException(translated, e);
    }

    /**
     * Minoro's {@code message} under the property of the option it starts with, else under {@code property}, else
     * under the first option it names; with the property of each other option it mentions:
     * {@code minoro.sessions.renewal-interval: sessionRenewalInterval must be shorter than sessionIdleTimeout (PT30M),
     * … (sessionIdleTimeout: minoro.sessions.idle-timeout)}. As it is when it names no property.
     */
    private static String inPropertyTerms(@Nullable String property, String message) {
        Matcher words = WORD.matcher(message);
        String first = words.lookingAt() ? propertyOf(words.group()) : null;
        String named = first != null ? first : property;
        words.reset();
        Set<String> mentioned = new LinkedHashSet<>();
        while (words.find()) {
            String option = words.group();
            String other = propertyOf(option);
            if (other == null || other.equals(named)) {
                continue;
            }
            if (named == null) {
                named = other;
            } else {
                mentioned.add(option + ": " + other);
            }
        }
        return named == null ? message
                : named + ": " + message + (mentioned.isEmpty() ? "" : " (" + String.join(", ", mentioned) + ")");
    }

    /** The property of an option as a message names it: {@code busyTimeout}, or its method {@code withBusyTimeout}. */
    private static @Nullable String propertyOf(String word) {
        String property = PROPERTY_OF_OPTION.get(word);
        if (property == null && word.length() > 4 && word.startsWith("with") && Character.isUpperCase(word.charAt(4))) {
            property = PROPERTY_OF_OPTION.get(Character.toLowerCase(word.charAt(4)) + word.substring(5));
        }
        return property;
    }

    /** One of {@code DatabaseConfig}'s {@code with…} methods. */
    @FunctionalInterface
    private interface WithValue<V> {

        DatabaseConfig apply(DatabaseConfig database, V value);
    }
}
