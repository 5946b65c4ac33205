package dev.minoro.sqlite.internal;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Runs blocking or caller-supplied work in a {@code Mono} that signals whatever the work throws, {@link Error}s
 * included. Reactor's {@code Mono.fromCallable} and {@code fromRunnable} rethrow an error they take for fatal to the
 * JVM ({@code Exceptions.throwIfJvmFatal}: a {@link StackOverflowError}, a {@link LinkageError} such as a
 * {@link NoClassDefFoundError} or {@link UnsatisfiedLinkError}, an {@link OutOfMemoryError}) on the thread that ran
 * the work instead of signalling it: on a scheduler's thread it was logged there, and the subscriber (a boot, a
 * migration) waited for ever. The SQLite driver uses it, and Minoro too: one way of doing this for both.
 *
 * <p>An {@link OutOfMemoryError} is signalled as well, deliberately: the work that throws it is most often one large
 * allocation that failed (a file read, a class loaded, a hash's memory), after which the JVM goes on; an answer lets
 * the caller fail and release what it holds, where a wait would keep it for ever. A JVM meant to stop at the first one
 * ({@code -XX:+ExitOnOutOfMemoryError}) stops where it is thrown, before any catch.
 */
public final class EveryError {

    private EveryError() {
    }

    /**
     * A cold Mono that calls {@code work} on the subscribing thread and emits its result (empty for null), or fails
     * with whatever it throws, an {@link Error} included.
     */
    public static <T> Mono<T> fromCallable(Callable<? extends @Nullable T> work) {
        return Mono.create(sink -> {
            T value;
            try {
                value = work.call();
            } catch (Throwable e) {
                sink.error(e);
                return;
            }
            sink.success(value);
        });
    }

    /**
     * {@code Mono.error(error)} that reaches the subscriber also after {@code then}, {@code switchIfEmpty} and the
     * like, an {@link Error} included: Reactor's own {@code Mono.error} is a {@code Callable} that such operators call
     * instead of subscribing to, and calling it rethrows an error taken for fatal to the JVM
     * ({@code Exceptions.propagate}) on the thread, where nothing signals it. For passing on an error of unknown
     * kind after clean-up: {@code close().then(EveryError.error(e))}.
     */
    public static <T> Mono<T> error(Throwable error) {
        // hide() makes it an operator that is subscribed to, not called
        return Mono.<T>error(error).hide();
    }
}
