package dev.minoro.sqlite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.test.StepVerifier;

/**
 * {@link EveryError#fromCallable} signals whatever the work throws, and, once its subscriber has cancelled, keeps
 * the work's outcome to itself: no error reaches Reactor's {@code Hooks.onErrorDropped} (whose default logs it at
 * ERROR) or is thrown on the thread that ran the work, and a value is discarded.
 */
final class EveryErrorTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    static Stream<Throwable> failures() {
        return Stream.of(new IOException("the file could not be read"), new IllegalStateException("refused"),
                new NoClassDefFoundError("dev/minoro/Missing"), new OutOfMemoryError("Java heap space"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void signalsWhatTheWorkThrows(Throwable failure) {
        EveryError.fromCallable(throwing(failure)).as(StepVerifier::create).expectErrorSatisfies(e -> assertSame(failure, e)).verify(TIMEOUT);
    }

    /** Work that throws {@code failure}: the failures above are exceptions or {@link Error}s. */
    private static Callable<String> throwing(Throwable failure) {
        return () -> {
            if (failure instanceof Exception e) {
                throw e;
            }
            throw (Error) failure;
        };
    }

    @Test
    void emitsTheValueOrNothingForNull() {
        EveryError.fromCallable(() -> "value").as(StepVerifier::create).expectNext("value").verifyComplete();
        EveryError.fromCallable(() -> null).as(StepVerifier::create).verifyComplete();
    }

    @ParameterizedTest
    @MethodSource("failures")
    void anErrorThrownAfterTheSubscriberCancelledReachesNobody(Throwable failure) throws InterruptedException {
        Outcome outcome = runCancelled(throwing(failure));
        assertEquals(List.of(), outcome.dropped, "dropped errors");
        assertEquals(List.of(), outcome.thrown, "thrown on the thread that ran the work");
        assertEquals(List.of(), outcome.signals, "signals after the cancel");
    }

    @Test
    void aValueMadeAfterTheSubscriberCancelledIsDiscarded() throws InterruptedException {
        Outcome outcome = runCancelled(() -> "late");
        assertEquals(List.of("late"), outcome.discarded);
        assertEquals(List.of(), outcome.dropped, "dropped errors and values");
        assertEquals(List.of(), outcome.thrown, "thrown on the thread that ran the work");
        assertEquals(List.of(), outcome.signals, "signals after the cancel");
    }

    /** What became of a work's outcome that came after its subscriber cancelled. */
    private record Outcome(List<Object> dropped, List<Object> discarded, List<Throwable> thrown,
            List<SignalType> signals) {
    }

    /**
     * Subscribes to {@code EveryError.fromCallable(work)} on a thread of its own, cancels while {@code work} runs,
     * then lets {@code work} end, and waits for that thread to end.
     */
    private static Outcome runCancelled(Callable<String> work) throws InterruptedException {
        Outcome outcome = new Outcome(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
                new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        Mono<String> mono = EveryError.<String>fromCallable(() -> {
            running.countDown();
            assertTrue(cancelled.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            return work.call();
        }).doOnDiscard(Object.class, outcome.discarded::add);
        BaseSubscriber<String> subscriber = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                subscription.request(1);
            }

            @Override
            protected void hookFinally(SignalType type) {
                if (type != SignalType.CANCEL) {
                    outcome.signals.add(type);
                }
            }
        };
        Hooks.onErrorDropped(outcome.dropped::add);
        Hooks.onNextDropped(outcome.dropped::add);
        try {
            Thread thread = new Thread(() -> mono.subscribe(subscriber), "every-error-test");
            thread.setUncaughtExceptionHandler((t, e) -> outcome.thrown.add(e));
            thread.start();
            assertTrue(running.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            subscriber.cancel();
            cancelled.countDown();
            thread.join(TIMEOUT.toMillis());
            assertFalse(thread.isAlive());
        } finally {
            cancelled.countDown();
            Hooks.resetOnErrorDropped();
            Hooks.resetOnNextDropped();
        }
        return outcome;
    }
}
