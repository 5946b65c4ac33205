package dev.minoro.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.internal.metrics.LoginAttempt;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/** The login event stream's delivery to subscribers that fail. */
final class LoginEventsTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    static Stream<Error> fatalErrors() {
        return Stream.of(new StackOverflowError(), new NoClassDefFoundError("dev/minoro/Missing (thrown by the test)"),
                new OutOfMemoryError("Java heap space (thrown by the test)"));
    }

    private static void login(LoginEvents events) {
        events.around(new LoginAttempt(), Mono.just("user")).block(TIMEOUT);
    }

    /**
     * A subscriber whose {@code onNext} throws what Reactor takes for fatal to the JVM gets it as its error and is
     * unsubscribed, instead of being left without events or an error while its buffer fills (every later event then
     * counted dropped); another subscriber keeps receiving.
     */
    @ParameterizedTest
    @MethodSource("fatalErrors")
    void aSubscriberThatThrowsAJvmFatalErrorGetsItAsItsErrorAndIsUnsubscribed(Error thrown) throws Exception {
        int buffer = 4;
        LoginEvents events = new LoginEvents(Clock.systemUTC(), buffer, LoginEvents.delivery());
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        Semaphore received = new Semaphore(0);
        Disposable failing = events.events().subscribe(event -> {
            throw thrown;
        }, failed::complete);
        Disposable other = events.events().subscribe(event -> received.release());
        try {
            login(events);
            // before: the subscriber never heard of it (a TimeoutException here)
            assertSame(thrown, failed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertTrue(received.tryAcquire(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            // one event at a time, each received by the other subscriber before the next: it drops none
            for (int i = 0; i < 3 * buffer; i++) {
                login(events);
                assertTrue(received.tryAcquire(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "event " + i + " not received");
            }
            // before: the failed subscriber, still subscribed, had each event past its buffer counted dropped
            assertEquals(0, events.dropped(), "events dropped for the failed subscriber");
        } finally {
            failing.dispose();
            other.dispose();
        }
    }
}
