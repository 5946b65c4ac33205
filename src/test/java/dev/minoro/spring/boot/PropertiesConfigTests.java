package dev.minoro.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.MinoroConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The {@code minoro.*} properties, bound by Spring Boot's binder from their written names, turned into a
 * {@code MinoroConfig}: each property lands where it should, and each bad value fails with Minoro's own message
 * under the property's name.
 */
final class PropertiesConfigTests {

    private static final String SQLITE = "file:/var/lib/app/auth.db";
    private static final String POSTGRES = "postgres://app:s3cr3t-pw@db.example.com:5432/app?sslmode=require";

    private static MinoroProperties bind(String... keysAndValues) {
        Map<String, String> source = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            source.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return new Binder(new MapConfigurationPropertySource(source))
                .bindOrCreate(MinoroProperties.PREFIX, MinoroProperties.class);
    }

    private static MinoroConfig config(String... keysAndValues) {
        return PropertiesConfig.builder(bind(keysAndValues)).build();
    }

    private static String refused(String... keysAndValues) {
        MinoroProperties properties = bind(keysAndValues);
        return assertThrows(ConfigurationException.class, () -> PropertiesConfig.builder(properties)).getMessage();
    }

    @Test
    void theUrlAloneGivesMinorosDefaults() {
        MinoroConfig config = config("minoro.database.url", SQLITE);
        MinoroConfig defaults = MinoroConfig.of(DatabaseConfig.sqlite(SQLITE));
        assertEquals(defaults.database(), config.database());
        assertEquals(defaults.toString(), config.toString());
    }

    @Test
    void theTypeIsReadFromTheUrl() {
        assertEquals(DatabaseType.SQLITE, config("minoro.database.url", "file::memory:").database().type());
        assertEquals(DatabaseType.POSTGRES, config("minoro.database.url", POSTGRES).database().type());
        assertEquals(DatabaseType.POSTGRES,
                config("minoro.database.url", "r2dbc:postgresql://app:pw@localhost/app").database().type());
    }

    @Test
    void everySqlitePropertyIsApplied() {
        MinoroConfig config = config(
                "minoro.database.url", SQLITE,
                "minoro.database.run-migrations", "false",
                "minoro.database.migration-lock-timeout", "90s",
                "minoro.database.busy-timeout", "2500ms",
                "minoro.database.reader-lanes", "6",
                "minoro.lockout.max-failed-logins", "7",
                "minoro.lockout.duration", "1h",
                "minoro.argon2.memory-kib", "65536",
                "minoro.argon2.iterations", "3",
                "minoro.argon2.parallelism", "2",
                "minoro.hashing.threads", "3",
                "minoro.hashing.queue-capacity", "16",
                "minoro.password.min-length", "12",
                "minoro.password.max-length", "256",
                "minoro.password.imported-hash-cost-factor", "4",
                "minoro.password.max-age", "90d",
                "minoro.password.import-plaintext", "true",
                "minoro.metrics-instance", "orders-db",
                "minoro.login-event-buffer-size", "64",
                "minoro.sessions.absolute-timeout", "30d",
                "minoro.sessions.idle-timeout", "7d",
                "minoro.sessions.renewal-interval", "5m");
        DatabaseConfig database = config.database();
        assertEquals(SQLITE, database.connection());
        assertFalse(database.runMigrations());
        assertEquals(Duration.ofSeconds(90), database.migrationLockTimeout());
        assertEquals(Duration.ofMillis(2500), database.busyTimeout());
        assertEquals(6, database.readerLanes());
        assertEquals(7, config.maxFailedLogins());
        assertEquals(Duration.ofHours(1), config.lockoutDuration());
        assertEquals(65536, config.argon2MemoryKiB());
        assertEquals(3, config.argon2Iterations());
        assertEquals(2, config.argon2Parallelism());
        assertEquals(3, config.hashingThreads());
        assertEquals(16, config.hashingQueueCapacity());
        assertEquals(12, config.minPasswordLength());
        assertEquals(256, config.maxPasswordLength());
        assertEquals(4, config.importedHashCostFactor());
        assertEquals(Duration.ofDays(90), config.passwordMaxAge());
        assertEquals("orders-db", config.metricsInstance());
        assertTrue(config.importPlaintextPasswords());
        assertEquals(64, config.loginEventBufferSize());
        assertEquals(Duration.ofDays(30), config.sessionAbsoluteTimeout());
        assertEquals(Duration.ofDays(7), config.sessionIdleTimeout());
        assertEquals(Duration.ofMinutes(5), config.sessionRenewalInterval());
    }

    @Test
    void aZeroSessionTimeoutMeansNone() {
        MinoroConfig config = config("minoro.database.url", SQLITE, "minoro.sessions.absolute-timeout", "0",
                "minoro.sessions.idle-timeout", "0s");
        assertNull(config.sessionAbsoluteTimeout());
        assertNull(config.sessionIdleTimeout());
        assertEquals(MinoroConfig.DEFAULT_SESSION_RENEWAL_INTERVAL, config.sessionRenewalInterval());
    }

    @Test
    void everyPostgresPropertyIsApplied() {
        DatabaseConfig database = config(
                "minoro.database.url", POSTGRES,
                "minoro.database.schema", "Auth",
                "minoro.database.pooler-mode", "true",
                "minoro.database.pool.min-size", "2",
                "minoro.database.pool.max-size", "4",
                "minoro.database.pool.acquire-timeout", "5s",
                "minoro.database.pool.max-idle-time", "10m",
                "minoro.database.pool.max-lifetime", "2h").database();
        assertEquals("Auth", database.schema());
        assertEquals(Boolean.TRUE, database.poolerMode());
        assertEquals(2, database.poolMinSize());
        assertEquals(4, database.poolMaxSize());
        assertEquals(Duration.ofSeconds(5), database.acquireTimeout());
        assertEquals(Duration.ofMinutes(10), database.maxIdleTime());
        assertEquals(Duration.ofHours(2), database.maxLifetime());
    }

    @Test
    void onePoolBoundKeepsTheOthersDefault() {
        DatabaseConfig defaults = DatabaseConfig.postgres(POSTGRES);
        DatabaseConfig max = config("minoro.database.url", POSTGRES, "minoro.database.pool.max-size", "3").database();
        assertEquals(defaults.poolMinSize(), max.poolMinSize());
        assertEquals(3, max.poolMaxSize());
        DatabaseConfig min = config("minoro.database.url", POSTGRES, "minoro.database.pool.min-size", "5").database();
        assertEquals(5, min.poolMinSize());
        assertEquals(defaults.poolMaxSize(), min.poolMaxSize());
        assertNull(config("minoro.database.url", POSTGRES).database().poolerMode(), "unset: the URL's pgbouncer=");
    }

    @Test
    void aMissingUrlIsNamed() {
        assertEquals("minoro.database.url is not set: give the database Minoro keeps its tables in, a SQLite file"
                + " (file:/var/lib/app/auth.db), a remote libSQL server (libsql://db-org.turso.io) or a PostgreSQL"
                + " connection string (postgres://user:password@host:5432/db)", refused());
        assertTrue(refused("minoro.database.url", "  ").startsWith("minoro.database.url is not set"));
    }

    @Test
    void aBadUrlIsNamedAndItsPasswordMasked() {
        String message = refused("minoro.database.url", "mysql://app:s3cr3t-pw@db.example.com/app");
        assertTrue(message.startsWith("minoro.database.url: cannot tell the database type of '"), message);
        assertFalse(message.contains("s3cr3t-pw"), message);
        String badParameter = refused("minoro.database.url", POSTGRES + "&sslmode=sometimes");
        assertTrue(badParameter.startsWith("minoro.database.url: "), badParameter);
        assertTrue(badParameter.contains("sslmode"), badParameter);
        assertFalse(badParameter.contains("s3cr3t-pw"), badParameter);
    }

    /**
     * A URL whose password or token holds an unencoded '@', '/', '?', '#' or '&', in each form the property takes:
     * the startup message names the property and what to encode, never a piece of the secret.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "postgresql://app:s3@cr3t/x@localhost:5432/db         | the database name holds an unencoded '@'",
        "r2dbc:postgresql://app:s3@cr3t/x@localhost:5432/db   | the path of the r2dbc URL holds an unencoded '@'",
        "r2dbc:pool:postgresql://app:s3@cr3t#x@localhost/db   | the r2dbc URL holds a '#'",
        "postgresql://app:s3@h?cr3t=1@localhost/db            | unknown parameter in the PostgreSQL connection string"
                + " (not shown",
        "postgresql://app@localhost/db?password=s3&cr3t=1     | (not shown: it follows password=",
        "libsql://db.example.com?authToken=s3&cr3t            | (not shown: it may be a piece of a token",
        "file:/var/lib/app/auth.db?key=s3cr3t                 | invalid SQLite connection 'file:/var/lib/app/auth.db?…'",
        // a token pasted as user information, or a URL of no form Minoro takes
        "app://s3cr3t@db.example.com/app                      | cannot tell the database type of"
                + " 'app://****@db.example.com/app'",
        "https://s3:cr3t@db.example.com                       | invalid libSQL connection 'https://****@db.example.com':"
                + " it holds user information before '@'",
        "jdbc:sqlite:auth.db?password=s3 cr3t                 | cannot tell the database type of"
                + " 'jdbc:sqlite:auth.db?password=****'",
        "postgres://app:pw@h/db?application_name=a@b&sslmode=s | sslmode must be one of disable, allow, prefer, require,"
                + " verify-ca, verify-full, was 's'"
    })
    void aPasswordWithUnencodedCharactersNeverShows(String url, String expected) {
        String message = refused("minoro.database.url", url);
        assertTrue(message.startsWith("minoro.database.url: "), message);
        assertTrue(message.contains(expected), message);
        assertFalse(message.contains("cr3t"), message);
    }

    /** Each bad value is reported under its own property, with Minoro's message as it is. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "minoro.lockout.max-failed-logins           | 0     | maxFailedLogins must be >= 1, was 0",
        "minoro.lockout.duration                    | -5m   | lockoutDuration must be a positive duration, was PT-5M",
        "minoro.lockout.duration                    | 0s    | lockoutDuration must be a positive duration, was PT0S",
        "minoro.argon2.memory-kib                   | 4     | argon2MemoryKiB must be >= 8 * argon2Parallelism (8), was 4 (argon2Parallelism: minoro.argon2.parallelism)",
        "minoro.argon2.iterations                   | 0     | argon2Iterations must be >= 1, was 0",
        "minoro.argon2.parallelism                  | 256   | argon2Parallelism must be between 1 and 255, was 256",
        "minoro.hashing.threads                     | 0     | hashingThreads must be >= 1, was 0",
        "minoro.hashing.queue-capacity              | -1    | hashingQueueCapacity must be >= 1, was -1",
        "minoro.password.min-length                 | 0     | minPasswordLength must be >= 1, was 0",
        "minoro.password.max-length                 | 5000  | maxPasswordLength must be between minPasswordLength (8) and 4096, was 5000 (minPasswordLength: minoro.password.min-length)",
        "minoro.password.imported-hash-cost-factor  | 2000  | importedHashCostFactor must be between 1 and 1024, was 2000",
        "minoro.password.max-age                    | 0s    | passwordMaxAge must be a positive duration or null, was PT0S",
        "minoro.login-event-buffer-size             | 0     | loginEventBufferSize must be between 1 and 1048576, was 0",
        "minoro.sessions.absolute-timeout           | -1h   | sessionAbsoluteTimeout must be between 1 ms and 36500 days, or null for none, was PT-1H",
        "minoro.sessions.idle-timeout               | -5m   | sessionIdleTimeout must be between 1 ms and 36500 days, or null for none, was PT-5M",
        "minoro.sessions.renewal-interval           | 0s    | sessionRenewalInterval must be between 1 ms and 36500 days, was PT0S",
        "minoro.database.migration-lock-timeout     | 0s    | migrationLockTimeout must be a positive duration, was PT0S",
        "minoro.database.busy-timeout               | -1s   | busyTimeout must be a positive duration, was PT-1S",
        "minoro.database.reader-lanes               | 65    | readerLanes must be between 0 and 64, was 65",
        "minoro.metrics-instance                    | a b   | metricsInstance must be 1 to 64 characters among A-Z a-z 0-9 . _ -, was \"a b\"",
    })
    void aBadValueIsNamed(String property, String value, String reason) {
        assertEquals(property + ": " + reason, refused("minoro.database.url", SQLITE, property, value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "minoro.database.schema              | 1auth | schema must be a plain identifier (letters, digits, underscore; at most 63 characters, not starting with a digit), was '1auth'",
        "minoro.database.pool.max-size       | 0     | poolMaxSize must be > 0, was 0",
        "minoro.database.pool.min-size       | 11    | poolMinSize must be between 0 and poolMaxSize (10), was 11 (poolMaxSize: minoro.database.pool.max-size)",
        "minoro.database.pool.acquire-timeout | 0s   | acquireTimeout must be a positive duration, was PT0S",
        "minoro.database.pool.max-idle-time  | -1m   | maxIdleTime must be a positive duration, was PT-1M",
        "minoro.database.pool.max-lifetime   | 0s    | maxLifetime must be a positive duration, was PT0S",
    })
    void aBadPostgresValueIsNamed(String property, String value, String reason) {
        assertEquals(property + ": " + reason, refused("minoro.database.url", POSTGRES, property, value));
    }

    /** Minoro checks the pool's bounds together; the message names the one it refused. */
    @Test
    void thePoolBoundRefusedIsTheOneNamed() {
        assertEquals("minoro.database.pool.min-size: poolMinSize must be between 0 and poolMaxSize (3), was 5"
                + " (poolMaxSize: minoro.database.pool.max-size)",
                refused("minoro.database.url", POSTGRES, "minoro.database.pool.min-size", "5",
                        "minoro.database.pool.max-size", "3"));
        assertEquals("minoro.password.max-length: maxPasswordLength must be between minPasswordLength (20) and 4096,"
                + " was 10 (minPasswordLength: minoro.password.min-length)", refused("minoro.database.url", SQLITE, "minoro.password.min-length", "20",
                        "minoro.password.max-length", "10"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "minoro.database.schema            | auth | schema applies to PostgreSQL only, but this database is SQLITE",
        "minoro.database.pooler-mode       | true | poolerMode applies to PostgreSQL only, but this database is SQLITE",
        "minoro.database.pool.max-size     | 5    | poolSize applies to PostgreSQL only, but this database is SQLITE",
        "minoro.database.pool.min-size     | 1    | poolSize applies to PostgreSQL only, but this database is SQLITE",
        "minoro.database.pool.max-lifetime | 1h   | maxLifetime applies to PostgreSQL only, but this database is SQLITE",
    })
    void aPostgresPropertyOnSqliteIsNamed(String property, String value, String reason) {
        assertEquals(property + ": " + reason, refused("minoro.database.url", SQLITE, property, value));
    }

    @Test
    void aSqlitePropertyOnPostgresIsNamed() {
        assertEquals("minoro.database.busy-timeout: busyTimeout applies to SQLite only, but this database is POSTGRES",
                refused("minoro.database.url", POSTGRES, "minoro.database.busy-timeout", "5s"));
        assertEquals("minoro.database.reader-lanes: readerLanes applies to SQLite only, but this database is"
                + " POSTGRES", refused("minoro.database.url", POSTGRES, "minoro.database.reader-lanes", "2"));
        assertEquals("minoro.database.reader-lanes: readerLanes applies to SQLite files only: an in-memory database"
                + " is one database on a single lane",
                refused("minoro.database.url", "file::memory:", "minoro.database.reader-lanes", "2"));
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        String message = refused("minoro.database.url", POSTGRES,
                "minoro.database.pool.max-size", "0",
                "minoro.lockout.max-failed-logins", "0",
                "minoro.argon2.iterations", "0");
        assertEquals("invalid Minoro properties:\n"
                + "  - minoro.database.pool.max-size: poolMaxSize must be > 0, was 0\n"
                + "  - minoro.lockout.max-failed-logins: maxFailedLogins must be >= 1, was 0\n"
                + "  - minoro.argon2.iterations: argon2Iterations must be >= 1, was 0", message);
        assertFalse(message.contains("s3cr3t-pw"), message);
    }

    @Test
    void theLibsqlPropertiesAreAppliedAndTheTokenNeverShown() {
        String token = "eyJhbGciOiJFZERTQSJ9.eyJhIjoicncifQ.c2lnbmF0dXJlLXNlY3JldA";
        MinoroProperties properties = bind("minoro.database.url", "libsql://auth-acme.turso.io",
                "minoro.database.auth-token", token, "minoro.database.connect-timeout", "3s");
        DatabaseConfig database = PropertiesConfig.builder(properties).build().database();
        assertEquals(DatabaseConfig.sqlite("libsql://auth-acme.turso.io").withAuthToken(token)
                .withConnectTimeout(Duration.ofSeconds(3)), database);
        assertFalse(properties.toString().contains(token), properties.toString());
        assertTrue(properties.toString().contains("authToken=(set, not shown)"), properties.toString());
        assertFalse(database.toString().contains(token), database.toString());
        assertEquals("minoro.database.auth-token: authToken applies to a remote libSQL server (libsql://, https://,"
                + " http://) only, but this database is a local SQLite file",
                refused("minoro.database.url", SQLITE, "minoro.database.auth-token", token));
        String refused = refused("minoro.database.url", "libsql://auth-acme.turso.io", "minoro.database.auth-token",
                "has space " + token);
        assertTrue(refused.startsWith("minoro.database.auth-token: authToken must be printable ASCII"), refused);
        assertFalse(refused.contains(token), refused);
    }

    @Test
    void thePropertiesNeverShowTheUrl() {
        MinoroProperties properties = bind("minoro.database.url", POSTGRES);
        assertFalse(properties.toString().contains("s3cr3t-pw"), properties.toString());
        assertTrue(properties.toString().contains("url=(set, not shown)"), properties.toString());
    }
}
