package dev.minoro.testing;

import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Wraps a real connection factory so that a test can hold the closing (or, behind a pool, the release)
 * of a connection: once {@link #holdNext()} is called, the next connection's {@code close()} completes
 * only after {@link #release()}. How tests put a call in the moment after its statement and before its
 * result moves on.
 */
public final class ConnectionCloseGate {

    private final AtomicBoolean armed = new AtomicBoolean();
    private final Semaphore held = new Semaphore(0);
    private volatile Sinks.Empty<Void> open = Sinks.empty();

    /** {@code factory}, its connections' closing held by this gate when it is armed. */
    public ConnectionFactory wrap(ConnectionFactory factory) {
        return InterceptedConnections.wrap(factory, call -> {
            if (call.method().getName().equals("close") && armed.compareAndSet(true, false)) {
                Sinks.Empty<Void> gate = open;
                return Mono.from(call.connection().close()).then(Mono.defer(() -> {
                    held.release();
                    return gate.asMono();
                }));
            }
            return call.proceed();
        });
    }

    /** Holds the closing of the next connection closed, until {@link #release()}. */
    public void holdNext() {
        open = Sinks.empty();
        armed.set(true);
    }

    /** Waits until a connection's closing is held. */
    public void awaitHeld(Duration timeout) throws InterruptedException {
        if (!held.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no connection's closing was held within " + timeout);
        }
    }

    /** Lets the held closing complete, on the calling thread. */
    public void release() {
        open.tryEmitEmpty();
    }
}
