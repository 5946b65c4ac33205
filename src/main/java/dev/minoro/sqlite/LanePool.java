package dev.minoro.sqlite;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;

/**
 * The lanes of one kind (the writer lane, or the reader lanes) of one connection factory, each handed to one user at
 * a time: first come first served, the idle lane given back last handed out first (its thread is awake and its
 * statements prepared), lanes opened lazily up to a size.
 *
 * <p>Leasing never blocks a thread. A call that finds every lane leased, and none left to open, waits in a FIFO
 * queue; a lane given back goes straight to the first waiter, on the thread that gives it back. At the end of a
 * statement that is the lane's own thread, so the waiter's statement is queued on the lane within the same turn of
 * its worker ({@link Lane}), and calls waiting for a busy lane run back to back.
 *
 * <p>Each wait is bounded by its {@link LockWait}: a call still waiting when that is spent fails with
 * {@link TimeoutException}, which {@link Lanes} turns into the driver's error. One timer per pool, set for the
 * earliest deadline of the waiting calls, ends every wait that has run out; a timer per wait would be set and
 * cancelled at every call while the lanes are busy, which is when calls wait. A waiting call that cancels leaves the
 * queue; a lane handed to a call that has cancelled meanwhile goes to the next waiter, so no lane leaks.
 *
 * <p>An idle lane may be lent for one statement of another kind ({@link #lendIdle()}): the writer lane reads while
 * no reader lane is open. A lent lane leaves room for another lane to open in its place, so that a lane lent to a
 * slowly read stream never holds up the calls of its own kind; once given back it takes its place again, or closes
 * if another lane took it meanwhile, and then the pool lends no more: its users read and write at once, and reads
 * are better served by lanes of their own than by a connection opened and closed for each loan.
 *
 * <p>The counts ({@link #acquiredSize()} and the others) are written under the pool's lock and read without it, so
 * they suit monitoring from any thread.
 */
final class LanePool {

    /** Opens a lane of the pool. */
    @FunctionalInterface
    interface Opener {
        /** A cold Mono that opens a lane, waiting for SQLite's lock within {@code wait}. */
        Mono<Lane> open(LockWait wait);
    }

    private final int size;
    private final Opener opener;
    private final Function<Lane, Mono<Void>> closer;
    private final Supplier<? extends RuntimeException> closedError;
    private final Object lock = new Object();
    private final ArrayDeque<Lane> idle = new ArrayDeque<>(); // under lock; first is the lane given back last
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>(); // under lock; first come first
    private boolean closed; // under lock
    private @Nullable Lane lent; // under lock: the lane lent (see lendIdle) and not given back
    private boolean lends = true; // under lock: no lent lane has been replaced
    private @Nullable Disposable timer; // under lock: ends the waits that have run out
    private long timerDeadline; // under lock: when the timer fires, in System.nanoTime()'s units
    // the counts, written under lock, read without it
    private volatile int allocated; // lanes open or opening
    private volatile int acquired; // lanes handed to a call and not given back
    private volatile int idleCount;
    private volatile int pendingCount;

    /**
     * @param size        the most lanes open at once, not counting a lent one (see {@link #lendIdle()})
     * @param opener      opens a lane when a call finds none idle and fewer than {@code size} open
     * @param closer      closes a lane the pool is done with: given back after the pool closed, replaced while
     *                    lent, or idle when the pool closes
     * @param closedError the error of a call made, or waiting, when the pool closes
     */
    LanePool(int size, Opener opener, Function<Lane, Mono<Void>> closer,
            Supplier<? extends RuntimeException> closedError) {
        this.size = size;
        this.opener = opener;
        this.closer = closer;
        this.closedError = closedError;
    }

    /**
     * A cold Mono of a lane, leased until {@link #release}: an idle lane at once, else a new lane (whose opening
     * waits for SQLite's lock within {@code wait}), else the first lane given back while this call is the first
     * waiting, within {@code wait}. It emits {@link TimeoutException} when {@code wait} runs out while the call waits
     * in the queue, the opener's error when a lane opened for it fails to open, and the pool's closed error when the
     * pool closes first. Cancelling leaves the queue.
     */
    Mono<Lane> acquire(LockWait wait) {
        return new Acquire(wait, false);
    }

    /**
     * A cold Mono of an idle lane lent until {@link #release}, or empty when no lane is idle at the moment of the
     * subscription, a lane is lent already, or a lent lane has been replaced before; the pool's closed error when it
     * is closed. While lent, the lane counts as leased and open, but not towards the pool's size: a call that finds
     * no lane idle may open another, so {@link #allocatedSize()} and {@link #acquiredSize()} can exceed the size by
     * one.
     */
    Mono<Lane> lendIdle() {
        return new Acquire(new LockWait(Duration.ZERO), true);
    }

    /**
     * Gives {@code lane} back: to the first waiting call, else to the idle lanes; closes it if the pool closed, or if
     * it was lent and another lane opened in its place meanwhile.
     */
    void release(Lane lane) {
        while (true) {
            Waiter next;
            synchronized (lock) {
                boolean replaced = false;
                if (lane == lent) {
                    lent = null;
                    replaced = allocated > size;
                    lends &= !replaced;
                }
                if (closed || replaced) {
                    acquired--;
                    allocated--;
                    counted();
                    next = null;
                } else {
                    next = waiting.pollFirst();
                    if (next == null) {
                        acquired--;
                        idle.addFirst(lane);
                    }
                    counted();
                    if (next == null) {
                        return;
                    }
                }
            }
            if (next == null) {
                closer.apply(lane).subscribe(null, e -> {
                    // closing a lane reports no error it could act on
                });
                return;
            }
            if (next.deliver(lane)) {
                return;
            }
            // the waiter cancelled after it left the queue: the lane goes to the next one
        }
    }

    /**
     * A cold Mono that closes the pool: waiting calls fail with the closed error, idle lanes close, and a lane
     * given back later closes; it completes once the idle lanes have closed. Leased lanes are the lessees' to give
     * back (and {@link Lanes#close} interrupts and closes every lane).
     */
    Mono<Void> close() {
        return Mono.defer(() -> {
            List<Waiter> failed;
            List<Lane> lanes;
            synchronized (lock) {
                if (closed) {
                    return Mono.empty();
                }
                closed = true;
                failed = new ArrayList<>(waiting);
                waiting.clear();
                lanes = new ArrayList<>(idle);
                idle.clear();
                allocated -= lanes.size();
                if (timer != null) {
                    timer.dispose();
                    timer = null;
                }
                counted();
            }
            for (Waiter waiter : failed) {
                waiter.fail(closedError.get());
            }
            return Flux.fromIterable(lanes).flatMap(closer).then();
        });
    }

    /** Whether {@code lane} is lent now (see {@link #lendIdle()}). */
    boolean isLent(Lane lane) {
        synchronized (lock) {
            return lane == lent;
        }
    }

    /** The lanes leased now. */
    int acquiredSize() {
        return acquired;
    }

    /** The lanes open and not leased now. */
    int idleSize() {
        return idleCount;
    }

    /** The lanes open or opening now. */
    int allocatedSize() {
        return allocated;
    }

    /** The most lanes open at once, not counting a lent one. */
    int maxAllocatedSize() {
        return size;
    }

    /** The calls waiting for a lane now. */
    int pendingAcquireSize() {
        return pendingCount;
    }

    /** Serves {@code waiter}: an idle lane, a new lane, or a place in the queue. */
    private void offer(Waiter waiter) {
        Lane lane;
        Throwable refused = null;
        boolean open = false;
        synchronized (lock) {
            lane = closed || (waiter.loan && (lent != null || !lends)) ? null : idle.pollFirst();
            if (closed) {
                refused = closedError.get();
            } else if (lane != null) {
                acquired++;
                if (waiter.loan) {
                    lent = lane;
                }
            } else if (waiter.loan) {
                // nothing to do under lock: the call ends empty
            } else if (hasRoom()) {
                allocated++;
                open = true;
            } else {
                waiter.deadline = System.nanoTime() + Math.max(1, waiter.wait.remainingNanos());
                waiting.addLast(waiter);
                refused = timeAfter(waiter);
            }
            counted();
        }
        if (refused != null) {
            waiter.fail(refused);
        } else if (lane != null) {
            if (!waiter.deliver(lane)) {
                release(lane);
            }
        } else if (open) {
            open(waiter);
        } else if (waiter.loan) {
            waiter.empty();
        }
    }

    /** Opens a lane for {@code waiter}, who gets it, or the opener's error. */
    private void open(Waiter waiter) {
        opener.open(waiter.wait)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("the lane's opening ended without a lane")))
                .subscribe(lane -> opened(waiter, lane), error -> notOpened(waiter, error));
    }

    private void opened(Waiter waiter, Lane lane) {
        synchronized (lock) {
            acquired++;
            counted();
        }
        // a pool closed meanwhile closes the lane when it comes back
        if (!waiter.deliver(lane)) {
            release(lane);
        }
    }

    private void notOpened(Waiter waiter, Throwable error) {
        Waiter next;
        synchronized (lock) {
            allocated--;
            // a call that waited behind this one gets a lane of its own to open, or the error of its opening
            next = closed || !hasRoom() ? null : waiting.pollFirst();
            if (next != null) {
                allocated++;
            }
            counted();
        }
        if (next != null) {
            open(next);
        }
        waiter.fail(error);
    }

    /**
     * Sets the timer for {@code waiter}'s deadline if it is earlier than the one set, under lock; returns why the
     * timer could not be set (its waiter then leaves the queue), or null.
     */
    private @Nullable Throwable timeAfter(Waiter waiter) {
        Disposable previous = timer;
        if (previous != null && waiter.deadline - timerDeadline >= 0) {
            return null;
        }
        try {
            setTimer(waiter.deadline);
        } catch (RejectedExecutionException e) {
            // the timer set before, if any, still ends the other waits
            waiting.remove(waiter);
            return e;
        }
        if (previous != null) {
            previous.dispose();
        }
        return null;
    }

    /** Sets the timer to fire at {@code deadline}, or leaves it as it was if Reactor refuses; under lock. */
    private void setTimer(long deadline) {
        timer = Schedulers.parallel().schedule(this::expire, Math.max(0, deadline - System.nanoTime()),
                TimeUnit.NANOSECONDS);
        timerDeadline = deadline;
    }

    /** Ends every wait that has run out, and sets the timer for the earliest of the rest. */
    private void expire() {
        List<Waiter> expired = new ArrayList<>();
        Throwable refused = null;
        synchronized (lock) {
            timer = null;
            long now = System.nanoTime();
            Waiter earliest = null;
            for (Iterator<Waiter> it = waiting.iterator(); it.hasNext();) {
                Waiter waiter = it.next();
                if (waiter.deadline - now <= 0) {
                    it.remove();
                    expired.add(waiter);
                } else if (earliest == null || waiter.deadline - earliest.deadline < 0) {
                    earliest = waiter;
                }
            }
            if (earliest != null) {
                try {
                    setTimer(earliest.deadline);
                } catch (RejectedExecutionException e) {
                    // Reactor's parallel scheduler was shut down: no wait can be timed any more
                    refused = e;
                    expired.addAll(waiting);
                    waiting.clear();
                }
            }
            counted();
        }
        for (Waiter waiter : expired) {
            waiter.fail(refused != null ? refused : new TimeoutException("no lane was given back within the wait"));
        }
    }

    /** Leaves the queue, if still in it. */
    private void remove(Waiter waiter) {
        synchronized (lock) {
            if (waiting.remove(waiter)) {
                counted();
            }
        }
    }

    /** Whether another lane may open: fewer than the size are open or opening, not counting a lent one; under lock. */
    private boolean hasRoom() {
        return allocated - (lent != null ? 1 : 0) < size;
    }

    /** Publishes the counts kept only under lock; under lock. */
    private void counted() {
        idleCount = idle.size();
        pendingCount = waiting.size();
    }

    /** The Mono of {@link #acquire}: each subscription is one call for a lane. */
    private final class Acquire extends Mono<Lane> {

        private final LockWait wait;
        private final boolean loan;

        Acquire(LockWait wait, boolean loan) {
            this.wait = wait;
            this.loan = loan;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Lane> actual) {
            Waiter waiter = new Waiter(actual, wait, loan);
            actual.onSubscribe(waiter);
            if (!waiter.isCancelled()) {
                offer(waiter);
            }
        }
    }

    /**
     * One call for a lane, and its subscription: it emits the lane once both the lane has come and the subscriber
     * has asked for it; a lane that comes after the subscriber cancelled, or that it cancelled before asking for, goes
     * back to the pool.
     */
    private final class Waiter implements Subscription {

        private final CoreSubscriber<? super Lane> actual;
        private final LockWait wait;
        private final boolean loan; // a loan of an idle lane, or none: the call never waits
        private long deadline; // under the pool's lock, once queued
        private @Nullable Lane lane; // under this: come, not yet asked for
        private boolean requested; // under this
        private boolean done; // under this: the subscriber has had its signal
        private boolean cancelled; // under this

        Waiter(CoreSubscriber<? super Lane> actual, LockWait wait, boolean loan) {
            this.actual = actual;
            this.wait = wait;
            this.loan = loan;
        }

        synchronized boolean isCancelled() {
            return cancelled;
        }

        /** Hands {@code lane} over; false when the subscriber has cancelled and the lane is still the pool's. */
        boolean deliver(Lane lane) {
            synchronized (this) {
                if (cancelled || done) {
                    return false;
                }
                if (!requested) {
                    this.lane = lane;
                    return true;
                }
                done = true;
            }
            signal(() -> {
                actual.onNext(lane);
                actual.onComplete();
            });
            return true;
        }

        /** Ends the call with {@code error}, unless it has ended or cancelled. */
        void fail(Throwable error) {
            if (end()) {
                signal(() -> actual.onError(error));
            }
        }

        /** Ends the call without a lane, unless it has ended or cancelled. */
        void empty() {
            if (end()) {
                signal(actual::onComplete);
            }
        }

        /**
         * Gives the subscriber a signal. What it throws is its own failure, not that of the thread signalling (a
         * statement giving its lane back, the timer ending several waits, the pool closing): it goes to Reactor's
         * dropped-error hook, and a lane handed over stays the subscriber's.
         */
        private void signal(Runnable signal) {
            try {
                signal.run();
            } catch (Throwable e) {
                try {
                    Operators.onErrorDropped(e, actual.currentContext());
                } catch (Throwable hook) {
                    // a dropped-error hook that throws has had the error; the other waiters still get theirs
                }
            }
        }

        /** Whether the call ends now: it had not ended nor cancelled. */
        private synchronized boolean end() {
            if (cancelled || done) {
                return false;
            }
            done = true;
            return true;
        }

        @Override
        public void request(long n) {
            if (!Operators.validate(n)) {
                return;
            }
            Lane come;
            synchronized (this) {
                if (requested) {
                    return;
                }
                requested = true;
                come = lane;
                if (come == null || cancelled || done) {
                    return;
                }
                lane = null;
                done = true;
            }
            signal(() -> {
                actual.onNext(come);
                actual.onComplete();
            });
        }

        @Override
        public void cancel() {
            Lane come;
            synchronized (this) {
                if (cancelled || done) {
                    return;
                }
                cancelled = true;
                come = lane;
                lane = null;
            }
            if (come != null) {
                release(come);
            } else {
                remove(this);
            }
        }
    }
}
