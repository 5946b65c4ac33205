package dev.minoro.testing;

import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Wraps a real connection factory so that a test can hold one call on a connection before it reaches the
 * connection: once {@link #holdNext(String)} names a method that returns a publisher (such as
 * {@code commitTransaction} or {@code close}), the next such call is made on the real connection only after
 * {@link #release()}. How tests end a transaction after a cancel and the database's closing came in between. It
 * also counts the connections' closings that have ended, with everything their end set off downstream.
 */
public final class ConnectionCallGate {

    private final AtomicReference<@Nullable String> armed = new AtomicReference<>();
    private final Semaphore held = new Semaphore(0);
    private final Semaphore closed = new Semaphore(0);
    private volatile Sinks.Empty<Void> open = Sinks.empty();

    /** {@code factory}, the next call of the armed method on any of its connections held by this gate. */
    public ConnectionFactory wrap(ConnectionFactory factory) {
        return InterceptedConnections.wrap(factory, call -> {
            String name = call.method().getName();
            Mono<Void> made;
            if (armed.compareAndSet(name, null)) {
                Sinks.Empty<Void> gate = open;
                made = Mono.fromRunnable(held::release)
                        .then(gate.asMono())
                        .then(Mono.defer(() -> {
                            try {
                                return Mono.from((Publisher<?>) call.proceed()).then();
                            } catch (Throwable e) {
                                return Mono.error(e);
                            }
                        }));
            } else if (name.equals("close")) {
                made = Mono.from((Publisher<?>) call.proceed()).then();
            } else {
                return call.proceed();
            }
            // doFinally: after the end went downstream (synchronously, all the way to the subscriber)
            return name.equals("close") ? made.doFinally(signal -> closed.release()) : made;
        });
    }

    /** Holds the next call of the connection method {@code method} until {@link #release()}. */
    public void holdNext(String method) {
        open = Sinks.empty();
        armed.set(method);
    }

    /** Waits until a call is held. */
    public void awaitHeld(Duration timeout) throws InterruptedException {
        if (!held.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no call was held within " + timeout);
        }
    }

    /** Lets the held call go on to the connection, on the calling thread. */
    public void release() {
        open.tryEmitEmpty();
    }

    /** Waits until one more connection's closing has ended, and what its end set off downstream with it. */
    public void awaitClosed(Duration timeout) throws InterruptedException {
        if (!closed.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no connection's closing ended within " + timeout);
        }
    }
}
