package dev.minoro.internal.repository;

import dev.minoro.MinoroException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Whether a Minoro instance is still open; every operation checks it before touching the database. */
public final class Lifecycle {

    private final AtomicBoolean closed = new AtomicBoolean();

    /** Marks the instance closed; true for the first caller only. */
    public boolean close() {
        return closed.compareAndSet(false, true);
    }

    /**
     * A cold {@code Mono} that checks, at subscription, that the instance is open and then subscribes to
     * what {@code operation} makes; an exception thrown by {@code operation}, such as a failed input
     * check, is signalled.
     */
    public <T> Mono<T> mono(Supplier<? extends Mono<T>> operation) {
        return Mono.defer(() -> {
            checkOpen();
            return operation.get();
        });
    }

    /** {@link #mono} for operations that emit many values. */
    public <T> Flux<T> flux(Supplier<? extends Flux<T>> operation) {
        return Flux.defer(() -> {
            checkOpen();
            return operation.get();
        });
    }

    /** Fails when the instance is closed. */
    void checkOpen() {
        if (closed.get()) {
            throw new MinoroException("this Minoro instance is closed; make a new one with Minoro.create(...)");
        }
    }
}
