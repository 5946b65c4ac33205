package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.MutableClock;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/**
 * The migration runs of boots on fresh databases, SQLite and PostgreSQL, in Micrometer: the first boot applies the
 * scripts (outcome {@code applied}, the scripts counted), a later one finds the schema ready ({@code up_to_date}), a
 * boot that may not migrate a fresh database fails ({@code not_migrated}); and the boot's observation is the child
 * of the one the subscriber's Reactor context holds.
 */
@ExtendWith(PostgresServer.class)
final class MicrometerMigrationIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void sqliteMigrationRunsAreTimedByOutcome() {
        migrationRunsAreTimedByOutcome(TestConfigs.sqliteFile(directory, "fresh.db"),
                TestConfigs.sqliteFile(directory, "other.db"), "sqlite");
    }

    @Test
    void postgresMigrationRunsAreTimedByOutcome(PostgresDatabase fresh, PostgresDatabase other) {
        migrationRunsAreTimedByOutcome(fresh.config(), other.config(), "postgres");
    }

    private static void migrationRunsAreTimedByOutcome(DatabaseConfig fresh, DatabaseConfig other, String type) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TestObservationRegistry observations = TestObservationRegistry.create();
        MinoroConfig config = TestConfigs.fast(fresh, MutableClock.atFixedStart()).toBuilder()
                .meterRegistry(meters).observationRegistry(observations).build();
        Observation request = Observation.start("http.server.requests", observations);

        Minoro first = Minoro.create(config)
                .contextWrite(Context.of("micrometer.observation", request)).block(TIMEOUT);
        first.close().block(TIMEOUT);
        request.stop();
        Minoro.create(config).block(TIMEOUT).close().block(TIMEOUT);
        Minoro.create(config.toBuilder().database(other.withRunMigrations(false)).build())
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertInstanceOf(SchemaNotMigratedException.class, e))
                .verify(TIMEOUT);

        int scripts = Minoro.migrationStatus(fresh).block(TIMEOUT).currentVersion();
        assertTrue(scripts >= 1);
        assertEquals(1, meters.get("minoro.migrations").tags("outcome", "applied", "database", type).timer().count());
        assertEquals(1, meters.get("minoro.migrations").tags("outcome", "up_to_date", "database", type).timer()
                .count());
        assertEquals(1, meters.get("minoro.migrations").tags("outcome", "not_migrated", "database", type).timer()
                .count());
        assertEquals(scripts, meters.get("minoro.migrations.applied").tag("database", type).counter().count());
        assertTrue(meters.get("minoro.migrations").tag("outcome", "applied").timer().totalTime(
                TimeUnit.NANOSECONDS) > 0);

        TestObservationRegistryAssert.assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo("minoro.boot", 3)
                .hasNumberOfObservationsWithNameEqualTo("minoro.migrate", 3)
                .hasAnObservation(observation -> observation.hasNameEqualTo("minoro.boot")
                        .hasParentObservationEqualTo(request)
                        .hasLowCardinalityKeyValue("outcome", "success")
                        .hasLowCardinalityKeyValue("database", type))
                .hasAnObservation(observation -> observation.hasNameEqualTo("minoro.migrate")
                        .hasLowCardinalityKeyValue("outcome", "applied"))
                .hasAnObservation(observation -> observation.hasNameEqualTo("minoro.boot")
                        .hasLowCardinalityKeyValue("outcome", "failed").hasError())
                .hasAnObservation(observation -> observation.hasNameEqualTo("minoro.migrate")
                        .hasLowCardinalityKeyValue("outcome", "not_migrated").hasError());
    }

    /**
     * {@code Minoro.migrateDatabase(MinoroConfig)}, a deployment script's migration, reports to the config's
     * registries as a boot's migration run does: timed by outcome, scripts counted, observed as {@code minoro.migrate}
     * (the child of the subscriber's observation); {@code migrateDatabase(DatabaseConfig)} has no registry to report to.
     */
    @Test
    void aDeploymentScriptsMigrationIsTimedCountedAndObserved() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TestObservationRegistry observations = TestObservationRegistry.create();
        DatabaseConfig database = TestConfigs.sqliteFile(directory, "script.db");
        MinoroConfig config = MinoroConfig.builder().database(database).meterRegistry(meters)
                .observationRegistry(observations).build();
        Observation job = Observation.start("deployment.job", observations);

        MigrationReport applied = Minoro.migrateDatabase(config)
                .contextWrite(Context.of("micrometer.observation", job)).block(TIMEOUT);
        job.stop();
        Minoro.migrateDatabase(config).block(TIMEOUT);

        assertTrue(applied.applied().size() >= 1);
        assertEquals(1, meters.get("minoro.migrations").tags("outcome", "applied", "database", "sqlite").timer()
                .count());
        assertEquals(1, meters.get("minoro.migrations").tags("outcome", "up_to_date", "database", "sqlite").timer()
                .count());
        assertEquals(applied.applied().size(), meters.get("minoro.migrations.applied").tag("database", "sqlite")
                .counter().count());
        assertTrue(meters.find("minoro.hashing.queued").gauges().isEmpty(), "no instance, no instance gauge");
        TestObservationRegistryAssert.assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo("minoro.migrate", 2)
                .hasNumberOfObservationsWithNameEqualTo("minoro.boot", 0)
                .hasAnObservation(observation -> observation.hasNameEqualTo("minoro.migrate")
                        .hasParentObservationEqualTo(job)
                        .hasLowCardinalityKeyValue("outcome", "applied")
                        .hasLowCardinalityKeyValue("database", "sqlite"))
                .hasAnObservation(observation -> observation.hasNameEqualTo("minoro.migrate")
                        .hasLowCardinalityKeyValue("outcome", "up_to_date"));
        Minoro.migrateDatabase((MinoroConfig) null).as(StepVerifier::create)
                .expectError(ConfigurationException.class).verify(TIMEOUT);
    }

    /** A boot cancelled before it completes stops its observations as cancelled and leaves none open. */
    @Test
    void aCancelledBootStopsItsObservation() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        MinoroConfig config = TestConfigs.fast(TestConfigs.sqliteFile(directory, "cancelled.db"),
                MutableClock.atFixedStart()).toBuilder().observationRegistry(observations).build();
        Minoro.create(config).as(StepVerifier::create).thenCancel().verify(TIMEOUT);

        TestObservationRegistryAssert.assertThat(observations)
                .hasObservationWithNameEqualTo("minoro.boot").that()
                .hasBeenStarted().hasBeenStopped().hasLowCardinalityKeyValue("outcome", "cancelled");
    }
}
