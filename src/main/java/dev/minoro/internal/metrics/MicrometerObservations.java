package dev.minoro.internal.metrics;

import dev.minoro.LoginOutcome;

import dev.minoro.MigrationReport;
import dev.minoro.User;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Minoro's observations in a Micrometer {@link ObservationRegistry}, from which its handlers make tracing spans (and
 * timers, with a meter handler): {@code minoro.boot} around each {@code Minoro.create}, {@code minoro.migrate} around
 * its migration run, {@code minoro.authenticate} around each login. Each is the child of the observation in the
 * subscriber's Reactor context (as Spring WebFlux puts a request's there), and the parent of those it wraps. Key
 * values come from closed sets only ({@code database}, {@code outcome}): no email, no input.
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
    private static final String OUTCOME = "outcome";

    private final ObservationRegistry registry;
    private final String database;

    private MicrometerObservations(ObservationRegistry registry, String database) {
        this.registry = registry;
        this.database = database;
    }

    /** {@code registry}, an {@code ObservationRegistry}, for an instance on the database type tagged {@code database}. */
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
            Observation observation = Observation.createNotStarted(name, registry)
                    .contextualName(contextualName)
                    .lowCardinalityKeyValue("database", database);
            Object parent = context.getOrDefault(CONTEXT_KEY, null);
            if (parent instanceof Observation) {
                observation.parentObservation((Observation) parent);
            }
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

    private static void stop(Observation observation, AtomicBoolean stopped, String outcome, @Nullable Throwable error) {
        if (stopped.compareAndSet(false, true)) {
            observation.lowCardinalityKeyValue(OUTCOME, outcome);
            if (error != null) {
                observation.error(error);
            }
            observation.stop();
        }
    }
}
