package dev.minoro.internal.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.internal.MinoroRuntime;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Wrapped;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A connection goes to exactly one owner whatever the timing of a cancel, on Minoro's real r2dbc-pool
 * over a real PostgreSQL. The cancel that races with the hand-over is played exactly: the owner cancels
 * from inside {@code onNext}, as {@code Mono.usingWhen} does when its cancel reads "no resource yet"
 * while the connection is on its way to it.
 */
@ExtendWith(PostgresServer.class)
final class ConnectionHandOverIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Database database;
    private ConnectionPool pool;

    @BeforeEach
    void openAPoolOfOne(PostgresDatabase db) {
        database = MinoroRuntime.open(db.config().withPoolSize(0, 1)).block(TIMEOUT);
        pool = assertInstanceOf(ConnectionPool.class, assertInstanceOf(Wrapped.class, database.connections()).unwrap());
    }

    @AfterEach
    void close() {
        database.close().block(TIMEOUT);
    }

    @Test
    void r2dbcPoolAloneTakesBackAConnectionWhoseOwnerCancelsAsItArrives() {
        // The bug worked around, shown on r2dbc-pool itself: if this fails, r2dbc-pool fixed it.
        CancelOnArrival owner = new CancelOnArrival();
        database.connections().create().subscribe(owner);
        Connection held = owner.awaitConnection();

        awaitAcquired(0);
        Connection second = Mono.from(database.connections().create()).block(TIMEOUT);
        assertSame(physical(held), physical(second), "the pool handed the held connection to a second user");
        Mono.from(second.close()).block(TIMEOUT);
    }

    @Test
    void aConnectionWhoseOwnerCancelsAsItArrivesStaysWithItsOwner() {
        CancelOnArrival owner = new CancelOnArrival();
        ConnectionHandOver.of(database.connections().create()).subscribe(owner);
        Connection held = owner.awaitConnection();

        assertEquals(1, acquired(), "the connection went back to the pool while its owner held it");
        Mono<Connection> second = ConnectionHandOver.of(database.connections().create());
        AtomicReference<Connection> next = new AtomicReference<>();
        second.subscribe(next::set);
        assertNull(next.get(), "a second user got a connection while the pool's only one was held");

        Mono.from(held.close()).block(TIMEOUT);
        Connection afterClose = Mono.fromSupplier(next::get).repeatWhenEmpty(500,
                attempts -> attempts.delayElements(Duration.ofMillis(10))).block(TIMEOUT);
        assertSame(physical(held), physical(afterClose));
        Mono.from(afterClose.close()).block(TIMEOUT);
        awaitAcquired(0);
    }

    @Test
    void aConnectionThatArrivesAfterACancelIsClosed() {
        // The connection is on its way: the factory has it, the owner cancels before it arrives.
        Connection inFlight = Mono.from(database.connections().create()).block(TIMEOUT);
        IgnoresCancel factory = new IgnoresCancel();
        BaseSubscriber<Connection> owner = new BaseSubscriber<>() { };
        ConnectionHandOver.of(factory).subscribe(owner);
        owner.cancel();
        factory.subscriber.onNext(inFlight);

        awaitAcquired(0);
        Connection again = Mono.from(database.connections().create()).block(TIMEOUT);
        assertSame(physical(inFlight), physical(again));
        Mono.from(again.close()).block(TIMEOUT);
    }

    @Test
    void aCancelBeforeTheConnectionArrivesReachesThePool() {
        Connection held = Mono.from(database.connections().create()).block(TIMEOUT);
        // The pool is empty: this acquire waits, and its cancel must withdraw it from the pool's queue.
        BaseSubscriber<Connection> waiting = new BaseSubscriber<>() { };
        ConnectionHandOver.of(database.connections().create()).subscribe(waiting);
        awaitPending(1);
        waiting.cancel();
        awaitPending(0);
        Mono.from(held.close()).block(TIMEOUT);
        awaitAcquired(0);
    }

    @Test
    void errorsAreSignalledAndAnErrorAfterACancelIsNot() {
        Sinks.One<Connection> failing = Sinks.one();
        AtomicReference<Throwable> error = new AtomicReference<>();
        ConnectionHandOver.of(failing.asMono()).subscribe(c -> { }, error::set);
        failing.tryEmitError(new IllegalStateException("refused")).orThrow();
        assertEquals("refused", error.get().getMessage());

        IgnoresCancel late = new IgnoresCancel();
        AtomicReference<Throwable> dropped = new AtomicReference<>();
        BaseSubscriber<Connection> owner = new BaseSubscriber<>() {
            @Override
            protected void hookOnError(Throwable t) {
                dropped.set(t);
            }
        };
        ConnectionHandOver.of(late).subscribe(owner);
        owner.cancel();
        late.subscriber.onError(new IllegalStateException("too late"));
        assertNull(dropped.get());
    }

    private int acquired() {
        return pool.getMetrics().orElseThrow().acquiredSize();
    }

    private void awaitAcquired(int expected) {
        Mono.fromCallable(this::acquired).filter(n -> n == expected)
                .repeatWhenEmpty(500, attempts -> attempts.delayElements(Duration.ofMillis(10)))
                .block(TIMEOUT);
        assertEquals(expected, acquired());
    }

    private void awaitPending(int expected) {
        Mono.fromCallable(() -> pool.getMetrics().orElseThrow().pendingAcquireSize()).filter(n -> n == expected)
                .repeatWhenEmpty(500, attempts -> attempts.delayElements(Duration.ofMillis(10)))
                .block(TIMEOUT);
    }

    private static Object physical(Connection pooled) {
        return assertInstanceOf(Wrapped.class, pooled).unwrap();
    }

    /** A factory whose connection or error is already on its way: a cancel cannot stop it. */
    private static final class IgnoresCancel implements Publisher<Connection> {

        private Subscriber<? super Connection> subscriber;

        @Override
        public void subscribe(Subscriber<? super Connection> s) {
            subscriber = s;
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
        }
    }

    /** An owner whose cancel arrives while the connection is being handed to it. */
    private static final class CancelOnArrival extends BaseSubscriber<Connection> {

        private final CountDownLatch arrived = new CountDownLatch(1);
        private volatile Connection connection;

        @Override
        protected void hookOnNext(Connection value) {
            cancel();
            connection = value;
            arrived.countDown();
        }

        Connection awaitConnection() {
            try {
                assertTrue(arrived.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "no connection arrived");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            assertNotNull(connection);
            return connection;
        }
    }
}
