package dev.minoro.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseException;
import dev.minoro.Minoro;
import dev.minoro.MinoroClosedException;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.TestConfigs;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@link MinoroShutdown}: the wait for {@code close()} at shutdown is bounded, and what lies beyond the bound, or
 * fails, does not stop the rest of the shutdown. Over a real Minoro whose {@code close()} the test holds back.
 */
final class MinoroShutdownIntegrationTests {

    private static final Duration TIMEOUT = MinoroAutoConfigurationIntegrationTests.TIMEOUT;

    @TempDir
    Path directory;

    private Minoro minoro;

    @BeforeEach
    void boot() {
        minoro = Minoro.create(TestConfigs.fast(TestConfigs.sqliteFile(directory, "shutdown.db"),
                MutableClock.atFixedStart())).block(TIMEOUT);
    }

    @AfterEach
    void close() {
        minoro.close().block(TIMEOUT);
    }

    /** {@code minoro} with {@code close()} replaced by what {@code close} makes of the real one. */
    private Minoro withClose(Function<Mono<Void>, Mono<Void>> close) {
        return (Minoro) Proxy.newProxyInstance(Minoro.class.getClassLoader(), new Class<?>[] { Minoro.class },
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        return close.apply(minoro.close());
                    }
                    try {
                        return method.invoke(minoro, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void closesTheInstance() {
        MinoroShutdown shutdown = new MinoroShutdown(TIMEOUT);
        shutdown.closeAtShutdown(minoro);
        shutdown.destroy();
        assertThrows(MinoroClosedException.class, () -> minoro.users().count().block(TIMEOUT));
    }

    @Test
    void waitsAtMostTheTimeoutAndTheClosingFinishesInTheBackground() throws InterruptedException {
        Sinks.Empty<Void> held = Sinks.empty();
        CountDownLatch closedInBackground = new CountDownLatch(1);
        MinoroShutdown shutdown = new MinoroShutdown(Duration.ofMillis(200));
        shutdown.closeAtShutdown(withClose(close -> held.asMono().then(close)
                .doOnSuccess(done -> closedInBackground.countDown())));

        shutdown.destroy();

        assertEquals(0L, minoro.users().count().block(TIMEOUT), "destroy returned before Minoro closed");
        held.tryEmitEmpty();
        assertTrue(closedInBackground.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertThrows(MinoroClosedException.class, () -> minoro.users().count().block(TIMEOUT));
    }

    @Test
    void aFailureToCloseIsLoggedNotThrown() {
        MinoroShutdown shutdown = new MinoroShutdown(TIMEOUT);
        shutdown.closeAtShutdown(withClose(close -> Mono.error(new DatabaseException("closing failed", null))));
        shutdown.destroy();
    }

    @Test
    void closesOnce() {
        AtomicInteger closes = new AtomicInteger();
        MinoroShutdown shutdown = new MinoroShutdown(TIMEOUT);
        shutdown.closeAtShutdown(withClose(close -> close.doOnSuccess(done -> closes.incrementAndGet())));
        shutdown.destroy();
        shutdown.destroy();
        assertEquals(1, closes.get());
    }
}
