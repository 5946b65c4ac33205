package dev.minoro.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.AccountLockedException;
import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.MigrationStatus;
import dev.minoro.Minoro;
import dev.minoro.MinoroClosedException;
import dev.minoro.MinoroConfig;
import dev.minoro.MinoroException;
import dev.minoro.NewUser;
import dev.minoro.SchemaNotMigratedException;
import dev.minoro.SchemaTooNewException;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.TestConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * {@link MinoroAutoConfiguration} in Spring contexts on real SQLite files (PostgreSQL in
 * {@link MinoroAutoConfigurationPostgresIntegrationTests}): the bean it boots from the properties, startup failing
 * with Minoro's message, closing at shutdown, and backing off for the application's own beans.
 */
final class MinoroAutoConfigurationIntegrationTests {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Cheap Argon2, so that logins in these tests do not cost 19 MiB and tens of milliseconds each. */
    static final String[] CHEAP_HASHING = { "minoro.argon2.memory-kib=64", "minoro.argon2.iterations=1" };

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MinoroAutoConfiguration.class))
            .withPropertyValues(CHEAP_HASHING);

    private String url(String file) {
        return "minoro.database.url=file:" + directory.resolve(file);
    }

    /** The Minoro exception that failed the context's startup, found along its causes. */
    static MinoroException minoroFailure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        for (Throwable e = context.getStartupFailure(); e != null; e = e.getCause()) {
            if (e instanceof MinoroException) {
                return (MinoroException) e;
            }
        }
        throw new AssertionError("no MinoroException caused the failure", context.getStartupFailure());
    }

    /** What Spring Boot would print for the failed startup. */
    static FailureAnalysis analysis(AssertableApplicationContext context) {
        FailureAnalysis analysis = new MinoroStartupFailureAnalyzer().analyze(context.getStartupFailure());
        assertNotNull(analysis, "the analyzer did not recognise the failure");
        return analysis;
    }

    @Test
    void bootsMinoroFromTheProperties() {
        runner.withPropertyValues(url("boot.db"), "minoro.lockout.max-failed-logins=2", "minoro.lockout.duration=1h")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(Minoro.class).hasSingleBean(MinoroConfig.class);
                    MinoroConfig config = context.getBean(MinoroConfig.class);
                    assertEquals(DatabaseConfig.sqlite("file:" + directory.resolve("boot.db")), config.database());
                    assertEquals(2, config.maxFailedLogins());
                    assertEquals(64, config.argon2MemoryKiB());

                    Minoro minoro = context.getBean(Minoro.class);
                    minoro.users().create(NewUser.of("amy@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
                    assertEquals("amy@example.com",
                            minoro.authenticate("AMY@example.com", TestConfigs.PASSWORD).block(TIMEOUT).email());
                    assertThrows(InvalidCredentialsException.class,
                            () -> minoro.authenticate("amy@example.com", "wrong password").block(TIMEOUT));
                    assertThrows(AccountLockedException.class,
                            () -> minoro.authenticate("amy@example.com", "wrong password").block(TIMEOUT),
                            "the second failure reaches minoro.lockout.max-failed-logins=2 and locks");
                    assertThrows(AccountLockedException.class,
                            () -> minoro.authenticate("amy@example.com", TestConfigs.PASSWORD).block(TIMEOUT),
                            "minoro.lockout.max-failed-logins=2 locks after two failures");
                });
    }

    @Test
    void theSchemaIsMigratedAtStartupAndTheStartupWaitsForIt() {
        runner.withPropertyValues(url("migrated.db")).run(context -> {
            assertThat(context).hasNotFailed();
            MigrationStatus status = Minoro.migrationStatus(context.getBean(MinoroConfig.class).database()).block(TIMEOUT);
            assertTrue(status.upToDate(), status.toString());
        });
    }

    /** A bean that uses Minoro when it is destroyed, as an application's shutdown hook might. */
    static final class UsesMinoroAtShutdown implements DisposableBean {

        static final AtomicReference<Object> SAW_AT_SHUTDOWN = new AtomicReference<>();

        private final Minoro minoro;

        UsesMinoroAtShutdown(Minoro minoro) {
            this.minoro = minoro;
        }

        @Override
        public void destroy() {
            try {
                SAW_AT_SHUTDOWN.set(minoro.users().count().block(TIMEOUT));
            } catch (RuntimeException e) {
                SAW_AT_SHUTDOWN.set(e);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ShutdownUserConfiguration {

        @Bean
        UsesMinoroAtShutdown usesMinoroAtShutdown(Minoro minoro) {
            return new UsesMinoroAtShutdown(minoro);
        }
    }

    @Test
    void minoroClosesWhenTheContextClosesAfterTheBeansThatUseIt() {
        AtomicReference<Minoro> booted = new AtomicReference<>();
        runner.withPropertyValues(url("close.db"))
                .withUserConfiguration(ShutdownUserConfiguration.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    booted.set(context.getBean(Minoro.class));
                    assertEquals(0L, booted.get().users().count().block(TIMEOUT));
                });
        assertEquals(0L, UsesMinoroAtShutdown.SAW_AT_SHUTDOWN.get(),
                "Minoro was still open when the bean that uses it was destroyed");
        MinoroClosedException closed = assertThrows(MinoroClosedException.class,
                () -> booted.get().users().count().block(TIMEOUT));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    @Test
    void withoutAUrlTheStartupFailsNamingTheProperty() {
        runner.run(context -> {
            ConfigurationException e = assertInstanceOf(ConfigurationException.class, minoroFailure(context));
            assertTrue(e.getMessage().startsWith("minoro.database.url is not set:"), e.getMessage());
            FailureAnalysis analysis = analysis(context);
            assertEquals("Minoro could not start: " + e.getMessage(), analysis.getDescription());
            assertTrue(analysis.getAction().contains("minoro.* properties"), analysis.getAction());
        });
    }

    @Test
    void badValuesFailTheStartupNamingEachProperty() {
        runner.withPropertyValues(url("bad.db"), "minoro.lockout.max-failed-logins=0", "minoro.hashing.threads=0",
                "minoro.database.pool.max-size=4").run(context -> {
                    ConfigurationException e = assertInstanceOf(ConfigurationException.class, minoroFailure(context));
                    assertEquals("invalid Minoro properties:\n"
                            + "  - minoro.database.pool.max-size: poolSize applies to PostgreSQL only, but this database"
                            + " is SQLITE\n"
                            + "  - minoro.lockout.max-failed-logins: maxFailedLogins must be >= 1, was 0\n"
                            + "  - minoro.hashing.threads: hashingThreads must be >= 1, was 0", e.getMessage());
                });
    }

    @Test
    void aValueOfTheWrongTypeFailsTheBindingNamingTheProperty() {
        runner.withPropertyValues(url("type.db"), "minoro.lockout.duration=fortnight").run(context -> {
            assertThat(context).hasFailed();
            List<String> messages = new ArrayList<>();
            for (Throwable e = context.getStartupFailure(); e != null; e = e.getCause()) {
                messages.add(e.getMessage());
            }
            assertTrue(messages.stream().anyMatch(m -> m != null
                    && m.contains("Failed to bind properties under 'minoro.lockout.duration'")), messages.toString());
        });
    }

    @Test
    void anUnreachableDatabaseFailsTheStartupWithMinorosMessage() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        runner.withPropertyValues("minoro.database.url=postgres://app:s3cr3t-pw@127.0.0.1:" + closedPort
                        + "/app?sslmode=disable&connect_timeout=2",
                "minoro.database.pool.acquire-timeout=5s").run(context -> {
                    DatabaseException e = assertInstanceOf(DatabaseException.class, minoroFailure(context));
                    assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());
                    FailureAnalysis analysis = analysis(context);
                    assertFalse(analysis.getDescription().contains("s3cr3t-pw"), analysis.getDescription());
                    assertTrue(analysis.getAction().contains("reachable"), analysis.getAction());
                });
    }

    @Test
    void aSchemaTooNewFailsTheStartupWithMinorosMessage() {
        DatabaseConfig database = TestConfigs.sqliteFile(directory, "newer.db");
        int latest = Minoro.migrateDatabase(database).block(TIMEOUT).toVersion();
        RawSql.execute(database, "INSERT INTO minoro_migrations (version, name, checksum, compatible_from,"
                + " applied_at, execution_ms, applied_by) VALUES ($1, 'future', 'sha256:future', $1, 0, 0, 'test')",
                latest + 1);
        runner.withPropertyValues(url("newer.db")).run(context -> {
            SchemaTooNewException e = assertInstanceOf(SchemaTooNewException.class, minoroFailure(context));
            assertEquals(latest + 1, e.databaseVersion());
            assertTrue(e.getMessage().startsWith("the database schema is at version " + (latest + 1)), e.getMessage());
            FailureAnalysis analysis = analysis(context);
            assertEquals("Minoro could not start: " + e.getMessage(), analysis.getDescription());
            assertTrue(analysis.getAction().contains("newer Minoro"), analysis.getAction());
        });
    }

    @Test
    void withoutMigrationsAFreshDatabaseFailsTheStartup() {
        runner.withPropertyValues(url("fresh.db"), "minoro.database.run-migrations=false").run(context -> {
            assertInstanceOf(SchemaNotMigratedException.class, minoroFailure(context));
            assertTrue(analysis(context).getAction().contains("Minoro.migrateDatabase"), analysis(context).getAction());
        });
    }

    @Test
    void theFailureAnalyzerIsRegistered() throws IOException {
        List<String> analyzers = new ArrayList<>();
        for (URL factories : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
            Properties properties = new Properties();
            try (InputStream in = factories.openStream()) {
                properties.load(in);
            }
            analyzers.addAll(List.of(properties.getProperty("org.springframework.boot.diagnostics.FailureAnalyzer", "")
                    .split(",")));
        }
        assertTrue(analyzers.contains(MinoroStartupFailureAnalyzer.class.getName()), analyzers.toString());
    }

    @Test
    void theApplicationsOwnMinoroWinsAndNeedsNoProperties() {
        Minoro own = Minoro.create(TestConfigs.fast(TestConfigs.sqliteFile(directory, "own.db"),
                MutableClock.atFixedStart())).block(TIMEOUT);
        try {
            runner.withBean(Minoro.class, () -> own, definition -> definition.setDestroyMethodName(""))
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(Minoro.class)
                                .doesNotHaveBean(MinoroConfig.class).doesNotHaveBean(MinoroProperties.class)
                                .doesNotHaveBean(MinoroShutdown.class);
                        assertSame(own, context.getBean(Minoro.class));
                    });
            assertEquals(0L, own.users().count().block(TIMEOUT), "the auto-configuration closed a Minoro it did not make");
        } finally {
            own.close().block(TIMEOUT);
        }
    }

    @Test
    void theApplicationsOwnMinoroConfigIsUsedAsItIs() {
        MutableClock clock = MutableClock.atFixedStart();
        MinoroConfig own = TestConfigs.fast(TestConfigs.sqliteFile(directory, "config.db"), clock);
        runner.withBean(MinoroConfig.class, () -> own)
                .withBean(MinoroConfigCustomizer.class, () -> builder -> {
                    throw new AssertionError("a customizer ran on the application's own MinoroConfig");
                })
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(Minoro.class);
                    assertSame(own, context.getBean(MinoroConfig.class));
                    assertSame(clock, context.getBean(Minoro.class).clock());
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {

        static final MutableClock CLOCK = MutableClock.atFixedStart();

        @Bean
        @Order(2)
        MinoroConfigCustomizer second() {
            return builder -> builder.clock(CLOCK).maxFailedLogins(9);
        }

        @Bean
        @Order(1)
        MinoroConfigCustomizer first() {
            return builder -> builder.maxFailedLogins(8).hashingQueueCapacity(3);
        }
    }

    @Test
    void customizersChangeWhatThePropertiesSetInOrder() {
        runner.withPropertyValues(url("customized.db"), "minoro.lockout.max-failed-logins=4",
                        "minoro.hashing.queue-capacity=2")
                .withUserConfiguration(Customizers.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    MinoroConfig config = context.getBean(MinoroConfig.class);
                    assertEquals(9, config.maxFailedLogins(), "the later customizer wins");
                    assertEquals(3, config.hashingQueueCapacity());
                    assertSame(Customizers.CLOCK, context.getBean(Minoro.class).clock());
                });
    }

    @Test
    void aValueACustomizerSetsBadlyFailsTheStartup() {
        runner.withPropertyValues(url("bad-customizer.db"))
                .withBean(MinoroConfigCustomizer.class, () -> builder -> builder.maxFailedLogins(-1))
                .run(context -> {
                    ConfigurationException e = assertInstanceOf(ConfigurationException.class, minoroFailure(context));
                    assertEquals("maxFailedLogins must be >= 1, was -1", e.getMessage());
                    assertTrue(analysis(context).getAction().contains("MinoroConfigCustomizer"));
                });
    }
}
