package dev.minoro.internal.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

final class AsyncMutexTests {

    /**
     * Whether nobody holds {@code mutex}, seen as its users see it: an acquire is granted at once (and given back)
     * only when the lock is free; otherwise it waits, and leaves the queue when disposed.
     */
    private static boolean isFree(AsyncMutex mutex) {
        AtomicReference<Runnable> granted = new AtomicReference<>();
        mutex.acquire().subscribe(granted::set).dispose();
        Runnable release = granted.get();
        if (release == null) {
            return false;
        }
        release.run();
        return true;
    }

    @Test
    void grantsInArrivalOrderOneAtATime() {
        AsyncMutex mutex = new AsyncMutex();
        Runnable first = mutex.acquire().block();
        List<Integer> order = new CopyOnWriteArrayList<>();
        Disposable second = mutex.acquire().subscribe(release -> {
            order.add(2);
            release.run();
        });
        Disposable third = mutex.acquire().subscribe(release -> {
            order.add(3);
            release.run();
        });
        assertEquals(List.of(), order, "nobody gets the lock while it is held");
        first.run();
        assertEquals(List.of(2, 3), order);
        assertTrue(isFree(mutex));
        second.dispose();
        third.dispose();
    }

    @Test
    void aWaiterThatTimesOutLeavesTheQueue() {
        AsyncMutex mutex = new AsyncMutex();
        Runnable held = mutex.acquire().block();
        StepVerifier.withVirtualTime(() -> mutex.acquire().timeout(Duration.ofSeconds(5)))
                .thenAwait(Duration.ofSeconds(5))
                .expectError(TimeoutException.class)
                .verify(Duration.ofSeconds(5));
        held.run();
        assertTrue(isFree(mutex), "the timed-out waiter was not granted the lock");
    }

    @Test
    void releasingTwiceIsHarmless() {
        AsyncMutex mutex = new AsyncMutex();
        Runnable release = mutex.acquire().block();
        release.run();
        Runnable next = mutex.acquire().block();
        release.run(); // a second release of the old grant must not release the new holder's lock
        assertFalse(isFree(mutex));
        next.run();
        assertTrue(isFree(mutex));
    }

    @Test
    void excludesUnderContention() {
        AsyncMutex mutex = new AsyncMutex();
        int[] inside = {0};
        int[] maxInside = {0};
        Flux.range(0, 200)
                .flatMap(i -> Mono.usingWhen(mutex.acquire(),
                        release -> Mono.fromRunnable(() -> {
                            synchronized (inside) {
                                inside[0]++;
                                maxInside[0] = Math.max(maxInside[0], inside[0]);
                            }
                        }).then(Mono.delay(Duration.ofMillis(1))).then(Mono.fromRunnable(() -> {
                            synchronized (inside) {
                                inside[0]--;
                            }
                        })),
                        release -> Mono.fromRunnable(release)), 50)
                .then()
                .as(StepVerifier::create)
                .verifyComplete();
        assertEquals(1, maxInside[0]);
        assertTrue(isFree(mutex));
    }
}
