package dev.minoro.internal.database;

import io.r2dbc.spi.Connection;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Hands a connection from a connection factory's {@code create()} to exactly one owner, whatever the
 * timing of a cancel.
 *
 * <p>Once the connection has been handed on, the owner (a {@code usingWhen}) closes it, so a cancel
 * that arrives after that is not passed to the factory. This matters with r2dbc-pool 1.0.2: its
 * {@code create()} returns the connection to the pool on every cancel, even one that races with the
 * hand-over, while {@code Mono.usingWhen}, which read its "resource provided" flag before the
 * connection arrived, goes on to run the work and its rollback on that connection. The pool has by
 * then handed it to someone else, whose transaction the rollback would end.
 *
 * <p>A cancel before the hand-over is passed to the factory as usual; a connection that still
 * arrives after it is closed here, so nothing leaks.
 */
final class ConnectionHandOver extends Mono<Connection> {

    private static final Logger log = LoggerFactory.getLogger(ConnectionHandOver.class);

    private final Publisher<? extends Connection> create;

    private ConnectionHandOver(Publisher<? extends Connection> create) {
        this.create = create;
    }

    /** {@code create} (a connection factory's {@code create()}) with cancels that cannot lose the connection. */
    static Mono<Connection> of(Publisher<? extends Connection> create) {
        return new ConnectionHandOver(create);
    }

    @Override
    public void subscribe(CoreSubscriber<? super Connection> actual) {
        create.subscribe(new HandOverSubscriber(actual));
    }

    private static final class HandOverSubscriber implements CoreSubscriber<Connection>, Subscription {

        private static final int WAITING = 0;
        private static final int HANDED_OVER = 1;
        private static final int CANCELLED = 2;

        private final CoreSubscriber<? super Connection> actual;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private Subscription upstream;

        HandOverSubscriber(CoreSubscriber<? super Connection> actual) {
            this.actual = actual;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(Connection connection) {
            if (state.compareAndSet(WAITING, HANDED_OVER)) {
                actual.onNext(connection);
            } else {
                // Cancelled before it arrived: nobody owns it. Closing a pooled connection the pool has
                // already taken back is harmless (reactor-pool releases a reference once).
                Mono.from(connection.close())
                        .subscribe(null, e -> log.debug("Closing a connection that arrived after a cancel failed", e));
            }
        }

        @Override
        public void onError(Throwable t) {
            if (state.get() != CANCELLED) {
                actual.onError(t);
            } else {
                // Nobody waits for it any more; an ERROR "onErrorDropped" line would alarm for nothing.
                log.debug("Opening a connection failed after the caller cancelled", t);
            }
        }

        @Override
        public void onComplete() {
            if (state.get() != CANCELLED) {
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            if (state.compareAndSet(WAITING, CANCELLED)) {
                upstream.cancel();
            }
        }
    }
}
