package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.sqlite.SqliteConnectionConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class ConfigurationTests {

    @Test
    void sqliteAcceptsTheLibsqlForms() {
        for (String ok : new String[] {"file:/tmp/auth.db", "file:relative/auth.db", "file::memory:", ":memory:",
                "file:///tmp/auth.db"}) {
            DatabaseConfig config = DatabaseConfig.sqlite(ok);
            assertEquals(DatabaseType.SQLITE, config.type());
            assertEquals(ok, config.connection());
            assertTrue(config.runMigrations());
        }
    }

    @Test
    void sqliteRefusesOtherFormsAndShowsTheAcceptedOnes() {
        for (String bad : new String[] {"/tmp/auth.db", "auth.db", "sqlite:/tmp/auth.db", "file:", "file:/tmp/",
                "file:/tmp/a.db?mode=ro", " file:/tmp/a.db", "file://server/share/a.db", ""}) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> DatabaseConfig.sqlite(bad));
            // the query is never shown: it may hold a key
            assertTrue(e.getMessage().startsWith("invalid SQLite connection '" + bad.replaceFirst("\\?.*", "?…")
                    + "': "), e.getMessage());
            assertTrue(e.getMessage().endsWith("accepted forms are file:/abs/path.db, file:relative/path.db,"
                    + " file::memory: or :memory:, or for a remote libSQL server (Turso, sqld) libsql://host[:port]"
                    + " (HTTPS; ?tls=0 for plain HTTP with a port), https://host[:port] or http://host:port, each"
                    + " with an optional ?authToken=…"), e.getMessage());
        }
    }


    /** A secret in a local file's query or user information, or another database's URL given as SQLite: masked. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "file:/tmp/a.db?key=s3cr3t                 | invalid SQLite connection 'file:/tmp/a.db?…': query parameters",
        "file:/tmp/a.db?mode=ro&password=s3@cr3t   | invalid SQLite connection 'file:/tmp/a.db?…': query parameters",
        "file://app:s3cr3t@server/a.db             | invalid SQLite connection 'file://****@server/a.db': file URLs"
                + " with a host are not supported",
        "postgres://app:s3cr3t@h/db                | invalid SQLite connection 'postgres://app:****@h/db': it does not"
                + " start with 'file:'",
        "app:s3cr3t@h/db                           | invalid SQLite connection '****@h/db'"
    })
    void aSecretInASqliteConnectionNeverShows(String connection, String expected) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> DatabaseConfig.sqlite(connection));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        assertFalse(e.getMessage().contains("cr3t"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "app:s3cr3t@localhost/db      | cannot tell the database type of '****@localhost/db'",
        "app:s3://cr3t@localhost/db   | cannot tell the database type of '****@localhost/db'",
        "mysql://app:s3@cr/3t@h/db    | cannot tell the database type of 'mysql://****@h/db'",
        "app://s3cr3t@h/db            | cannot tell the database type of 'app://****@h/db'",
        "app://s3:cr3t@h/db           | cannot tell the database type of 'app://****@h/db'",
        "jdbc:postgresql://app:s3cr3t@h/db | cannot tell the database type of 'jdbc:postgresql://app:****@h/db'"
    })
    void aSecretInAConnectionOfNoKnownTypeNeverShows(String connection, String expected) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> DatabaseConfig.of(connection));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        assertFalse(e.getMessage().contains("3t"), e.getMessage());
    }

    @Test
    void aLocalFileTakesNoQueryParametersAndSaysWhereOptionsGo() {
        for (String bad : new String[] {"file:/tmp/a.db?busyTimeout=5s", "file:/tmp/a.db?busy_timeout=5000",
                "file:relative/a.db?mode=ro", "file:///tmp/a.db?cache=shared"}) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> DatabaseConfig.of(bad));
            assertTrue(e.getMessage().startsWith("invalid SQLite connection '" + bad.replaceFirst("\\?.*", "?…")
                    + "': query parameters and"
                    + " fragments are not supported (set SQLite's options with DatabaseConfig's methods, such as"
                    + " withBusyTimeout); accepted forms are"), e.getMessage());
        }
    }

    @Test
    void nullsAndMisplacedOptionsAreConfigurationErrors() {
        assertEquals("database connection must not be null",
                assertThrows(ConfigurationException.class, () -> DatabaseConfig.sqlite(null)).getMessage());
        assertThrows(ConfigurationException.class, () -> DatabaseConfig.of(null, ":memory:"));
        assertEquals("schema applies to PostgreSQL only, but this database is SQLITE",
                assertThrows(ConfigurationException.class,
                        () -> DatabaseConfig.sqlite(":memory:").withSchema("auth")).getMessage());
        assertEquals("busyTimeout must be a positive duration, was PT0S",
                assertThrows(ConfigurationException.class,
                        () -> DatabaseConfig.sqlite(":memory:").withBusyTimeout(Duration.ZERO)).getMessage());
    }

    @Test
    void toStringNeverShowsAPassword() {
        DatabaseConfig config = DatabaseConfig.postgres("postgres://app:s3cr%40t-pa55@db.example.com:5432/auth"
                + "?sslmode=require");
        assertFalse(config.toString().contains("s3cr"), config.toString());
        assertTrue(config.toString().contains("postgres://app:****@db.example.com:5432/auth?sslmode=require"),
                config.toString());
        DatabaseConfig r2dbc = DatabaseConfig.postgres("r2dbc:postgresql://app:hunter2@localhost/db?sslMode=require");
        assertFalse(r2dbc.toString().contains("hunter2"), r2dbc.toString());
        // R2DBC URLs may not carry the password as an option; libpq URIs may.
        DatabaseConfig query = DatabaseConfig.postgres("postgres://app@localhost/db?password=x2");
        assertFalse(query.toString().contains("x2"), query.toString());
        assertFalse(MinoroConfig.of(config).toString().contains("s3cr"));
    }

    @Test
    void theTypeCanBeReadFromTheConnection() {
        assertEquals(DatabaseType.SQLITE, DatabaseConfig.of("file:/tmp/auth.db").type());
        assertEquals(DatabaseType.SQLITE, DatabaseConfig.of(":memory:").type());
        assertEquals(DatabaseType.POSTGRES, DatabaseConfig.of("postgres://app:pw@localhost/auth").type());
        assertEquals(DatabaseType.POSTGRES, DatabaseConfig.of("postgresql://app@localhost/auth").type());
        assertEquals(DatabaseType.POSTGRES, DatabaseConfig.of("r2dbc:postgresql://app@localhost/auth").type());
        ConfigurationException unknown = assertThrows(ConfigurationException.class,
                () -> DatabaseConfig.of("mysql://app:hunter2@localhost/auth"));
        assertTrue(unknown.getMessage().startsWith("cannot tell the database type of 'mysql://****@localhost/auth'"),
                unknown.getMessage());
        assertEquals(DatabaseType.SQLITE, DatabaseConfig.of("libsql://x.turso.io").type());
        assertEquals(DatabaseType.SQLITE, DatabaseConfig.of("https://x.turso.io").type());
        assertEquals(DatabaseType.SQLITE, DatabaseConfig.of("http://127.0.0.1:8080").type());
    }

    @Test
    void optionsAreKeptByEveryCopy() {
        DatabaseConfig config = DatabaseConfig.postgres("postgres://app@localhost/auth")
                .withSchema("auth").withPoolSize(2, 5).withAcquireTimeout(Duration.ofSeconds(3))
                .withMaxIdleTime(Duration.ofMinutes(1)).withMaxLifetime(Duration.ofMinutes(9))
                .withPoolerMode(true).withMigrationLockTimeout(Duration.ofSeconds(7)).withRunMigrations(false);
        assertEquals("auth", config.schema());
        assertEquals(2, config.poolMinSize());
        assertEquals(5, config.poolMaxSize());
        assertEquals(Duration.ofSeconds(3), config.acquireTimeout());
        assertEquals(Duration.ofMinutes(1), config.maxIdleTime());
        assertEquals(Duration.ofMinutes(9), config.maxLifetime());
        assertEquals(Boolean.TRUE, config.poolerMode());
        assertEquals(Duration.ofSeconds(7), config.migrationLockTimeout());
        assertFalse(config.runMigrations());
        assertEquals(config, config.withRunMigrations(true).withRunMigrations(false));
    }

    @Test
    void aConnectionFactoryCustomizerIsKeptByEveryCopyAndShownOnlyAsSet() {
        DatabaseConfig plain = DatabaseConfig.sqlite(":memory:");
        java.util.function.UnaryOperator<io.r2dbc.spi.ConnectionFactory> customizer = factory -> factory;
        DatabaseConfig customized = plain.withConnectionFactoryCustomizer(customizer);
        assertEquals(customizer, customized.withRunMigrations(false).connectionFactoryCustomizer());
        assertEquals(customized, customized.withRunMigrations(false).withRunMigrations(true));
        assertFalse(plain.equals(customized));
        assertFalse(plain.toString().contains("connectionFactory"), plain.toString());
        assertTrue(customized.toString().endsWith(", connectionFactoryCustomized}"), customized.toString());
        assertEquals("connectionFactoryCustomizer must not be null", assertThrows(ConfigurationException.class,
                () -> plain.withConnectionFactoryCustomizer(null)).getMessage());
    }

    @Test
    void sqlitesDefaultBusyTimeoutIsTheDriversDefault() {
        // Two constants, since the driver imports nothing from Minoro: this keeps them from drifting apart again.
        assertEquals(SqliteConnectionConfiguration.DEFAULT_BUSY_TIMEOUT, DatabaseConfig.sqlite(":memory:").busyTimeout());
        assertEquals(Duration.ofSeconds(10), DatabaseConfig.sqlite(":memory:").busyTimeout());
    }

    @Test
    void readerLanesApplyToSqliteFilesOnly() {
        DatabaseConfig file = DatabaseConfig.sqlite("file:/tmp/lanes.db");
        assertNull(file.readerLanes(), "the driver's default");
        DatabaseConfig three = file.withReaderLanes(3);
        assertEquals(3, three.readerLanes());
        assertNull(file.readerLanes(), "a copy");
        assertEquals(three, file.withReaderLanes(3));
        assertEquals(three.hashCode(), file.withReaderLanes(3).hashCode());
        assertFalse(three.equals(file.withReaderLanes(2)));
        assertTrue(three.toString().contains("readerLanes=3"), three.toString());
        assertFalse(file.toString().contains("readerLanes"), file.toString());
        assertEquals(0, file.withReaderLanes(0).readerLanes());
        assertEquals(64, file.withReaderLanes(64).readerLanes());
        assertEquals("readerLanes must be between 0 and 64, was 65",
                assertThrows(ConfigurationException.class, () -> file.withReaderLanes(65)).getMessage());
        assertEquals("readerLanes must be between 0 and 64, was -1",
                assertThrows(ConfigurationException.class, () -> file.withReaderLanes(-1)).getMessage());
        assertEquals("readerLanes applies to SQLite files only: an in-memory database is one database on a single"
                + " lane", assertThrows(ConfigurationException.class,
                        () -> DatabaseConfig.sqlite(":memory:").withReaderLanes(2)).getMessage());
        assertThrows(ConfigurationException.class, () -> DatabaseConfig.sqlite("file::memory:").withReaderLanes(2));
        assertEquals("readerLanes applies to local SQLite files only: a remote libSQL server runs its own reads",
                assertThrows(ConfigurationException.class,
                        () -> DatabaseConfig.sqlite("libsql://db.turso.io").withReaderLanes(2)).getMessage());
        assertEquals("readerLanes applies to SQLite only, but this database is POSTGRES",
                assertThrows(ConfigurationException.class,
                        () -> DatabaseConfig.postgres("postgres://app@localhost/app").withReaderLanes(2))
                        .getMessage());
    }

    @Test
    void withRunMigrationsMakesACopy() {
        DatabaseConfig on = DatabaseConfig.sqlite(":memory:");
        DatabaseConfig off = on.withRunMigrations(false);
        assertTrue(on.runMigrations());
        assertFalse(off.runMigrations());
        assertEquals(on, off.withRunMigrations(true));
    }

    @Test
    void minoroConfigDefaultsAreOwaspsAndTheIssues() {
        MinoroConfig config = MinoroConfig.of(DatabaseConfig.sqlite(":memory:"));
        assertEquals(19456, config.argon2MemoryKiB());
        assertEquals(2, config.argon2Iterations());
        assertEquals(1, config.argon2Parallelism());
        assertEquals(5, config.maxFailedLogins());
        assertEquals(Duration.ofMinutes(15), config.lockoutDuration());
        assertEquals(8, config.minPasswordLength());
        assertEquals(1024, config.maxPasswordLength());
        assertEquals(Runtime.getRuntime().availableProcessors(), config.hashingThreads());
    }

    @Test
    void importAndLoginEventOptionsHaveDefaultsBoundsAndSurviveACopy() {
        MinoroConfig defaults = MinoroConfig.of(DatabaseConfig.sqlite(":memory:"));
        assertFalse(defaults.importPlaintextPasswords());
        assertEquals(1024, defaults.loginEventBufferSize());
        MinoroConfig changed = defaults.toBuilder().importPlaintextPasswords(true).loginEventBufferSize(7).build();
        MinoroConfig copy = changed.toBuilder().build();
        assertTrue(copy.importPlaintextPasswords());
        assertEquals(7, copy.loginEventBufferSize());
        assertTrue(copy.toString().contains("importPlaintextPasswords=true, loginEventBufferSize=7"), copy.toString());
        MinoroConfig.Builder builder = MinoroConfig.builder();
        assertEquals("loginEventBufferSize must be between 1 and 1048576, was 0",
                assertThrows(ConfigurationException.class, () -> builder.loginEventBufferSize(0)).getMessage());
        assertEquals("loginEventBufferSize must be between 1 and 1048576, was 1048577",
                assertThrows(ConfigurationException.class, () -> builder.loginEventBufferSize(1_048_577)).getMessage());
    }

    @Test
    void sessionTimeoutsHaveDefaultsBoundsAndSurviveACopy() {
        MinoroConfig defaults = MinoroConfig.of(DatabaseConfig.sqlite(":memory:"));
        assertEquals(Duration.ofHours(24), defaults.sessionAbsoluteTimeout());
        assertEquals(Duration.ofMinutes(30), defaults.sessionIdleTimeout());
        assertEquals(Duration.ofMinutes(1), defaults.sessionRenewalInterval());
        MinoroConfig changed = defaults.toBuilder().sessionAbsoluteTimeout(null).sessionIdleTimeout(Duration.ofHours(2))
                .sessionRenewalInterval(Duration.ofMinutes(5)).build();
        MinoroConfig copy = changed.toBuilder().build();
        assertNull(copy.sessionAbsoluteTimeout());
        assertEquals(Duration.ofHours(2), copy.sessionIdleTimeout());
        assertEquals(Duration.ofMinutes(5), copy.sessionRenewalInterval());
        assertTrue(copy.toString().contains("sessionAbsoluteTimeout=none, sessionIdleTimeout=PT2H,"
                + " sessionRenewalInterval=PT5M"), copy.toString());
        MinoroConfig noIdle = defaults.toBuilder().sessionIdleTimeout(null).sessionRenewalInterval(Duration.ofDays(1))
                .build();
        assertNull(noIdle.sessionIdleTimeout(), "without an idle timeout, any renewal interval will do");

        MinoroConfig.Builder builder = MinoroConfig.builder();
        assertEquals("sessionAbsoluteTimeout must be between 1 ms and 36500 days, or null for none, was PT0S",
                assertThrows(ConfigurationException.class, () -> builder.sessionAbsoluteTimeout(Duration.ZERO))
                        .getMessage());
        assertEquals("sessionIdleTimeout must be between 1 ms and 36500 days, or null for none, was PT-1M",
                assertThrows(ConfigurationException.class, () -> builder.sessionIdleTimeout(Duration.ofMinutes(-1)))
                        .getMessage());
        assertEquals("sessionIdleTimeout must be between 1 ms and 36500 days, or null for none, was PT876024H",
                assertThrows(ConfigurationException.class, () -> builder.sessionIdleTimeout(Duration.ofDays(36_501)))
                        .getMessage());
        assertEquals("sessionRenewalInterval must be between 1 ms and 36500 days, was PT0.0000001S",
                assertThrows(ConfigurationException.class, () -> builder.sessionRenewalInterval(Duration.ofNanos(100)))
                        .getMessage());
        assertEquals("sessionRenewalInterval must not be null",
                assertThrows(ConfigurationException.class, () -> builder.sessionRenewalInterval(null)).getMessage());
        MinoroConfig.Builder tooLong = defaults.toBuilder().sessionRenewalInterval(Duration.ofMinutes(30));
        assertEquals("sessionRenewalInterval must be shorter than sessionIdleTimeout (PT30M), was PT30M: a session in"
                + " use would end between two renewals",
                assertThrows(ConfigurationException.class, tooLong::build).getMessage());
    }

    @Test
    void minoroConfigBuilderNamesTheOffendingOption() {
        MinoroConfig.Builder builder = MinoroConfig.builder();
        assertEquals("maxFailedLogins must be >= 1, was 0",
                assertThrows(ConfigurationException.class, () -> builder.maxFailedLogins(0)).getMessage());
        assertEquals("hashingThreads must be >= 1, was -1",
                assertThrows(ConfigurationException.class, () -> builder.hashingThreads(-1)).getMessage());
        assertEquals("argon2MemoryKiB must be >= 8 * argon2Parallelism (16), was 8",
                assertThrows(ConfigurationException.class, () -> builder.argon2(8, 1, 2)).getMessage());
        assertEquals("maxPasswordLength must be between minPasswordLength (8) and 4096, was 5000",
                assertThrows(ConfigurationException.class, () -> builder.passwordLength(8, 5000)).getMessage());
        assertTrue(assertThrows(ConfigurationException.class, builder::build).getMessage()
                .startsWith("database is required"));
    }

    /** The registries are kept by every copy, refused when null, shown by their type only, and off by default. */
    @Test
    void micrometerRegistriesAreOptionalKeptByCopiesAndShownByTypeOnly() {
        MinoroConfig plain = MinoroConfig.of(DatabaseConfig.sqlite(":memory:"));
        assertNull(plain.meterRegistry());
        assertNull(plain.observationRegistry());
        assertFalse(plain.toString().contains("Registry"), plain.toString());

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        MinoroConfig config = plain.toBuilder().meterRegistry(meters).observationRegistry(observations).build();
        assertSame(meters, config.meterRegistry());
        assertSame(observations, config.observationRegistry());
        MinoroConfig copy = config.toBuilder().maxFailedLogins(7).build();
        assertSame(meters, copy.meterRegistry());
        assertSame(observations, copy.observationRegistry());
        assertTrue(config.toString().endsWith(", meterRegistry=SimpleMeterRegistry, observationRegistry="
                + observations.getClass().getSimpleName() + "}"), config.toString());

        assertEquals(MinoroConfig.DEFAULT_METRICS_INSTANCE, plain.metricsInstance());
        assertEquals("orders-db", plain.toBuilder().metricsInstance("orders-db").build().toBuilder().build()
                .metricsInstance());
        for (String bad : new String[] {"", "a b", "x".repeat(65), "é", "a{b}"}) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> MinoroConfig.builder().metricsInstance(bad));
            assertTrue(e.getMessage().startsWith("metricsInstance must be 1 to 64 characters"), e.getMessage());
        }
        assertThrows(ConfigurationException.class, () -> MinoroConfig.builder().metricsInstance(null));

        MinoroConfig.Builder builder = MinoroConfig.builder();
        assertEquals("meterRegistry must not be null",
                assertThrows(ConfigurationException.class, () -> builder.meterRegistry(null)).getMessage());
        assertEquals("observationRegistry must not be null",
                assertThrows(ConfigurationException.class, () -> builder.observationRegistry(null)).getMessage());
    }

    @Test
    void newUserNeverShowsItsPassword() {
        NewUser user = NewUser.of("a@example.com", "hunter2-hunter2").withDisplayName("A");
        assertFalse(user.toString().contains("hunter2"), user.toString());
        assertEquals("NewUser{email=a@example.com, password=****, displayName=A}", user.toString());
        assertNull(NewUser.of("a@example.com", null).password());
    }
}
