package dev.minoro.internal.metrics;

import dev.minoro.DatabaseType;
import dev.minoro.MigrationReport;
import dev.minoro.MinoroConfig;
import dev.minoro.User;
import dev.minoro.internal.auth.LoginEvents;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.password.HashingObserver;
import dev.minoro.internal.password.PasswordHasher;
import java.util.Locale;
import reactor.core.publisher.Mono;

/**
 * What Minoro reports to metrics and tracing: boots, migration runs, logins, password hashing, the hashing queue and
 * the PostgreSQL pool. {@link #of(MinoroConfig)} gives {@link #NONE}, which reports nothing and adds nothing to the
 * publishers it is handed, unless the config names a Micrometer registry; only then is {@link MicrometerMetrics}
 * (meters) or {@link MicrometerObservations} (observations), the only classes that name Micrometer types, loaded.
 */
public interface Instrumentation {

    /** Reports nothing; each method hands back what it was given. */
    Instrumentation NONE = new Instrumentation() {
    };

    /** The instrumentation {@code config} asks for: {@link #NONE} unless it holds a meter or observation registry. */
    static Instrumentation of(MinoroConfig config) {
        // Each Micrometer class is named only in its own branch: micrometer-observation may be there without
        // micrometer-core (a Spring application without the actuator), and neither need be.
        Object meters = config.meterRegistry();
        Object observations = config.observationRegistry();
        String database = tag(config.database().type());
        Instrumentation metrics = meters == null ? NONE
                : MicrometerMetrics.of(meters, database, config.metricsInstance());
        Instrumentation observed = observations == null ? NONE : MicrometerObservations.of(observations, database);
        if (metrics == NONE) {
            return observed;
        }
        return observed == NONE ? metrics : new BothInstrumentations(observed, metrics);
    }

    /** {@code boot}, the whole of one {@code Minoro.create}, observed as {@code minoro.boot}. */
    default <T> Mono<T> boot(Mono<T> boot) {
        return boot;
    }

    /**
     * {@code run}, one boot's migration run (the fast path's check included), timed by outcome and observed as
     * {@code minoro.migrate}.
     */
    default Mono<MigrationReport> migration(Mono<MigrationReport> run) {
        return run;
    }

    /**
     * {@code login}, one {@code authenticate} call, which records in {@code attempt} why it refused credentials:
     * counted and timed by outcome, and observed as {@code minoro.authenticate}.
     */
    default Mono<User> login(LoginAttempt attempt, Mono<User> login) {
        return login;
    }

    /** What the instance's password hasher reports its tasks to: observed as {@code minoro.password.hashing}. */
    default HashingObserver hashing() {
        return HashingObserver.NONE;
    }

    /**
     * Starts reporting the gauges of one running instance: its hashing queue, its dropped login events, and its
     * connection pool when it has one. The returned {@code Runnable} stops that (the instance closed); it is
     * idempotent.
     */
    default Runnable instance(PasswordHasher hasher, Database database, LoginEvents loginEvents) {
        return () -> {
        };
    }

    /** The tag value of {@code type}: {@code sqlite} or {@code postgres}. */
    static String tag(DatabaseType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
