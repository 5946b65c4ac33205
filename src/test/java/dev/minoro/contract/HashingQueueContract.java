package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.MinoroException;
import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.OverloadedException;
import dev.minoro.User;
import dev.minoro.testing.HashingGate;
import dev.minoro.testing.StatementRecorder;
import dev.minoro.testing.TestConfigs;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The hashing queue seen from the repositories and the login, for every database: admission comes
 * before database work, and whatever fails on a hashing thread reaches the caller.
 */
public interface HashingQueueContract extends MinoroFixture {

    /**
     * Every kind of failure on a hashing thread, an {@link OutOfMemoryError} included (an imported hash
     * with a huge memory cost used to kill the thread and leave the login without an answer), reaches
     * the caller as an error; the hashing threads keep working afterwards.
     */
    @Test
    default void whateverFailsOnAHashingThreadReachesTheCaller() {
        User ada = user("ada@example.com");
        HashingGate gate = HashingGate.counting();
        Minoro minoro = another(b -> b.hashingThreads(1), gate);
        List<Supplier<Throwable>> failures = List.of(() -> new OutOfMemoryError("Java heap space (thrown by the test)"),
                () -> new StackOverflowError(), () -> new IllegalStateException("broken (thrown by the test)"));
        for (Supplier<Throwable> failure : failures) {
            gate.failingWith(failure);
            Class<?> type = failure.get().getClass();
            List<Mono<?>> calls = List.of(minoro.authenticate("ada@example.com", TestConfigs.PASSWORD),
                    minoro.authenticate("nobody@example.com", TestConfigs.PASSWORD),
                    minoro.users().create(NewUser.of("new@example.com", TestConfigs.PASSWORD)),
                    minoro.users().changePassword(ada.id(), "another long password"));
            for (Mono<?> call : calls) {
                call.as(StepVerifier::create)
                        .expectErrorSatisfies(e -> {
                            assertInstanceOf(MinoroException.class, e);
                            assertInstanceOf(type, e.getCause(), e.toString());
                            assertTrue(e.getMessage().startsWith("password hashing failed on its thread: "
                                    + type.getName()), e.getMessage());
                        })
                        .verify(QUICK);
            }
            minoro().users().unlock(ada.id()).block(TIMEOUT);
        }
        gate.failingWith(null);
        minoro.authenticate("ada@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .assertNext(user -> assertEquals(ada.id(), user.id())).verifyComplete();
        minoro.users().count().as(StepVerifier::create).expectNext(1L).verifyComplete();
    }

    /**
     * A login that the full hashing queue refuses does no database work first: admission to the queue
     * comes before the lookup, so a burst beyond capacity costs the database nothing.
     */
    @Test
    default void aLoginRefusedForOverloadRunsNoStatement() throws InterruptedException {
        StatementRecorder recorder = new StatementRecorder();
        HashingGate gate = HashingGate.holdingFirst(1);
        Minoro minoro = another(b -> withConnections(b, recorder::wrap).hashingThreads(1).hashingQueueCapacity(1),
                gate);
        user("held@example.com");
        user("refused@example.com");
        StepVerifier held;
        StepVerifier queued;
        try {
            held = minoro.authenticate("held@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                    .expectNextCount(1).expectComplete().verifyLater();
            gate.awaitHeld(1, TIMEOUT);
            queued = minoro.users().create(NewUser.of("queued@example.com", TestConfigs.PASSWORD))
                    .as(StepVerifier::create).expectNextCount(1).expectComplete().verifyLater();
            int before = recorder.statements().size();

            minoro.authenticate("refused@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertInstanceOf(OverloadedException.class, e))
                    .verify(TIMEOUT);
            minoro.authenticate("nobody@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertInstanceOf(OverloadedException.class, e))
                    .verify(TIMEOUT);
            assertEquals(recorder.statements().subList(0, before), recorder.statements(),
                    "no statement for the refused logins");
        } finally {
            gate.release();
        }
        held.verify(TIMEOUT);
        queued.verify(TIMEOUT);
        // Not counted as failed attempts: the refused account is neither locked nor counting.
        for (int i = 0; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
            minoro.authenticate("refused@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                    .expectNextCount(1).verifyComplete();
        }
        assertSame(null, minoro.users().findByEmail("refused@example.com").block(TIMEOUT).lockedUntil());
    }
}
