package dev.minoro.internal.metrics;

import dev.minoro.MigrationReport;
import dev.minoro.User;
import dev.minoro.internal.auth.LoginEvents;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.password.HashingObserver;
import dev.minoro.internal.password.PasswordHasher;
import reactor.core.publisher.Mono;

/** Meters and observations together: the observation around the metered publisher. */
final class BothInstrumentations implements Instrumentation {

    private final Instrumentation outer;
    private final Instrumentation inner;

    BothInstrumentations(Instrumentation outer, Instrumentation inner) {
        this.outer = outer;
        this.inner = inner;
    }

    @Override
    public <T> Mono<T> boot(Mono<T> boot) {
        return outer.boot(inner.boot(boot));
    }

    @Override
    public Mono<MigrationReport> migration(Mono<MigrationReport> run) {
        return outer.migration(inner.migration(run));
    }

    @Override
    public Mono<User> login(LoginAttempt attempt, Mono<User> login) {
        return outer.login(attempt, inner.login(attempt, login));
    }

    /** The observations': meters time no hashing task (the hashing queue's gauges come from {@link #instance}). */
    @Override
    public HashingObserver hashing() {
        return outer.hashing();
    }

    @Override
    public Runnable instance(PasswordHasher hasher, Database database, LoginEvents loginEvents) {
        Runnable first = outer.instance(hasher, database, loginEvents);
        Runnable second = inner.instance(hasher, database, loginEvents);
        return () -> {
            first.run();
            second.run();
        };
    }
}
