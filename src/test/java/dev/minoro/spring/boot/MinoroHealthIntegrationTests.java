package dev.minoro.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.MigrationStatus;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * {@link MinoroHealthAutoConfiguration} and {@link MinoroHealthIndicator} on real SQLite files: when the indicator
 * is there, and what it reports for a healthy database, a schema that changed under the running application, a
 * closed instance. (A check that outlasts its timeout: {@link MinoroAutoConfigurationPostgresIntegrationTests}.)
 */
final class MinoroHealthIntegrationTests {

    private static final Duration TIMEOUT = MinoroAutoConfigurationIntegrationTests.TIMEOUT;

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MinoroAutoConfiguration.class, MinoroHealthAutoConfiguration.class))
            .withPropertyValues(MinoroAutoConfigurationIntegrationTests.CHEAP_HASHING);

    private String url(String file) {
        return "minoro.database.url=file:" + directory.resolve(file);
    }

    /** The one report of {@code indicator}, which must emit exactly one and complete within the timeout. */
    static Health health(ReactiveHealthIndicator indicator) {
        Health[] health = new Health[1];
        indicator.health().as(StepVerifier::create).consumeNextWith(h -> health[0] = h).expectComplete()
                .verify(TIMEOUT);
        return health[0];
    }

    @Test
    void aHealthyDatabaseIsUpWithItsSchemaVersions() {
        runner.withPropertyValues(url("healthy.db")).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(MinoroHealthIndicator.class)
                    .hasBean("minoroHealthIndicator");
            int latest = Minoro.migrationStatus(context.getBean(MinoroConfig.class).database()).block(TIMEOUT)
                    .latestVersion();
            Health health = health(context.getBean(MinoroHealthIndicator.class));
            assertEquals(Status.UP, health.getStatus(), health.toString());
            assertEquals(Map.of("database", DatabaseType.SQLITE, "schemaVersion", latest, "latestVersion", latest,
                    "pendingMigrations", List.of()), health.getDetails());
        });
    }

    @Test
    void aSchemaMigratedByANewerIncompatibleMinoroIsDown() {
        runner.withPropertyValues(url("newer.db")).run(context -> {
            DatabaseConfig database = context.getBean(MinoroConfig.class).database();
            MinoroHealthIndicator indicator = context.getBean(MinoroHealthIndicator.class);
            int latest = Minoro.migrationStatus(database).block(TIMEOUT).latestVersion();
            RawSql.execute(database, "INSERT INTO minoro_migrations (version, name, checksum, compatible_from,"
                    + " applied_at, execution_ms, applied_by) VALUES ($1, 'future', 'sha256:future', $1, 0, 0, 'test')",
                    latest + 1);
            Health down = health(indicator);
            assertEquals(Status.DOWN, down.getStatus(), down.toString());
            String error = String.valueOf(down.getDetails().get("error"));
            assertTrue(error.startsWith("dev.minoro.SchemaTooNewException: the database schema is at version "
                    + (latest + 1)), error);

            RawSql.execute(database, "UPDATE minoro_migrations SET compatible_from = $1 WHERE version = $2", latest,
                    latest + 1);
            Health compatible = health(indicator);
            assertEquals(Status.UP, compatible.getStatus(), "a newer schema that declares itself compatible runs");
            assertEquals(latest + 1, compatible.getDetails().get("schemaVersion"));
            assertEquals(latest, compatible.getDetails().get("latestVersion"));
        });
    }

    @Test
    void aDatabaseWhoseMigrationsAreGoneIsDown() {
        runner.withPropertyValues(url("replaced.db")).run(context -> {
            DatabaseConfig database = context.getBean(MinoroConfig.class).database();
            MigrationStatus status = Minoro.migrationStatus(database).block(TIMEOUT);
            RawSql.execute(database, "DELETE FROM minoro_migrations");
            Health health = health(context.getBean(MinoroHealthIndicator.class));
            assertEquals(Status.DOWN, health.getStatus(), health.toString());
            assertEquals(0, health.getDetails().get("schemaVersion"));
            assertEquals(status.latestVersion(), ((List<?>) health.getDetails().get("pendingMigrations")).size());
            assertTrue(String.valueOf(health.getDetails().get("error")).contains("pending"), health.toString());
        });
    }

    @Test
    void aClosedMinoroIsDown() {
        DatabaseConfig database = TestConfigs.sqliteFile(directory, "closed.db");
        Minoro minoro = Minoro.create(TestConfigs.fast(database, MutableClock.atFixedStart())).block(TIMEOUT);
        MinoroHealthIndicator indicator = new MinoroHealthIndicator(minoro, database, Duration.ofSeconds(10));
        assertEquals(Status.UP, health(indicator).getStatus());
        minoro.close().block(TIMEOUT);
        Health health = health(indicator);
        assertEquals(Status.DOWN, health.getStatus());
        assertTrue(String.valueOf(health.getDetails().get("error")).startsWith("dev.minoro.MinoroClosedException"),
                health.toString());
    }

    @Test
    void anInMemoryDatabaseIsCheckedThroughItsInstanceOnly() {
        runner.withPropertyValues("minoro.database.url=file::memory:").run(context -> {
            Health health = health(context.getBean(MinoroHealthIndicator.class));
            assertEquals(Status.UP, health.getStatus(), health.toString());
            assertEquals("checked at startup: an in-memory database is seen by its instance only",
                    health.getDetails().get("schema"));
        });
    }

    @Test
    void theApplicationsOwnMinoroIsCheckedWithoutItsSchema() {
        Minoro own = Minoro.create(TestConfigs.fast(TestConfigs.sqliteFile(directory, "own.db"),
                MutableClock.atFixedStart())).block(TIMEOUT);
        try {
            runner.withBean(Minoro.class, () -> own, d -> d.setDestroyMethodName("")).run(context -> {
                Health health = health(context.getBean(MinoroHealthIndicator.class));
                assertEquals(Status.UP, health.getStatus());
                assertEquals(Map.of("schema", "not checked: no MinoroConfig bean"), health.getDetails());
            });
        } finally {
            own.close().block(TIMEOUT);
        }
    }

    @Test
    void theIndicatorCanBeTurnedOff() {
        runner.withPropertyValues(url("off.db"), "management.health.minoro.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MinoroHealthIndicator.class));
        runner.withPropertyValues(url("defaults-off.db"), "management.health.defaults.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MinoroHealthIndicator.class));
        runner.withPropertyValues(url("only-minoro.db"), "management.health.defaults.enabled=false",
                        "management.health.minoro.enabled=true")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(MinoroHealthIndicator.class));
    }

    @Test
    void withoutSpringBootsHealthSupportThereIsNone() {
        runner.withPropertyValues(url("no-actuator.db"))
                .withClassLoader(new FilteredClassLoader(ReactiveHealthIndicator.class))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Minoro.class)
                        .doesNotHaveBean(MinoroHealthIndicator.class));
    }

    @Test
    void theApplicationsOwnIndicatorWins() {
        ReactiveHealthIndicator own = () -> Mono.just(Health.outOfService().build());
        runner.withPropertyValues(url("own-indicator.db"))
                .withBean("minoroHealthIndicator", ReactiveHealthIndicator.class, () -> own)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(MinoroHealthIndicator.class);
                    assertThat(context.getBean("minoroHealthIndicator")).isSameAs(own);
                });
    }
}
