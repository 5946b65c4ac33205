package dev.minoro.sqlite.internal;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

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
     * with whatever it throws, an {@link Error} included. Once the subscriber has cancelled, what {@code work} ends
     * with reaches nobody: a value is discarded (Reactor's discard hook), an error is let go silently, neither
     * dropped to {@code Hooks.onErrorDropped} nor thrown on the thread that ran {@code work}.
     */
    public static <T> Mono<T> fromCallable(Callable<? extends @Nullable T> work) {
        return Mono.create(sink -> {
            T value;
            try {
                value = work.call();
            } catch (Throwable e) {
                fail(sink, e);
                return;
            }
            sink.success(value);
        });
    }

    /**
     * {@code sink.error(error)}, which once the subscriber has cancelled lets {@code error} go silently, an
     * {@link Error} included. For a {@code Mono.create} whose work may fail after a cancel.
     */
    public static void fail(MonoSink<?> sink, Throwable error) {
        try {
            sink.error(error);
        } catch (RuntimeException | Error thrownBack) {
            // After a cancel the sink hands the error to Operators.onOperatorError, which throws back one that
            // Reactor takes for fatal to the JVM: on a scheduler's thread it was logged at ERROR, though the caller
            // had cancelled, asking not to hear. Anything else thrown here is not ours to hide.
            if (thrownBack != error) {
                throw thrownBack;
            }
        }
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
