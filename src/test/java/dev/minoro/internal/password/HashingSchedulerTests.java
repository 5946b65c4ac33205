package dev.minoro.internal.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.MinoroClosedException;
import dev.minoro.MinoroConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The hashing scheduler's threads, admission bound and counts, watched through the thread factory it is given. */
final class HashingSchedulerTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Makes daemon threads as the default factory does, and keeps each one for the assertions. */
    private static final class RecordingThreadFactory implements ThreadFactory {

        final List<Thread> made = new CopyOnWriteArrayList<>();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "test-hashing-" + made.size());
            thread.setDaemon(true);
            made.add(thread);
            return thread;
        }
    }

    @Test
    void threadsStartAtTheFirstWorkNotBeforeAndEndWithClose() throws InterruptedException {
        RecordingThreadFactory threads = new RecordingThreadFactory();
        HashingScheduler scheduler = HashingScheduler.create(2, 4, 64, threads);

        assertEquals(List.of(), threads.made, "no thread before the first work");
        assertFalse(scheduler.started());

        scheduler.run(() -> Thread.currentThread().getName()).as(StepVerifier::create)
                .expectNextMatches(name -> name.startsWith("test-hashing-"))
                .verifyComplete();

        assertTrue(scheduler.started());
        assertEquals(2, threads.made.size(), "all threads at the first work: " + threads.made);
        threads.made.forEach(thread -> assertTrue(thread.isAlive(), thread.getName()));

        scheduler.run(() -> "again").as(StepVerifier::create).expectNext("again").verifyComplete();
        assertEquals(2, threads.made.size(), "later work starts no thread: " + threads.made);

        scheduler.close().as(StepVerifier::create).verifyComplete();
        for (Thread thread : threads.made) {
            // close() completes once the executor has terminated; the thread may still be on its way out
            thread.join(TIMEOUT.toMillis());
            assertFalse(thread.isAlive(), thread.getName());
        }
    }

    /** The seam: a hasher given a scheduler hashes on its threads, started by the first hash, and closes it. */
    @Test
    void aHasherHashesOnTheSchedulerItIsGivenAndClosesIt() throws InterruptedException {
        RecordingThreadFactory threads = new RecordingThreadFactory();
        HashingScheduler scheduler = HashingScheduler.create(1, 2, 64, threads);
        PasswordHasher hasher = PasswordHasher.create(MinoroConfig.builder().database(DatabaseConfig.sqlite(":memory:"))
                .argon2(64, 1, 1).build(), scheduler, HashingObserver.NONE);
        assertSame(scheduler, hasher.scheduler());
        assertEquals(List.of(), threads.made, "no thread before the first hash");

        hasher.hash("correct horse").flatMap(hash -> hasher.verify("correct horse", hash))
                .as(StepVerifier::create).expectNext(true).verifyComplete();
        assertEquals(1, threads.made.size(), threads.made.toString());

        hasher.close().as(StepVerifier::create).verifyComplete();
        assertTrue(scheduler.isClosed());
        Thread thread = threads.made.get(0);
        thread.join(TIMEOUT.toMillis());
        assertFalse(thread.isAlive(), thread.getName());
    }

    @Test
    void closingBeforeAnyWorkStartsNoThreadAndLaterWorkFailsAsClosed() {
        RecordingThreadFactory threads = new RecordingThreadFactory();
        HashingScheduler scheduler = HashingScheduler.create(2, 4, 64, threads);

        scheduler.close().as(StepVerifier::create).verifyComplete();
        scheduler.run(() -> "late").as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertInstanceOf(MinoroClosedException.class, e))
                .verify(TIMEOUT);

        assertEquals(List.of(), threads.made);
        assertTrue(scheduler.isClosed());
        scheduler.close().as(StepVerifier::create).verifyComplete();
    }

    /**
     * The first work of all, subscribed from many parallel threads at once, starts the threads without making
     * any of those callers wait for the executor's lock (BlockHound, installed for the suite, would fail them).
     */
    @Test
    void theFirstWorkFromManyParallelThreadsAtOnceNeverBlocksThem() {
        RecordingThreadFactory threads = new RecordingThreadFactory();
        HashingScheduler scheduler = HashingScheduler.create(2, 64, 64, threads);
        try {
            Flux.range(0, 64)
                    .flatMap(i -> scheduler.run(() -> i).subscribeOn(Schedulers.parallel()), 64)
                    .count()
                    .as(StepVerifier::create)
                    .expectNext(64L)
                    .verifyComplete();
            assertEquals(2, threads.made.size(), threads.made.toString());
        } finally {
            scheduler.close().block(TIMEOUT);
        }
    }

    /**
     * A start whose thread could not be made fails the work that asked for it, and is not kept: the next work starts
     * the threads and runs. Run with an exception and with an {@link Error} (the JVM out of native threads), which
     * Reactor would otherwise throw instead of signalling.
     */
    @ParameterizedTest
    @MethodSource("threadCreationFailures")
    void aStartThatFailedIsTriedAgainByTheNextWork(Throwable failure) {
        RecordingThreadFactory threads = new RecordingThreadFactory();
        AtomicInteger calls = new AtomicInteger();
        HashingScheduler scheduler = HashingScheduler.create(2, 4, 64, task -> {
            if (calls.incrementAndGet() == 1 && failure instanceof RuntimeException e) {
                throw e;
            }
            if (calls.get() == 1) {
                throw (Error) failure;
            }
            return threads.newThread(task);
        });
        try {
            scheduler.run(() -> "first").as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertSame(failure, e))
                    .verify(TIMEOUT);
            assertFalse(scheduler.started());
            assertEquals(0, scheduler.queued());

            scheduler.run(() -> "second").as(StepVerifier::create).expectNext("second").verifyComplete();
            assertTrue(scheduler.started());
            assertEquals(2, threads.made.size(), threads.made.toString());
            assertEquals(3, calls.get(), "one failed call, then one for each thread");

            scheduler.run(() -> "third").as(StepVerifier::create).expectNext("third").verifyComplete();
            assertEquals(3, calls.get(), "a start that succeeded is not done again");
        } finally {
            scheduler.close().block(TIMEOUT);
        }
    }

    static Stream<Throwable> threadCreationFailures() {
        return Stream.of(new IllegalStateException("no thread this time"),
                new OutOfMemoryError("unable to create native thread: possibly out of memory"));
    }

    /**
     * Works that come while the threads are starting share that start and its outcome: when it fails, they all
     * fail with its error, and the thread factory was asked once.
     */
    @Test
    void worksThatComeDuringTheFirstStartShareItsFailure() throws InterruptedException {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch refuse = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException failure = new IllegalStateException("no thread this time");
        RecordingThreadFactory threads = new RecordingThreadFactory();
        HashingScheduler scheduler = HashingScheduler.create(2, 4, 64, task -> {
            if (calls.incrementAndGet() > 1) {
                return threads.newThread(task);
            }
            asked.countDown();
            try {
                refuse.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw failure;
        });
        try {
            StepVerifier first = scheduler.run(() -> "first").as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertSame(failure, e)).verifyLater();
            assertTrue(asked.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            StepVerifier second = scheduler.run(() -> "second").as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertSame(failure, e)).verifyLater();
            refuse.countDown();
            first.verify(TIMEOUT);
            second.verify(TIMEOUT);
            assertEquals(1, calls.get(), "one start for both");

            scheduler.run(() -> "third").as(StepVerifier::create).expectNext("third").verifyComplete();
            assertEquals(2, threads.made.size(), threads.made.toString());
        } finally {
            refuse.countDown();
            scheduler.close().block(TIMEOUT);
        }
    }

    @Test
    void admissionIsBoundedAndCountsRefusals() {
        HashingScheduler scheduler = HashingScheduler.create(1, 1, 64);
        try {
            assertTrue(scheduler.tryAdmit());
            assertTrue(scheduler.tryAdmit());
            assertEquals(2, scheduler.admitted());
            assertFalse(scheduler.tryAdmit());
            assertFalse(scheduler.tryAdmit());
            assertEquals(2, scheduler.rejected());
            assertEquals(2, scheduler.admitted());

            scheduler.release();
            assertTrue(scheduler.tryAdmit());
            assertEquals(2, scheduler.rejected());
            assertEquals("Password hashing is at capacity: all 1 hashing threads are busy and all 1 queue slots are"
                    + " taken. Retry later, or raise hashingThreads (up to the cores available) or"
                    + " hashingQueueCapacity in MinoroConfig; each hash holds 64 KiB while it runs.",
                    scheduler.overloaded().getMessage());
        } finally {
            scheduler.close().block(TIMEOUT);
        }
    }

    @Test
    void countsWhatRunsAndWhatWaits() throws InterruptedException {
        HashingScheduler scheduler = HashingScheduler.create(1, 4, 64);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            assertEquals(0, scheduler.queued());
            assertEquals(0, scheduler.running());
            StepVerifier first = scheduler.run(() -> {
                running.countDown();
                return release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }).as(StepVerifier::create).expectNext(true).expectComplete().verifyLater();
            assertTrue(running.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            StepVerifier second = scheduler.run(() -> "second").as(StepVerifier::create).expectNext("second")
                    .expectComplete().verifyLater();

            assertEquals(1, scheduler.running());
            assertEquals(1, scheduler.queued());

            release.countDown();
            first.verify(TIMEOUT);
            second.verify(TIMEOUT);
            assertEquals(0, scheduler.queued());
        } finally {
            release.countDown();
            scheduler.close().block(TIMEOUT);
        }
    }

    @Test
    void aCancelledWaitingWorkLeavesTheQueue() throws InterruptedException {
        HashingScheduler scheduler = HashingScheduler.create(1, 4, 64);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            StepVerifier first = scheduler.run(() -> {
                running.countDown();
                return release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }).as(StepVerifier::create).expectNext(true).expectComplete().verifyLater();
            assertTrue(running.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));

            scheduler.run(() -> "cancelled").subscribe().dispose();
            assertEquals(0, scheduler.queued());

            release.countDown();
            first.verify(TIMEOUT);
            Mono.when(scheduler.run(() -> "after")).as(StepVerifier::create).verifyComplete();
        } finally {
            release.countDown();
            scheduler.close().block(TIMEOUT);
        }
    }
}
