package dev.minoro.internal.migration;

import dev.minoro.sqlite.internal.EveryError;
import java.util.concurrent.Callable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A value read with blocking I/O (a resource of the jar, the host name) and then kept for the JVM's life: the
 * migrator's scripts and its {@code applied_by} text. Only a read that succeeds is kept: one that fails (a resource
 * the class loader could not read that time, an {@link Error} such as an {@link OutOfMemoryError}) is signalled to
 * the subscriptions that shared it, and the next subscription reads again, instead of every migration of the JVM
 * failing with the first error.
 */
final class LoadedOnce {

    private LoadedOnce() {
    }

    /**
     * A {@code Mono} that calls {@code read} on Reactor's bounded-elastic scheduler at its first subscription,
     * emits its value then and to every later subscription without calling it again, and fails with whatever it
     * throws ({@link EveryError}), calling it again at the next subscription. Subscriptions that come while a read
     * is under way share its outcome.
     */
    static <T> Mono<T> of(Callable<T> read) {
        return EveryError.<T>fromCallable(read)
                .subscribeOn(Schedulers.boundedElastic())
                // errors and empty completions are never cached; a value is kept as long as this says false
                .cacheInvalidateIf(value -> false);
    }
}
