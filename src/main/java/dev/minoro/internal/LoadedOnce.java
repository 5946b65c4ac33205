package dev.minoro.internal;

import dev.minoro.sqlite.internal.EveryError;
import java.util.concurrent.Callable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A value made by blocking work once and then kept for as long as its {@code Mono} is: the migrator's scripts and its
 * {@code applied_by} text (resources of the jar, the host name, kept for the JVM's life), the repositories' Unicode
 * tables and seeded random generator, and the started threads of a password-hashing scheduler. Only work that succeeds
 * is kept: work that fails (a resource the class loader could not read that time, a thread that could not be made, an
 * {@link Error} such as an {@link OutOfMemoryError}) is signalled to the subscriptions that shared it, and the next
 * subscription does it again, instead of every later use failing with the first error.
 */
public final class LoadedOnce {

    private LoadedOnce() {
    }

    /**
     * A {@code Mono} that calls {@code read} on Reactor's bounded-elastic scheduler at its first subscription,
     * emits its value then and to every later subscription without calling it again, and fails with whatever it
     * throws ({@link EveryError}), calling it again at the next subscription. Subscriptions that come while a read
     * is under way share its outcome. {@code read} must return a value: an empty completion would not be kept.
     */
    public static <T> Mono<T> of(Callable<T> read) {
        return EveryError.<T>fromCallable(read)
                .subscribeOn(Schedulers.boundedElastic())
                // errors and empty completions are never cached; a value is kept as long as this says false
                .cacheInvalidateIf(value -> false);
    }
}
