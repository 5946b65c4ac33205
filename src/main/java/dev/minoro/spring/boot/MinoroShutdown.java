package dev.minoro.spring.boot;

import dev.minoro.Minoro;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Closes the auto-configured {@code Minoro} when the application context closes, waiting for it at most
 * {@code minoro.shutdown-timeout}.
 *
 * <p>A bean of its own, which the {@code Minoro} bean depends on: Spring destroys a bean only after every bean that
 * depends on it, so Minoro closes after everything that uses it, and never waits without bound (Spring itself would
 * wait for ever on a destroy method's {@code Mono}).
 */
final class MinoroShutdown implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(MinoroShutdown.class);

    private final Duration timeout;
    private volatile @Nullable Minoro minoro;

    MinoroShutdown(Duration timeout) {
        this.timeout = timeout;
    }

    /** The instance to close at shutdown. */
    void closeAtShutdown(Minoro minoro) {
        this.minoro = minoro;
    }

    /**
     * Subscribes to {@code close()} and waits for it, at most the timeout; past it, logs a warning and returns while
     * the closing goes on in the background. A failure to close is logged, not thrown: the rest of the shutdown goes
     * on.
     */
    @Override
    public void destroy() {
        Minoro closing = minoro;
        if (closing == null) {
            return;
        }
        minoro = null;
        CompletableFuture<Void> closed = closing.close().toFuture();
        try {
            closed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Minoro did not close within {} (minoro.shutdown-timeout); shutdown goes on and Minoro's"
                    + " closing finishes in the background", timeout);
        } catch (ExecutionException e) {
            LOG.warn("Minoro failed to close", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while waiting for Minoro to close; its closing finishes in the background");
        }
    }
}
