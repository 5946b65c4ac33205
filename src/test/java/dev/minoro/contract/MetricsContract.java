package dev.minoro.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.AccountDisabledException;
import dev.minoro.AccountLockedException;
import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseType;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.InvalidInputException;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.OverloadedException;
import dev.minoro.User;
import dev.minoro.testing.HashingGate;
import dev.minoro.testing.TestConfigs;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Minoro's meters and observations, for every database, with Micrometer's {@link SimpleMeterRegistry} and
 * {@link TestObservationRegistry}: each login outcome counted, timed and observed apart; the hashing queue's gauges
 * and rejections; the connection pool's gauges where there is a pool; every gauge gone when the instance closes; and
 * no tag or key value that carries an email or anything else a caller typed.
 */
public interface MetricsContract extends MinoroFixture {

    /** Every login outcome, each counted, timed and observed with its own tag value. */
    @Test
    default void eachLoginOutcomeIsCountedTimedAndObservedApart() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TestObservationRegistry observations = TestObservationRegistry.create();
        List<Observation.Context> stopped = recordStopped(observations);
        Minoro minoro = another(b -> b.meterRegistry(meters).observationRegistry(observations));
        user("ada@example.com");
        User disabled = user("disabled@example.com");
        minoro.users().setDisabled(disabled.id(), true).block(TIMEOUT);
        user("locked@example.com");

        expect(minoro.authenticate("ada@example.com", TestConfigs.PASSWORD), null);
        expect(minoro.authenticate("ada@example.com", "a wrong password"), InvalidCredentialsException.class);
        expect(minoro.authenticate("nobody@example.com", TestConfigs.PASSWORD), InvalidCredentialsException.class);
        expect(minoro.authenticate("not an email", TestConfigs.PASSWORD), InvalidCredentialsException.class);
        expect(minoro.authenticate("disabled@example.com", TestConfigs.PASSWORD), AccountDisabledException.class);
        for (int i = 1; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
            expect(minoro.authenticate("locked@example.com", "a wrong password"), InvalidCredentialsException.class);
        }
        // the last failure allowed locks the account, and so does the next login, right password or not
        expect(minoro.authenticate("locked@example.com", "a wrong password"), AccountLockedException.class);
        expect(minoro.authenticate("locked@example.com", TestConfigs.PASSWORD), AccountLockedException.class);
        expect(minoro.authenticate("ada@example.com", null), InvalidInputException.class);

        Map<String, Integer> expected = Map.of("success", 1, "wrong_password", TestConfigs.MAX_FAILED_LOGINS,
                "unknown_email", 2, "disabled", 1, "locked", 2, "invalid_input", 1, "overloaded", 0, "error", 0,
                "cancelled", 0);
        expected.forEach((outcome, count) -> {
            assertEquals(count.doubleValue(), meters.get("minoro.logins").tag("outcome", outcome).counter().count(),
                    outcome);
            assertEquals(count.longValue(), meters.get("minoro.authentication").tag("outcome", outcome).timer()
                    .count(), outcome);
        });
        int logins = expected.values().stream().mapToInt(Integer::intValue).sum();
        TestObservationRegistryAssert.assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo("minoro.authenticate", logins)
                .forAllObservationsWithNameEqualTo("minoro.authenticate", observation -> observation
                        .hasLowCardinalityKeyValue("database", databaseTag()).doesNotHaveError());
        expected.forEach((outcome, count) -> assertEquals(count.longValue(), stopped.stream()
                .filter(context -> context.getName().equals("minoro.authenticate")
                        && outcome.equals(value(context, "outcome")))
                .count(), outcome));
        assertNoPersonalData(meters, stopped);
    }

    /**
     * A boot on an up-to-date database: one migration run with the outcome {@code up_to_date} and nothing applied,
     * observed as {@code minoro.migrate} inside {@code minoro.boot}.
     */
    @Test
    default void aBootsMigrationRunIsTimedAndObservedInsideTheBoot() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TestObservationRegistry observations = TestObservationRegistry.create();
        List<Observation.Context> stopped = recordStopped(observations);
        another(b -> b.meterRegistry(meters).observationRegistry(observations));

        assertEquals(1, meters.get("minoro.migrations").tag("outcome", "up_to_date").tag("database", databaseTag())
                .timer().count());
        assertEquals(0, meters.get("minoro.migrations.applied").counter().count());
        TestObservationRegistryAssert.assertThat(observations)
                .hasObservationWithNameEqualTo("minoro.boot").that().hasBeenStopped()
                .hasLowCardinalityKeyValue("outcome", "success");
        Observation.Context migrate = stopped.stream().filter(c -> c.getName().equals("minoro.migrate")).findFirst()
                .orElseThrow();
        assertEquals("up_to_date", value(migrate, "outcome"));
        assertEquals("minoro.boot", migrate.getParentObservation().getContextView().getName());
        assertNoPersonalData(meters, stopped);
    }

    /**
     * Each task of a hashing thread is observed as {@code minoro.password.hashing}, the child of the login that asked
     * for it, with a {@code minoro.password.argon2} event per Argon2 computation: here a wrong password and the right
     * one, a task and a computation each.
     */
    @Test
    default void eachHashingTaskIsObservedInsideItsLoginWithItsArgon2Computations() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        List<Observation.Context> stopped = recordStopped(observations);
        List<String> events = new CopyOnWriteArrayList<>();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return context.getName().equals("minoro.password.hashing");
            }

            @Override
            public void onEvent(Observation.Event event, Observation.Context context) {
                events.add(event.getName());
            }
        });
        Minoro minoro = another(b -> b.observationRegistry(observations));
        user("ada@example.com");

        expect(minoro.authenticate("ada@example.com", "a wrong password"), InvalidCredentialsException.class);
        expect(minoro.authenticate("ada@example.com", TestConfigs.PASSWORD), null);

        List<Observation.Context> hashing = stopped.stream()
                .filter(c -> c.getName().equals("minoro.password.hashing")).toList();
        assertEquals(2, hashing.size(), "one verification per login");
        for (Observation.Context task : hashing) {
            assertEquals("minoro.authenticate", task.getParentObservation().getContextView().getName());
            assertEquals(databaseTag(), value(task, "database"));
            assertNull(task.getError());
        }
        assertEquals(List.of("minoro.password.argon2", "minoro.password.argon2"), events);
        assertNoPersonalData(new SimpleMeterRegistry(), stopped);
    }

    /**
     * The hashing queue's gauges while one hash runs and one waits, and the refused login that the full queue turns
     * away, counted as a rejection and as the {@code overloaded} outcome.
     */
    @Test
    default void theHashingQueueIsGaugedAndItsRejectionsCounted() throws InterruptedException {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        HashingGate gate = HashingGate.holdingFirst(1);
        Minoro minoro = another(b -> b.meterRegistry(meters).hashingThreads(1).hashingQueueCapacity(1), gate);
        user("held@example.com");
        StepVerifier held;
        StepVerifier queued;
        try {
            held = minoro.authenticate("held@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                    .expectNextCount(1).expectComplete().verifyLater();
            gate.awaitHeld(1, TIMEOUT);
            queued = minoro.users().create(NewUser.of("queued@example.com", TestConfigs.PASSWORD))
                    .as(StepVerifier::create).expectNextCount(1).expectComplete().verifyLater();
            awaitValue(1, () -> meters.get("minoro.hashing.queued").gauge().value(), "minoro.hashing.queued");

            expect(minoro.authenticate("refused@example.com", TestConfigs.PASSWORD), OverloadedException.class);

            assertEquals(1, meters.get("minoro.hashing.active").gauge().value());
            assertEquals(2, meters.get("minoro.hashing.admitted").gauge().value());
            assertEquals(1, meters.get("minoro.hashing.rejections").functionCounter().count());
            assertEquals(1, meters.get("minoro.logins").tag("outcome", "overloaded").counter().count());
        } finally {
            gate.release();
        }
        held.verify(TIMEOUT);
        queued.verify(TIMEOUT);
        awaitValue(0, () -> meters.get("minoro.hashing.admitted").gauge().value(), "minoro.hashing.admitted");
        assertEquals(0, meters.get("minoro.hashing.queued").gauge().value());
    }

    /**
     * PostgreSQL's pool reports its gauges through r2dbc-pool's metrics; SQLite has no pool and no pool gauge. Every
     * gauge of the instance goes when it closes, so that the registry holds nothing of a closed instance.
     */
    @Test
    default void thePoolIsGaugedWhereThereIsOneAndEveryGaugeGoesAtClose() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Minoro minoro = another(b -> b.meterRegistry(meters));
        minoro.users().count().block(TIMEOUT);
        if (database().type() == DatabaseType.POSTGRES) {
            assertEquals(database().poolMaxSize(), meters.get("minoro.pool.max.allocated").gauge().value());
            assertTrue(meters.get("minoro.pool.allocated").gauge().value() >= 1, "a connection was opened");
            assertEquals(0, meters.get("minoro.pool.acquired").gauge().value(), "none is lent out now");
            assertEquals(0, meters.get("minoro.pool.pending").gauge().value());
            double idle = meters.get("minoro.pool.idle").gauge().value();
            assertEquals(meters.get("minoro.pool.allocated").gauge().value(), idle, "every open connection is idle");
            assertTrue(meters.get("minoro.pool.max.pending").gauge().value() != 0);
        } else {
            assertNull(meters.find("minoro.pool.acquired").gauge(), "no pool, no pool gauge");
        }
        assertThat(meters.find("minoro.hashing.queued").gauge()).isNotNull();

        minoro.close().block(TIMEOUT);

        assertThat(meters.getMeters()).extracting(meter -> meter.getId().getName())
                .noneMatch(name -> name.startsWith("minoro.pool.") || name.startsWith("minoro.hashing."));
        // the counters and timers stay: they tell what happened, not what is
        assertThat(meters.find("minoro.logins").counters()).isNotEmpty();
    }

    /**
     * A registry keeps one gauge per name and tags: two instances running at once in one registry report their
     * gauges apart by their {@code instance} tag, a second one under a name already reporting is refused at boot
     * (the first keeps reporting), and closing one removes only its own gauges.
     */
    @Test
    default void twoRunningInstancesInOneRegistryReportTheirGaugesApartByName() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Minoro first = another(b -> b.meterRegistry(meters));
        try {
            Throwable refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> another(b -> b.meterRegistry(meters)).close().block(TIMEOUT));
            assertInstanceOf(ConfigurationException.class, refused, refused::toString);
            assertTrue(refused.getMessage().contains("metricsInstance"), refused::getMessage);
            Minoro second = another(b -> b.meterRegistry(meters).metricsInstance("second"));
            try {
                assertThat(meters.find("minoro.hashing.queued").gauges())
                        .extracting(gauge -> gauge.getId().getTag("instance"))
                        .containsExactlyInAnyOrder("minoro", "second");
                if (database().type() == DatabaseType.POSTGRES) {
                    assertThat(meters.find("minoro.pool.allocated").gauges())
                            .extracting(gauge -> gauge.getId().getTag("instance"))
                            .containsExactlyInAnyOrder("minoro", "second");
                }
            } finally {
                second.close().block(TIMEOUT);
            }
            assertThat(meters.find("minoro.hashing.queued").gauges())
                    .extracting(gauge -> gauge.getId().getTag("instance")).containsExactly("minoro");
            // the refused boot left nothing running: its name is free for the next once the first closes
        } finally {
            first.close().block(TIMEOUT);
        }
        another(b -> b.meterRegistry(meters)).close().block(TIMEOUT);
        assertThat(meters.find("minoro.hashing.queued").gauges()).isEmpty();
    }

    private String databaseTag() {
        return database().type().name().toLowerCase(Locale.ROOT);
    }

    /** Collects every observation context that {@code observations} stops, for checks over all of them. */
    private static List<Observation.Context> recordStopped(TestObservationRegistry observations) {
        List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }
        });
        return stopped;
    }

    private static String value(Observation.Context context, String key) {
        KeyValue value = context.getLowCardinalityKeyValue(key);
        return value == null ? "(none)" : value.getValue();
    }

    /**
     * No meter tag and no observation key value carries personal data: every value comes from the closed sets Minoro
     * documents, there are no high-cardinality key values, and no value contains an email's {@code @}.
     */
    private static void assertNoPersonalData(MeterRegistry meters, List<Observation.Context> stopped) {
        Set<String> outcomes = Set.of("success", "wrong_password", "unknown_email", "locked", "disabled", "password_expired",
                "overloaded", "invalid_input", "error", "cancelled", "up_to_date", "applied", "not_migrated",
                "too_new", "checksum_mismatch", "failed");
        Set<String> databases = Set.of("sqlite", "postgres");
        for (Meter meter : meters.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                // instance: the name the config gave (MinoroConfig.Builder.metricsInstance), never an input
                assertTrue(tag.getKey().equals("outcome") && outcomes.contains(tag.getValue())
                        || tag.getKey().equals("database") && databases.contains(tag.getValue())
                        || tag.getKey().equals("instance") && tag.getValue().equals(MinoroConfig.DEFAULT_METRICS_INSTANCE),
                        "an unexpected tag on " + meter.getId());
            }
        }
        assertTrue(!stopped.isEmpty());
        for (Observation.Context context : stopped) {
            assertEquals(List.of(), List.copyOf(context.getHighCardinalityKeyValues().stream().toList()),
                    context.getName());
            for (KeyValue value : context.getLowCardinalityKeyValues()) {
                assertTrue(value.getKey().equals("outcome") && outcomes.contains(value.getValue())
                        || value.getKey().equals("database") && databases.contains(value.getValue()),
                        "an unexpected key value on " + context.getName() + ": " + value);
            }
            assertTrue(!String.valueOf(context.getContextualName()).contains("@"), context.getContextualName());
        }
    }

    /** Subscribes and waits: completes with a value when {@code error} is null, else fails with that type. */
    private static void expect(Mono<User> login, Class<? extends Throwable> error) {
        if (error == null) {
            login.as(StepVerifier::create).expectNextCount(1).verifyComplete();
        } else {
            login.as(StepVerifier::create).expectErrorSatisfies(e -> assertInstanceOf(error, e)).verify(TIMEOUT);
        }
    }

    /** Waits, at most {@link #TIMEOUT}, for a gauge that other threads move to read {@code expected}. */
    private static void awaitValue(double expected, DoubleSupplier gauge, String name) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (gauge.getAsDouble() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not reach " + expected + " within " + TIMEOUT + ": "
                        + gauge.getAsDouble());
            }
            Thread.sleep(5);
        }
    }
}
