package dev.minoro.internal.repository;

import dev.minoro.DatabaseException;
import dev.minoro.MinoroClosedException;
import dev.minoro.MinoroException;
import dev.minoro.internal.database.AfterCancel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Whether a Minoro instance is still open, and how every public operation ends. Every operation checks
 * it before touching the database, and an operation that fails once closing has begun fails with
 * {@link MinoroClosedException}: its connection, driver or hashing thread went away under it, and that
 * is the one thing worth saying.
 *
 * <p>An operation whose subscriber has cancelled signals no error: Reactor's operators go on delivering
 * what was already under way (a result that {@code Mono.usingWhen} emits once it has closed its
 * connection, say, which the login then turns into its answer), and an error that reaches a cancelled
 * subscriber is dropped and logged at ERROR by Reactor's default hook ({@link AfterCancel}, as for the
 * migrator's work).
 */
public final class Lifecycle {

    private final AtomicBoolean closed = new AtomicBoolean();

    /** Marks the instance closed; true for the first caller only. */
    public boolean close() {
        return closed.compareAndSet(false, true);
    }

    /**
     * A cold {@code Mono} that checks, at subscription, that the instance is open and then subscribes to
     * what {@code operation} makes; an exception thrown by {@code operation}, such as a failed input
     * check, is signalled. A database or unexpected error that arrives once the instance is closing
     * becomes a {@link MinoroClosedException} with it as the cause; Minoro's answers about the call itself
     * (a duplicate, a wrong password, a missing user, ...) pass unchanged.
     */
    public <T> Mono<T> mono(Supplier<? extends Mono<T>> operation) {
        return AfterCancel.quiet(Mono.defer(() -> {
                    checkOpen();
                    return operation.get();
                })
                .onErrorMap(this::cutShortByClosing, MinoroClosedException::new));
    }

    /** {@link #mono} for operations that emit many values. */
    public <T> Flux<T> flux(Supplier<? extends Flux<T>> operation) {
        return AfterCancel.quiet(Flux.defer(() -> {
                    checkOpen();
                    return operation.get();
                })
                .onErrorMap(this::cutShortByClosing, MinoroClosedException::new));
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Fails when the instance is closed. */
    void checkOpen() {
        if (closed.get()) {
            throw new MinoroClosedException();
        }
    }

    private boolean cutShortByClosing(Throwable error) {
        return closed.get() && !(error instanceof MinoroClosedException)
                && (error instanceof DatabaseException || !(error instanceof MinoroException));
    }
}
