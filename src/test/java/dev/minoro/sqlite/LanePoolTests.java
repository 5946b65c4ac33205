package dev.minoro.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * {@link LanePool} on its own: lanes that are never opened on a database (the pool only hands them out), so each
 * rule of the pool (first come first served, the lane given back last handed out first, lanes opened lazily, a
 * wait bounded by its {@link LockWait}, a cancelled wait leaving the queue, closing) is seen without SQLite.
 */
class LanePoolTests {

    /** A bound on every wait in these tests, for a hang only; no assertion depends on it. */
    private static final Duration HANG = Duration.ofSeconds(30);
    private static final Duration LONG = Duration.ofMinutes(10);

    private final Scheduler threads = Schedulers.newBoundedElastic(4, 1000, "lane-pool-test");
    private final AtomicInteger opened = new AtomicInteger();
    private final List<Lane> lanes = new CopyOnWriteArrayList<>();

    @AfterEach
    void disposeThreads() {
        threads.dispose();
    }

    private LanePool pool(int size) {
        return new LanePool(size, wait -> Mono.fromSupplier(this::lane), Lane::close,
                () -> new IllegalStateException("closed"));
    }

    private Lane lane() {
        Lane lane = new Lane("lane-" + opened.incrementAndGet(), threads.createWorker(), "test", LONG,
                new StatementCache(4, new LongAdder(), new LongAdder()));
        lanes.add(lane);
        return lane;
    }

    private static Lane take(LanePool pool) {
        return pool.acquire(new LockWait(LONG)).block(HANG);
    }

    /** A call for a lane of {@code pool}, subscribed now; its outcome replayed to each later subscriber. */
    private static Mono<Lane> waiting(LanePool pool) {
        return waiting(pool, LONG);
    }

    /** {@link #waiting(LanePool)}, waiting at most {@code wait}. */
    private static Mono<Lane> waiting(LanePool pool, Duration wait) {
        Mono<Lane> call = pool.acquire(new LockWait(wait)).cache();
        call.subscribe(lane -> { }, e -> { });
        return call;
    }

    /** A call for a lane of {@code pool} whose subscriber throws on every signal it gets. */
    private static void throwingSubscriber(LanePool pool, Duration wait, AtomicInteger signals) {
        pool.acquire(new LockWait(wait)).subscribe(new CoreSubscriber<Lane>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(1);
            }

            @Override
            public void onNext(Lane lane) {
                signals.incrementAndGet();
                throw new IllegalStateException("the subscriber fails on its lane");
            }

            @Override
            public void onError(Throwable t) {
                signals.incrementAndGet();
                throw new IllegalStateException("the subscriber fails on its error");
            }

            @Override
            public void onComplete() {
            }
        });
    }

    @Test
    void aSubscriberThatThrowsOnItsSignalKeepsNoOtherCallFromItsOwn() {
        Hooks.onErrorDropped(e -> {
            throw new IllegalStateException("the dropped-error hook fails too", e);
        });
        try {
            LanePool pool = pool(1);
            Lane lane = take(pool);
            AtomicInteger signals = new AtomicInteger();
            // two waits that run out at once, the first one's subscriber throwing: the second still ends
            throwingSubscriber(pool, Duration.ofMillis(20), signals);
            Mono<Lane> second = waiting(pool, Duration.ofMillis(20));
            StepVerifier.create(second).expectError(TimeoutException.class).verify(HANG);
            // a lane given back to a subscriber that throws on it stays that subscriber's: the giver goes on
            throwingSubscriber(pool, LONG, signals);
            pool.release(lane);
            assertThat(pool.acquiredSize()).isEqualTo(1);
            // closing with a throwing waiter first: the waiter after it still hears of the close
            throwingSubscriber(pool, LONG, signals);
            Mono<Lane> last = waiting(pool);
            pool.close().block(HANG);
            StepVerifier.create(last).expectErrorMessage("closed").verify(HANG);
            assertThat(signals).hasValue(3);
        } finally {
            Hooks.resetOnErrorDropped();
        }
    }

    @Test
    void callsWaitingForTheOnlyLaneGetItInTheOrderTheyCame() {
        LanePool pool = pool(1);
        Lane lane = take(pool);
        List<String> order = new CopyOnWriteArrayList<>();
        List<Disposable> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = "call-" + i;
            waiting.add(pool.acquire(new LockWait(LONG)).subscribe(given -> {
                order.add(name);
                // each caller gives the lane back at once, which hands it to the next in line
                pool.release(given);
            }));
        }
        assertThat(pool.pendingAcquireSize()).isEqualTo(5);
        pool.release(lane);
        assertThat(order).containsExactly("call-0", "call-1", "call-2", "call-3", "call-4");
        assertThat(pool.pendingAcquireSize()).isZero();
        assertThat(pool.acquiredSize()).isZero();
        assertThat(pool.idleSize()).isEqualTo(1);
        assertThat(opened).hasValue(1);
        waiting.forEach(Disposable::dispose);
    }

    @Test
    void theLaneGivenBackLastIsHandedOutFirstAndLanesOpenOnlyWhenNoneIsIdle() {
        LanePool pool = pool(3);
        Lane first = take(pool);
        pool.release(first);
        // one caller at a time never opens a second lane
        for (int i = 0; i < 10; i++) {
            Lane again = take(pool);
            assertThat(again).isSameAs(first);
            pool.release(again);
        }
        assertThat(opened).hasValue(1);
        Lane a = take(pool);
        Lane b = take(pool);
        assertThat(opened).hasValue(2);
        pool.release(a);
        pool.release(b);
        assertThat(take(pool)).isSameAs(b);
        assertThat(take(pool)).isSameAs(a);
        assertThat(pool.allocatedSize()).isEqualTo(2);
        assertThat(pool.maxAllocatedSize()).isEqualTo(3);
    }

    @Test
    void aWaitEndsWithTimeoutExceptionWhenItsLockWaitRunsOutAndLaterWaitsStillGetTheLane() {
        LanePool pool = pool(1);
        Lane lane = take(pool);
        // the longer wait queues first: the timer set for it must be brought forward for the shorter one
        Mono<Lane> patient = waiting(pool);
        StepVerifier.create(pool.acquire(new LockWait(Duration.ofMillis(50))))
                .expectError(TimeoutException.class)
                .verify(HANG);
        StepVerifier.create(pool.acquire(new LockWait(Duration.ZERO)))
                .expectError(TimeoutException.class)
                .verify(HANG);
        assertThat(pool.pendingAcquireSize()).isEqualTo(1);
        pool.release(lane);
        assertThat(patient.block(HANG)).isSameAs(lane);
        assertThat(pool.pendingAcquireSize()).isZero();
    }

    @Test
    void aCancelledWaitLeavesTheQueueAndNeverTakesTheLane() {
        LanePool pool = pool(1);
        Lane lane = take(pool);
        AtomicReference<Lane> cancelledGot = new AtomicReference<>();
        Disposable cancelled = pool.acquire(new LockWait(LONG)).subscribe(cancelledGot::set);
        Mono<Lane> next = waiting(pool);
        assertThat(pool.pendingAcquireSize()).isEqualTo(2);
        cancelled.dispose();
        assertThat(pool.pendingAcquireSize()).isEqualTo(1);
        pool.release(lane);
        assertThat(next.block(HANG)).isSameAs(lane);
        assertThat(cancelledGot).hasValue(null);
        assertThat(pool.acquiredSize()).isEqualTo(1);
    }

    @Test
    void aLaneHandedToACallThatCancelsBeforeAskingForItGoesBack() {
        LanePool pool = pool(1);
        StepVerifier.create(pool.acquire(new LockWait(LONG)), 0)
                .expectSubscription()
                .thenAwait(Duration.ofMillis(10))
                .thenCancel()
                .verify(HANG);
        assertThat(pool.acquiredSize()).isZero();
        assertThat(pool.idleSize()).isEqualTo(1);
        // and one that asks later gets it then
        StepVerifier.create(pool.acquire(new LockWait(LONG)), 0)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(10))
                .thenRequest(1)
                .expectNextCount(1)
                .verifyComplete();
        assertThat(pool.acquiredSize()).isEqualTo(1);
    }

    @Test
    void aFailedOpeningFailsItsCallAndTheNextWaitingCallOpensALaneOfItsOwn() {
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch firstOpening = new CountDownLatch(1);
        LanePool pool = new LanePool(1, wait -> Mono.defer(() -> attempts.incrementAndGet() == 1
                ? Mono.<Lane>error(new IllegalStateException("cannot open"))
                        .delaySubscription(Mono.fromRunnable(() -> awaitQuietly(firstOpening))
                                .subscribeOn(Schedulers.boundedElastic()).then())
                : Mono.fromSupplier(this::lane)), Lane::close, () -> new IllegalStateException("closed"));
        Mono<Lane> failing = waiting(pool);
        Mono<Lane> behind = waiting(pool);
        assertThat(pool.pendingAcquireSize()).isEqualTo(1);
        firstOpening.countDown();
        StepVerifier.create(failing).expectErrorMessage("cannot open").verify(HANG);
        assertThat(behind.block(HANG)).isNotNull();
        assertThat(pool.allocatedSize()).isEqualTo(1);
        assertThat(pool.acquiredSize()).isEqualTo(1);
    }

    @Test
    void closingFailsTheWaitingCallsClosesIdleLanesAndLanesGivenBackLater() {
        LanePool pool = pool(2);
        Lane idle = take(pool);
        Lane held = take(pool);
        pool.release(idle);
        // the idle lane is taken again, and the pool is full: this call waits
        Lane again = take(pool);
        pool.release(again);
        Lane held2 = take(pool);
        Mono<Lane> waiting = waiting(pool);
        pool.close().block(HANG);
        StepVerifier.create(waiting).expectErrorMessage("closed").verify(HANG);
        StepVerifier.create(pool.acquire(new LockWait(LONG))).expectErrorMessage("closed").verify(HANG);
        StepVerifier.create(pool.lendIdle()).expectErrorMessage("closed").verify(HANG);
        pool.release(held);
        pool.release(held2);
        assertThat(pool.acquiredSize()).isZero();
        assertThat(pool.allocatedSize()).isZero();
        assertThat(pool.pendingAcquireSize()).isZero();
        // every lane the pool opened is closed: a closed lane refuses to open, an open one would run its opener
        assertThat(lanes).hasSize(2);
        lanes.forEach(LanePoolTests::assertClosed);
        // closing again does nothing
        pool.close().block(HANG);
    }

    @Test
    void anIdleLaneIsLentOnlyIfOneIsIdleNow() {
        LanePool pool = pool(1);
        StepVerifier.create(pool.lendIdle()).verifyComplete();
        assertThat(opened).hasValue(0);
        Lane lane = take(pool);
        StepVerifier.create(pool.lendIdle()).verifyComplete();
        assertThat(pool.pendingAcquireSize()).isZero();
        pool.release(lane);
        assertThat(pool.lendIdle().block(HANG)).isSameAs(lane);
        assertThat(pool.acquiredSize()).isEqualTo(1);
    }

    @Test
    void aLentLaneLeavesRoomForAnotherAndTakesItsPlaceAgainWhenNoneOpened() {
        LanePool pool = pool(1);
        Lane first = take(pool);
        pool.release(first);
        Lane lent = pool.lendIdle().block(HANG);
        assertThat(lent).isSameAs(first);
        assertThat(pool.acquiredSize()).isEqualTo(1);
        assertThat(pool.allocatedSize()).isEqualTo(1);
        // given back with no other lane opened: the lane is the pool's again, idle, and handed out as before
        pool.release(lent);
        assertThat(pool.idleSize()).isEqualTo(1);
        assertThat(pool.allocatedSize()).isEqualTo(1);
        assertThat(take(pool)).isSameAs(first);
        assertThat(opened).hasValue(1);
    }

    @Test
    void aCallWhileALaneIsLentOpensAnotherAndTheLentLaneClosesWhenGivenBack() {
        LanePool pool = pool(1);
        pool.release(take(pool));
        Lane lent = pool.lendIdle().block(HANG);
        // the lent lane is not counted towards the size: this call opens a lane rather than wait
        Lane other = take(pool);
        assertThat(other).isNotSameAs(lent);
        assertThat(opened).hasValue(2);
        assertThat(pool.allocatedSize()).isEqualTo(2);
        assertThat(pool.acquiredSize()).isEqualTo(2);
        // one loan at a time: with the other lane idle, nothing more is lent
        pool.release(other);
        StepVerifier.create(pool.lendIdle()).verifyComplete();
        // and the pool's size holds for the calls of its own kind: with the other lane taken, the next call waits
        assertThat(take(pool)).isSameAs(other);
        Mono<Lane> waiting = waiting(pool);
        assertThat(pool.pendingAcquireSize()).isEqualTo(1);
        // given back, the lent lane closes rather than go to the waiting call: the other lane took its place
        pool.release(lent);
        assertClosed(lent);
        assertThat(pool.allocatedSize()).isEqualTo(1);
        assertThat(pool.acquiredSize()).isEqualTo(1);
        assertThat(pool.pendingAcquireSize()).isEqualTo(1);
        pool.release(other);
        assertThat(waiting.block(HANG)).isSameAs(other);
        assertThat(opened).hasValue(2);
        // a lent lane was replaced: the pool's users read and write at once, and it lends no more
        pool.release(other);
        assertThat(pool.idleSize()).isEqualTo(1);
        StepVerifier.create(pool.lendIdle()).verifyComplete();
        assertThat(pool.idleSize()).isEqualTo(1);
    }

    @Test
    void aLentLaneGivenBackWhileAnotherOpensClosesAndTheOpeningLaneServes() {
        CountDownLatch secondOpening = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        LanePool pool = new LanePool(1, wait -> Mono.defer(() -> attempts.incrementAndGet() == 1
                ? Mono.fromSupplier(this::lane)
                : Mono.fromSupplier(this::lane).delaySubscription(Mono.fromRunnable(() -> awaitQuietly(secondOpening))
                        .subscribeOn(Schedulers.boundedElastic()).then())), Lane::close,
                () -> new IllegalStateException("closed"));
        pool.release(take(pool));
        Lane lent = pool.lendIdle().block(HANG);
        Mono<Lane> replacement = waiting(pool);
        assertThat(pool.allocatedSize()).isEqualTo(2);
        pool.release(lent);
        assertClosed(lent);
        assertThat(pool.allocatedSize()).isEqualTo(1);
        secondOpening.countDown();
        assertThat(replacement.block(HANG)).isNotSameAs(lent);
        assertThat(pool.acquiredSize()).isEqualTo(1);
    }

    @Test
    void aLentLaneGivenBackAfterThePoolClosedCloses() {
        LanePool pool = pool(1);
        pool.release(take(pool));
        Lane lent = pool.lendIdle().block(HANG);
        pool.close().block(HANG);
        pool.release(lent);
        assertClosed(lent);
        assertThat(pool.allocatedSize()).isZero();
        assertThat(pool.acquiredSize()).isZero();
    }

    @Test
    void aLentLaneHandedToACallThatCancelsBeforeAskingGoesBackIdleAndCanBeLentAgain() {
        LanePool pool = pool(1);
        Lane lane = take(pool);
        pool.release(lane);
        AtomicReference<Subscription> subscription = new AtomicReference<>();
        pool.lendIdle().subscribe(new CoreSubscriber<Lane>() {
            @Override
            public void onSubscribe(Subscription s) {
                // never asks: the lane handed over waits in the call
                subscription.set(s);
            }

            @Override
            public void onNext(Lane lane) {
                throw new AssertionError("never asked for");
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
        assertThat(pool.idleSize()).isZero();
        assertThat(pool.acquiredSize()).isEqualTo(1);
        assertThat(pool.isLent(lane)).isTrue();
        subscription.get().cancel();
        assertThat(pool.isLent(lane)).isFalse();
        assertThat(pool.idleSize()).isEqualTo(1);
        assertThat(pool.acquiredSize()).isZero();
        assertThat(pool.allocatedSize()).isEqualTo(1);
        assertThat(pool.lendIdle().block(HANG)).isSameAs(lane);
    }

    /** A closed lane refuses to open; an open one would run its opener. */
    private static void assertClosed(Lane lane) {
        StepVerifier.create(lane.open(() -> {
            throw new SQLException("the lane ran its opener: it was not closed");
        }, new LockWait(LONG))).expectErrorSatisfies(e -> assertThat(e).isNotInstanceOf(SQLException.class))
                .verify(HANG);
    }

    @Test
    void callsThatComeCancelAndGiveBackFromManyThreadsAtOnceNeverShareALaneNorLoseOne() throws Exception {
        AtomicInteger closed = new AtomicInteger();
        LanePool pool = new LanePool(3, wait -> Mono.fromSupplier(this::lane), lane -> {
            closed.incrementAndGet();
            return lane.close();
        }, () -> new IllegalStateException("closed"));
        Set<Lane> held = ConcurrentHashMap.newKeySet();
        AtomicInteger shared = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        int calls = 20_000;
        CountDownLatch ended = new CountDownLatch(calls);
        for (int i = 0; i < calls; i++) {
            boolean cancel = ThreadLocalRandom.current().nextInt(4) == 0;
            boolean shortWait = ThreadLocalRandom.current().nextInt(8) == 0;
            boolean loan = ThreadLocalRandom.current().nextInt(8) == 0;
            Duration wait = shortWait ? Duration.ofNanos(1) : LONG;
            Mono.defer(() -> loan ? pool.lendIdle() : pool.acquire(new LockWait(wait)))
                    .subscribeOn(Schedulers.parallel())
                    .doOnNext(lane -> {
                        if (!held.add(lane)) {
                            shared.incrementAndGet();
                        }
                        served.incrementAndGet();
                        // given back on another thread, whatever the caller does meanwhile
                        Schedulers.parallel().schedule(() -> {
                            held.remove(lane);
                            pool.release(lane);
                        });
                    })
                    .take(cancel ? Duration.ofNanos(ThreadLocalRandom.current().nextInt(50_000)) : LONG)
                    .doFinally(signal -> ended.countDown())
                    .subscribe(lane -> { }, e -> { });
        }
        assertThat(ended.await(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // a call cut by take() may still give its lane back just after: wait for the pool to settle
        for (int i = 0; i < 3000 && (pool.acquiredSize() != 0 || pool.pendingAcquireSize() != 0); i++) {
            Thread.sleep(10);
        }
        assertThat(shared).hasValue(0);
        assertThat(served.get()).isPositive();
        assertThat(pool.acquiredSize()).isZero();
        assertThat(pool.pendingAcquireSize()).isZero();
        assertThat(pool.idleSize()).isEqualTo(pool.allocatedSize());
        // a lent lane replaced meanwhile closed when given back: every lane opened is open in the pool, or closed
        assertThat(opened.get() - closed.get()).isEqualTo(pool.allocatedSize());
        assertThat(pool.allocatedSize()).isLessThanOrEqualTo(3);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(HANG.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
