package dev.minoro.internal.metrics;

import dev.minoro.LoginOutcome;
import dev.minoro.MigrationReport;
import dev.minoro.User;
import dev.minoro.internal.password.HashingObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Minoro's observations in a Micrometer {@link ObservationRegistry}, from which its handlers make tracing spans (and
 * timers, with a meter handler): {@code minoro.boot} around each {@code Minoro.create}, {@code minoro.migrate} around
 * its migration run, {@code minoro.authenticate} around each login, {@code minoro.password.hashing} around each task of
 * a hashing thread (one hash or verification, with an event {@code minoro.password.argon2} per Argon2 computation).
 * Each is the child of the observation in the subscriber's Reactor context (as Spring WebFlux puts a request's there),
 * and the parent of those it wraps. Key values come from closed sets only ({@code database}, {@code outcome}): no
 * email, no input.
 */
final class MicrometerObservations implements Instrumentation {

    /**
     * Where Micrometer's context propagation ({@code ObservationThreadLocalAccessor.KEY}) and Spring keep the current
     * observation in a Reactor context; a literal, since that class needs the context-propagation library.
     */
    static final String CONTEXT_KEY = "micrometer.observation";
    static final String BOOT = "minoro.boot";
    static final String MIGRATE = "minoro.migrate";
    static final String AUTHENTICATE = "minoro.authenticate";
    static final String HASHING = "minoro.password.hashing";
    static final Observation.Event ARGON2 = Observation.Event.of("minoro.password.argon2", "argon2");
    private static final String OUTCOME = "outcome";

    private final ObservationRegistry registry;
    private final String database;

    private MicrometerObservations(ObservationRegistry registry, String database) {
        this.registry = registry;
        this.database = database;
    }

    /**
     * {@code registry}, an {@code ObservationRegistry}, for an instance on the database type tagged {@code database}.
     */
    static Instrumentation of(Object registry, String database) {
        return new MicrometerObservations((ObservationRegistry) registry, database);
    }

    @Override
    public <T> Mono<T> boot(Mono<T> boot) {
        return observed(BOOT, "minoro boot", boot, value -> "success", e -> "failed", true);
    }

    @Override
    public Mono<MigrationReport> migration(Mono<MigrationReport> run) {
        return observed(MIGRATE, "minoro migrate", run,
                report -> (report == null ? MigrationOutcome.FAILED : MigrationOutcome.of(report)).tag(),
                e -> MigrationOutcome.ofFailure(e).tag(), true);
    }

    @Override
    public Mono<User> login(LoginAttempt attempt, Mono<User> login) {
        // A refused login is an answer, not a fault: only an unexpected failure marks the observation as failed.
        return observed(AUTHENTICATE, "minoro authenticate", login,
                user -> LoginAttempt.ofSuccess(user).tag(),
                e -> attempt.ofFailure(e).tag(), false);
    }

    @Override
    public HashingObserver hashing() {
        return new HashingObserver() {
            @Override
            public <T> T task(ContextView subscriber, Callable<T> work) throws Exception {
                // Started, and in scope, on the hashing thread, so that argon2Started finds it there.
                return child(HASHING, "minoro password hashing", subscriber).observeChecked(work::call);
            }

            @Override
            public void argon2Started() {
                Observation task = registry.getCurrentObservation();
                if (task != null) {
                    task.event(ARGON2);
                }
            }
        };
    }

    /** A new observation named {@code name}, the child of the one in {@code subscriber}'s context if any. */
    private Observation child(String name, String contextualName, ContextView subscriber) {
        Observation observation = Observation.createNotStarted(name, registry)
                .contextualName(contextualName)
                .lowCardinalityKeyValue("database", database);
        Object parent = subscriber.getOrDefault(CONTEXT_KEY, null);
        if (parent instanceof Observation) {
            observation.parentObservation((Observation) parent);
        }
        return observation;
    }

    /**
     * {@code work} inside a started observation named {@code name}, stopped with the {@code outcome} key value that
     * {@code success} or {@code failure} gives (or {@code cancelled}).
     *
     * @param errorsAreFaults whether every error is recorded as the observation's error, or only those whose outcome
     *                        is {@code error}
     */
    private <T> Mono<T> observed(String name, String contextualName, Mono<T> work,
            Function<@Nullable T, String> success, Function<Throwable, String> failure, boolean errorsAreFaults) {
        return Mono.deferContextual(context -> {
            Observation observation = child(name, contextualName, context);
            observation.start();
            AtomicBoolean stopped = new AtomicBoolean();
            return work
                    .doOnSuccess(value -> stop(observation, stopped, success.apply(value), null))
                    .doOnError(e -> {
                        String outcome = failure.apply(e);
                        stop(observation, stopped, outcome,
                                errorsAreFaults || outcome.equals(LoginOutcome.ERROR.tag()) ? e : null);
                    })
                    .doOnCancel(() -> stop(observation, stopped, LoginOutcome.CANCELLED.tag(), null))
                    .contextWrite(inner -> inner.put(CONTEXT_KEY, observation));
        });
    }

    private static void stop(Observation observation, AtomicBoolean stopped, String outcome,
            @Nullable Throwable error) {
        if (stopped.compareAndSet(false, true)) {
            observation.lowCardinalityKeyValue(OUTCOME, outcome);
            if (error != null) {
                observation.error(error);
            }
            observation.stop();
        }
    }
}
