package dev.minoro.internal.auth;

import dev.minoro.LoginEvent;
import dev.minoro.LoginOutcome;
import dev.minoro.internal.metrics.LoginAttempt;
import dev.minoro.sqlite.internal.SharedThreads;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * The login event stream of one instance: a hot {@code Flux} that every login's outcome is published to, without
 * ever waiting for a subscriber.
 *
 * <p>Publishing only hands the event to each subscriber's own buffer of {@code bufferSize} events (a lock held
 * for that hand-over alone, since a Reactor sink takes one emitter at a time); each subscriber receives from its
 * buffer on a worker of {@code delivery}, so a slow or stalled subscriber holds its worker, never a login (nor
 * another subscriber: {@link #delivery()} gives each worker a thread of its own). When a
 * subscriber's buffer is full the newest event is dropped for that subscriber and counted in {@link #dropped()}.
 * With no subscriber, nothing is kept and nothing counted.
 */
public final class LoginEvents {

    private final Sinks.Many<LoginEvent> sink = Sinks.many().multicast().directBestEffort();
    private final Object emitting = new Object();
    private final AtomicLong dropped = new AtomicLong();
    private final Clock clock;
    private final Flux<LoginEvent> events;

    /**
     * The scheduler events are delivered on unless another is given: daemon threads named {@code minoro-events-N},
     * shared by every instance in the class loader and made at the first call, a thread per subscriber while it is
     * subscribed. Not Reactor's shared {@code boundedElastic()}: at its cap (ten threads per core) it puts a new
     * worker on a thread that another already uses, where a stalled subscriber would hold the other's events
     * back until its buffer overflowed.
     */
    public static Scheduler delivery() {
        return Delivery.SCHEDULER;
    }

    /** The lazy holder of {@link #delivery()}. */
    private static final class Delivery {
        static final Scheduler SCHEDULER = SharedThreads.daemonBoundedElastic("minoro-events", 60);
    }

    public LoginEvents(Clock clock, int bufferSize, Scheduler delivery) {
        this.clock = clock;
        // publishOn takes one event at a time from the buffer, so that a stalled subscriber holds one event, not
        // a prefetched batch beyond bufferSize.
        Flux<LoginEvent> delivered = sink.asFlux()
                .onBackpressureBuffer(bufferSize, event -> dropped.incrementAndGet(),
                        BufferOverflowStrategy.DROP_LATEST)
                .publishOn(delivery, 1);
        this.events = Flux.from(subscriber -> delivered.subscribe(
                new FatalToError<LoginEvent>(Operators.toCoreSubscriber(subscriber))));
    }

    /** See {@link dev.minoro.Minoro#loginEvents()}. */
    public Flux<LoginEvent> events() {
        return events;
    }

    /** See {@link dev.minoro.Minoro#droppedLoginEvents()}. */
    public long dropped() {
        return dropped.get();
    }

    /**
     * {@code login}, publishing one event when it ends: emits, fails or is cancelled. What {@code attempt}
     * recorded decides the outcome, as for the metrics.
     */
    public <T> Mono<T> around(LoginAttempt attempt, Mono<T> login) {
        return Mono.defer(() -> {
            AtomicBoolean published = new AtomicBoolean();
            return login
                    .doOnSuccess(user -> publish(attempt, LoginAttempt.ofSuccess(user), published))
                    .doOnError(e -> publish(attempt, attempt.ofFailure(e), published))
                    .doOnCancel(() -> publish(attempt, LoginOutcome.CANCELLED, published));
        });
    }

    /** Ends the stream: each subscriber completes once it has received what its buffer holds. */
    public void complete() {
        synchronized (emitting) {
            sink.tryEmitComplete();
        }
    }

    /**
     * Between the delivery worker and a subscriber: an error the subscriber's own {@code onNext} throws that Reactor
     * takes for fatal to the JVM ({@link Exceptions#isJvmFatal}: a {@link StackOverflowError}, a
     * {@link LinkageError}, an {@link OutOfMemoryError}) becomes its {@code onError}, and its subscription is
     * cancelled. Reactor's lambda subscriber rethrows such an error instead of handling it, and the worker ended the
     * delivery there: the subscriber heard nothing more, not even an error, while its buffer filled and its drops
     * were counted for as long as the instance ran. An {@link OutOfMemoryError} too: the subscriber that threw it
     * hears of it, and a JVM meant to stop at the first one ({@code -XX:+ExitOnOutOfMemoryError}) stops where it is
     * thrown. Other failures pass as they are.
     */
    private static final class FatalToError<T> implements CoreSubscriber<T>, Subscription {

        private final CoreSubscriber<? super T> actual;
        private @Nullable Subscription upstream;
        private boolean done; // signals come one at a time, from the delivery worker

        FatalToError(CoreSubscriber<? super T> actual) {
            this.actual = actual;
        }

        @Override
        public void onSubscribe(Subscription s) {
            upstream = s;
            actual.onSubscribe(this);
        }

        @Override
        public void onNext(T event) {
            if (done) {
                return;
            }
            try {
                actual.onNext(event);
            } catch (Throwable e) {
                if (!Exceptions.isJvmFatal(e)) {
                    throw e;
                }
                done = true;
                cancel();
                actual.onError(e);
            }
        }

        @Override
        public void onError(Throwable error) {
            if (done) {
                Operators.onErrorDropped(error, actual.currentContext());
                return;
            }
            done = true;
            actual.onError(error);
        }

        @Override
        public void onComplete() {
            if (!done) {
                done = true;
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            Subscription s = upstream;
            if (s != null) {
                s.request(n);
            }
        }

        @Override
        public void cancel() {
            Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }
    }

    private void publish(LoginAttempt attempt, LoginOutcome outcome, AtomicBoolean published) {
        if (!published.compareAndSet(false, true) || sink.currentSubscriberCount() == 0) {
            return;
        }
        LoginEvent event = new LoginEvent(attempt.userId(), attempt.emailNorm(),
                Instant.ofEpochMilli(clock.millis()), outcome);
        synchronized (emitting) {
            // Each subscriber's buffer takes it or counts it dropped; no subscriber: nothing to do.
            sink.tryEmitNext(event);
        }
    }
}
