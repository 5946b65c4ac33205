package dev.minoro.internal.database;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * A mutual-exclusion lock for reactive code: waiters queue without holding a thread, in arrival order,
 * and a waiter that cancels (for example on a timeout) leaves the queue, or passes the lock on if it
 * was granted at that very moment.
 */
final class AsyncMutex {

    private static final int WAITING = 0;
    private static final int GRANTED = 1;
    private static final int CANCELLED = 2;

    private final Queue<Waiter> waiters = new ArrayDeque<>();
    private boolean held;

    /**
     * A cold {@code Mono} that emits a {@link Runnable} releasing the lock once this subscriber holds
     * it. The releaser must be run exactly once.
     */
    Mono<Runnable> acquire() {
        return Mono.create(sink -> {
            Waiter waiter = new Waiter(sink);
            boolean grantNow;
            synchronized (this) {
                grantNow = !held;
                if (grantNow) {
                    held = true;
                } else {
                    waiters.add(waiter);
                }
            }
            sink.onCancel(waiter::cancel);
            if (grantNow) {
                waiter.grant();
            }
        });
    }

    private void release() {
        while (true) {
            Waiter next;
            synchronized (this) {
                next = waiters.poll();
                if (next == null) {
                    held = false;
                    return;
                }
            }
            if (next.grant()) {
                return;
            }
        }
    }

    private final class Waiter {

        private final MonoSink<Runnable> sink;
        private final AtomicInteger state = new AtomicInteger(WAITING);

        Waiter(MonoSink<Runnable> sink) {
            this.sink = sink;
        }

        /** Hands the lock to this waiter; false when it had cancelled already. */
        boolean grant() {
            if (!state.compareAndSet(WAITING, GRANTED)) {
                return false;
            }
            // If the subscriber cancels between the state change and this signal, cancel() sees
            // GRANTED and releases the lock on its behalf.
            sink.success(onceOnly(AsyncMutex.this::release));
            return true;
        }

        void cancel() {
            if (state.compareAndSet(WAITING, CANCELLED)) {
                synchronized (AsyncMutex.this) {
                    waiters.remove(this);
                }
            } else if (state.compareAndSet(GRANTED, CANCELLED)) {
                release();
            }
        }

        private Runnable onceOnly(Runnable release) {
            return () -> {
                if (state.compareAndSet(GRANTED, CANCELLED)) {
                    release.run();
                }
            };
        }
    }
}
