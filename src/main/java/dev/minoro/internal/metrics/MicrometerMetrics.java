package dev.minoro.internal.metrics;

import dev.minoro.ConfigurationException;
import dev.minoro.LoginOutcome;
import dev.minoro.MigrationReport;
import dev.minoro.User;
import dev.minoro.internal.auth.LoginEvents;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.password.HashingScheduler;
import dev.minoro.internal.password.PasswordHasher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.r2dbc.pool.PoolMetrics;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;
import reactor.core.publisher.Mono;

/**
 * Minoro's meters in a Micrometer {@link MeterRegistry}; the README's metrics table lists them. Every tag value comes
 * from a closed set (an outcome, the database type), never from an input: no email reaches a meter.
 */
final class MicrometerMetrics implements Instrumentation {

    static final String LOGINS = "minoro.logins";
    static final String LOGIN_EVENTS_DROPPED = "minoro.login.events.dropped";
    static final String AUTHENTICATION = "minoro.authentication";
    static final String MIGRATIONS = "minoro.migrations";
    static final String MIGRATIONS_APPLIED = "minoro.migrations.applied";
    static final String HASHING = "minoro.hashing.";
    static final String POOL = "minoro.pool.";

    private final MeterRegistry registry;
    private final String database;
    private final String instance;
    private final Map<LoginOutcome, Counter> logins = new EnumMap<>(LoginOutcome.class);
    private final Map<LoginOutcome, Timer> loginTimes = new EnumMap<>(LoginOutcome.class);

    private MicrometerMetrics(MeterRegistry registry, String database, String instance) {
        this.registry = registry;
        this.database = database;
        this.instance = instance;
        // Every outcome from the start, at zero, so that a rate over any of them is defined before it first happens.
        for (LoginOutcome outcome : LoginOutcome.values()) {
            logins.put(outcome, Counter.builder(LOGINS).tag("outcome", outcome.tag())
                    .description("authenticate calls, by outcome").register(registry));
            loginTimes.put(outcome, Timer.builder(AUTHENTICATION).tag("outcome", outcome.tag())
                    .description("how long authenticate calls took, by outcome").register(registry));
        }
    }

    /**
     * {@code registry}, a {@code MeterRegistry}, for an instance on the database type tagged {@code database}, whose
     * gauges are tagged {@code instance}.
     */
    static Instrumentation of(Object registry, String database, String instance) {
        return new MicrometerMetrics((MeterRegistry) registry, database, instance);
    }

    @Override
    public Mono<MigrationReport> migration(Mono<MigrationReport> run) {
        return Mono.defer(() -> {
            Timer.Sample sample = Timer.start(registry);
            return run.doOnSuccess(report -> {
                MigrationOutcome outcome = report == null ? MigrationOutcome.FAILED : MigrationOutcome.of(report);
                sample.stop(migrationTimer(outcome));
                if (report != null) {
                    Counter.builder(MIGRATIONS_APPLIED).tag("database", database)
                            .description("migrations (scripts) applied by boots and migrateDatabase")
                            .register(registry)
                            .increment(report.applied().size());
                }
            }).doOnError(e -> sample.stop(migrationTimer(MigrationOutcome.ofFailure(e))));
        });
    }

    private Timer migrationTimer(MigrationOutcome outcome) {
        return Timer.builder(MIGRATIONS).tag("outcome", outcome.tag()).tag("database", database)
                .description("migration runs of boots and migrateDatabase (the up-to-date check included), by outcome")
                .register(registry);
    }

    @Override
    public Mono<User> login(LoginAttempt attempt, Mono<User> login) {
        return Mono.defer(() -> {
            Timer.Sample sample = Timer.start(registry);
            AtomicBoolean recorded = new AtomicBoolean();
            return login
                    .doOnSuccess(user -> record(LoginAttempt.ofSuccess(user), sample,
                            recorded))
                    .doOnError(e -> record(attempt.ofFailure(e), sample, recorded))
                    .doOnCancel(() -> record(LoginOutcome.CANCELLED, sample, recorded));
        });
    }

    private void record(LoginOutcome outcome, Timer.Sample sample, AtomicBoolean recorded) {
        if (recorded.compareAndSet(false, true)) {
            logins.get(outcome).increment();
            sample.stop(loginTimes.get(outcome));
        }
    }

    /**
     * Registers the instance's gauges, tagged {@code instance}; fails with {@link ConfigurationException} when
     * another running instance reports to the registry under the same name, whose gauges the registry would
     * otherwise keep in place of these.
     */
    @Override
    public Runnable instance(PasswordHasher hasher, Database database, LoginEvents loginEvents) {
        // one check-then-register at a time per registry: two instances booting at once cannot both pass
        synchronized (registry) {
            if (registry.find(HASHING + "queued").tag("instance", instance).gauge() != null) {
                throw new ConfigurationException("another running Minoro instance reports its gauges to this"
                        + " MeterRegistry as instance \"" + instance + "\"; give each instance sharing a registry its"
                        + " own name with MinoroConfig.Builder.metricsInstance(String)");
            }
            return register(hasher, database, loginEvents);
        }
    }

    private Runnable register(PasswordHasher hasher, Database database, LoginEvents loginEvents) {
        List<Meter> meters = new ArrayList<>();
        HashingScheduler hashing = hasher.scheduler();
        meters.add(gauge(HASHING + "queued", hashing, HashingScheduler::queued,
                "password hashes and verifications waiting for a hashing thread"));
        meters.add(gauge(HASHING + "active", hashing, HashingScheduler::running,
                "password hashes and verifications running on a hashing thread"));
        meters.add(gauge(HASHING + "admitted", hashing, HashingScheduler::admitted,
                "calls holding a place in the hashing queue; at hashingThreads + hashingQueueCapacity, new ones are"
                        + " refused with OverloadedException"));
        meters.add(FunctionCounter.builder(HASHING + "rejections", hashing, HashingScheduler::rejected)
                .tag("instance", instance)
                .description("calls refused with OverloadedException: hashing was at capacity")
                .register(registry));
        meters.add(FunctionCounter.builder(LOGIN_EVENTS_DROPPED, loginEvents, LoginEvents::dropped)
                .tag("instance", instance)
                .description("login events dropped for a subscriber of Minoro.loginEvents() whose buffer was full")
                .register(registry));
        database.poolMetrics().ifPresent(pool -> {
            meters.add(poolGauge("acquired", pool, PoolMetrics::acquiredSize, "connections lent out"));
            meters.add(poolGauge("allocated", pool, PoolMetrics::allocatedSize, "connections open, idle or lent out"));
            meters.add(poolGauge("idle", pool, PoolMetrics::idleSize, "connections open and idle"));
            meters.add(poolGauge("pending", pool, PoolMetrics::pendingAcquireSize,
                    "calls waiting for a connection"));
            meters.add(poolGauge("max.allocated", pool, PoolMetrics::getMaxAllocatedSize,
                    "the most connections the pool opens"));
            meters.add(poolGauge("max.pending", pool, PoolMetrics::getMaxPendingAcquireSize,
                    "the most calls that may wait for a connection"));
        });
        AtomicBoolean removed = new AtomicBoolean();
        return () -> {
            if (removed.compareAndSet(false, true)) {
                meters.forEach(registry::remove);
            }
        };
    }

    private <T> Gauge gauge(String name, T source, ToDoubleFunction<T> value, String description) {
        // A strong reference: the instance's gauges live until it closes, which removes them. No base unit: each
        // name says what it counts, and Prometheus would append the unit to it.
        return Gauge.builder(name, source, value).tag("instance", instance).description(description)
                .strongReference(true).register(registry);
    }

    private Gauge poolGauge(String name, PoolMetrics pool, ToDoubleFunction<PoolMetrics> value, String description) {
        return gauge(POOL + name, pool, value, "PostgreSQL connection pool: " + description);
    }
}
