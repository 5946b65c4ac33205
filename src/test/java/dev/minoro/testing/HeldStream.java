package dev.minoro.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * A subscriber that asks for one element and then for nothing more, holding its stream open until disposed: a
 * client reading a stream of rows slowly.
 *
 * @param <T> the elements of the stream
 */
public final class HeldStream<T> extends BaseSubscriber<T> {

    private final CountDownLatch first = new CountDownLatch(1);

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
        request(1);
    }

    @Override
    protected void hookOnNext(T value) {
        first.countDown();
    }

    /** Waits up to {@code timeout} for the stream's first element; fails if it has not come by then. */
    public void awaitFirst(Duration timeout) throws InterruptedException {
        if (!first.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the stream's first element did not come within " + timeout);
        }
    }
}
