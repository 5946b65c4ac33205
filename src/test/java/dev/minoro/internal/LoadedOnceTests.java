package dev.minoro.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** A value read once is kept; a read that failed is not, and the next subscription reads again. */
final class LoadedOnceTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aFailedReadIsReadAgainAndTheFirstValueReadIsKept() {
        AtomicInteger reads = new AtomicInteger();
        Mono<String> loaded = LoadedOnce.of(() -> {
            int read = reads.incrementAndGet();
            if (read == 1) {
                throw new IOException("the resource could not be read this time");
            }
            return "value of read " + read;
        });
        loaded.as(StepVerifier::create).expectErrorMessage("the resource could not be read this time").verify(TIMEOUT);
        loaded.as(StepVerifier::create).expectNext("value of read 2").expectComplete().verify(TIMEOUT);
        loaded.as(StepVerifier::create).expectNext("value of read 2").expectComplete().verify(TIMEOUT);
        assertEquals(2, reads.get());
    }

    /** An {@link Error} (here one Reactor takes for fatal to the JVM, which EveryError signals) is not kept either. */
    @Test
    void anErrorIsNotKept() {
        AtomicInteger reads = new AtomicInteger();
        Mono<String> loaded = LoadedOnce.of(() -> {
            if (reads.incrementAndGet() == 1) {
                throw new NoClassDefFoundError("dev/minoro/Missing");
            }
            return "read";
        });
        loaded.as(StepVerifier::create).expectError(NoClassDefFoundError.class).verify(TIMEOUT);
        loaded.as(StepVerifier::create).expectNext("read").expectComplete().verify(TIMEOUT);
        assertEquals(2, reads.get());
    }

    @Test
    void nothingIsReadBeforeSubscription() {
        AtomicInteger reads = new AtomicInteger();
        Mono<String> loaded = LoadedOnce.of(() -> "read " + reads.incrementAndGet());
        assertEquals(0, reads.get());
        loaded.as(StepVerifier::create).expectNext("read 1").expectComplete().verify(TIMEOUT);
    }
}
