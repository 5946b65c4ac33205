package dev.minoro.testing;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
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
        return new ConnectionFactory() {
            @Override
            public Publisher<? extends Connection> create() {
                return Mono.from(factory.create()).map(ConnectionCloseGate.this::wrap);
            }

            @Override
            public ConnectionFactoryMetadata getMetadata() {
                return factory.getMetadata();
            }
        };
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

    private Connection wrap(Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("close") && armed.compareAndSet(true, false)) {
                Sinks.Empty<Void> gate = open;
                return Mono.from(connection.close()).then(Mono.defer(() -> {
                    held.release();
                    return gate.asMono();
                }));
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }
}
