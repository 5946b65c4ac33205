package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.LoginEvent;
import dev.minoro.LoginOutcome;
import dev.minoro.Minoro;
import dev.minoro.User;
import dev.minoro.testing.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * {@link Minoro#loginEvents()} for every database: one event per login with the outcome the metrics count, the
 * user id when known and the normalised email, never the password; subscribers that stall cost logins nothing
 * and their drops are counted.
 */
public interface LoginEventsContract extends MinoroFixture {

    private static Mono<?> quietly(Mono<?> login) {
        return login.onErrorResume(e -> Mono.empty());
    }

    @Test
    default void eachLoginIsPublishedWithItsOutcomeUserAndNormalisedEmailButNeverThePassword() {
        User ann = user("ann@example.com");
        User dis = user("dis@example.com");
        minoro().users().setDisabled(dis.id(), true).block(TIMEOUT);
        User lok = user("lok@example.com");
        String wrong = "a wrong password 12345";
        minoro().loginEvents().as(StepVerifier::create)
                .then(() -> {
                    quietly(minoro().authenticate("Ann@Example.COM", TestConfigs.PASSWORD)).block(TIMEOUT);
                    quietly(minoro().authenticate("ann@example.com", wrong)).block(TIMEOUT);
                    quietly(minoro().authenticate("nobody@example.com", wrong)).block(TIMEOUT);
                    quietly(minoro().authenticate("not an email", wrong)).block(TIMEOUT);
                    quietly(minoro().authenticate("dis@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
                    for (int i = 0; i <= TestConfigs.MAX_FAILED_LOGINS; i++) {
                        quietly(minoro().authenticate("lok@example.com", wrong)).block(TIMEOUT);
                    }
                    quietly(minoro().authenticate(null, wrong)).block(TIMEOUT);
                })
                .assertNext(e -> assertEvent(e, ann, "ann@example.com", LoginOutcome.SUCCESS))
                .assertNext(e -> assertEvent(e, ann, "ann@example.com", LoginOutcome.WRONG_PASSWORD))
                .assertNext(e -> assertEvent(e, null, "nobody@example.com", LoginOutcome.UNKNOWN_EMAIL))
                .assertNext(e -> assertEvent(e, null, null, LoginOutcome.UNKNOWN_EMAIL))
                .assertNext(e -> assertEvent(e, dis, "dis@example.com", LoginOutcome.DISABLED))
                .assertNext(e -> assertEvent(e, lok, "lok@example.com", LoginOutcome.WRONG_PASSWORD))
                .assertNext(e -> assertEvent(e, lok, "lok@example.com", LoginOutcome.WRONG_PASSWORD))
                .assertNext(e -> assertEvent(e, lok, "lok@example.com", LoginOutcome.LOCKED))
                .assertNext(e -> assertEvent(e, lok, "lok@example.com", LoginOutcome.LOCKED))
                .assertNext(e -> assertEvent(e, null, null, LoginOutcome.INVALID_INPUT))
                .thenCancel()
                .verify(TIMEOUT);
        assertEquals(0, minoro().droppedLoginEvents());
    }

    private void assertEvent(LoginEvent event, User user, String email, LoginOutcome outcome) {
        assertEquals(outcome, event.outcome(), event.toString());
        assertEquals(user == null ? null : user.id(), event.userId(), event.toString());
        assertEquals(email, event.email(), event.toString());
        assertEquals(clock().instant(), event.time());
        assertFalse(event.toString().contains(TestConfigs.PASSWORD), event.toString());
        assertFalse(event.toString().contains("wrong password"), event.toString());
        assertTrue(Thread.currentThread().getName().startsWith("minoro-events-"), Thread.currentThread().getName());
    }

    /** Events before a subscription are not kept; the stream completes when the instance closes. */
    @Test
    default void theStreamIsHotAndCompletesAtClose() {
        Minoro other = another(b -> b);
        user("hot@example.com");
        other.authenticate("hot@example.com", TestConfigs.PASSWORD).block(TIMEOUT);
        other.loginEvents().as(StepVerifier::create)
                .then(() -> other.authenticate("hot@example.com", TestConfigs.PASSWORD).block(TIMEOUT))
                .assertNext(e -> assertEquals(LoginOutcome.SUCCESS, e.outcome()))
                .then(() -> other.close().block(TIMEOUT))
                .verifyComplete();
        assertEquals(0, other.droppedLoginEvents(), "nobody listened: nothing dropped");
    }

    /**
     * A subscriber stalled inside {@code onNext} holds no login: every login completes while it is stalled, its
     * buffer keeps the oldest events, the newer ones are dropped for it alone and counted (also as a metric),
     * while a second subscriber receives every event, each before the next login. (The second has a buffer of the
     * same size: logins made faster than its thread is scheduled would overflow it too, rightly, so each login
     * waits for its event to reach the second subscriber, never for the stalled one.)
     */
    @Test
    default void aStalledSubscriberNeverSlowsLoginsAndItsDropsAreCounted() throws InterruptedException {
        int buffer = 4;
        int logins = 30;
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Minoro minoro = another(b -> b.loginEventBufferSize(buffer).meterRegistry(meters));
        user("busy@example.com");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch unstall = new CountDownLatch(1);
        List<LoginEvent> stalledGot = new CopyOnWriteArrayList<>();
        BlockingQueue<LoginEvent> fastGot = new LinkedBlockingQueue<>();
        CountDownLatch stalledDone = new CountDownLatch(1);
        Disposable stalled = minoro.loginEvents().subscribe(event -> {
            stalledGot.add(event);
            entered.countDown();
            try {
                unstall.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, e -> { }, stalledDone::countDown);
        Disposable fast = minoro.loginEvents().subscribe(fastGot::add);
        List<LoginEvent> fastReceived = new ArrayList<>();
        try {
            minoro.authenticate("busy@example.com", TestConfigs.PASSWORD).block(TIMEOUT);
            assertTrue(entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the first event reached the subscriber");
            fastReceived.add(fastGot.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            for (int i = 1; i < logins; i++) {
                // Each login answers while the subscriber is stalled; a login that waited for it would time out.
                minoro.authenticate("busy@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                        .expectNextCount(1).expectComplete().verify(QUICK);
                // ... and its event reaches the other subscriber while this one is still stalled.
                fastReceived.add(fastGot.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
            assertFalse(fastReceived.contains(null), "the other subscriber got every event: " + fastReceived);
            long dropped = minoro.droppedLoginEvents();
            // One in onNext, at most one handed over, the buffer full: the rest dropped.
            assertTrue(dropped >= logins - buffer - 2 && dropped <= logins - buffer - 1, "dropped " + dropped);
            assertEquals((double) dropped, meters.get("minoro.login.events.dropped").functionCounter().count());
            unstall.countDown();
            minoro.close().block(TIMEOUT);
            assertTrue(stalledDone.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "completed at close");
            assertEquals(logins - dropped, stalledGot.size(), "what was not dropped arrives, in order");
            assertEquals(logins, fastReceived.size());
            assertEquals(0, fastGot.size(), "no event twice");
        } finally {
            unstall.countDown();
            stalled.dispose();
            fast.dispose();
        }
        assertNull(meters.find("minoro.login.events.dropped").functionCounter(), "removed at close");
    }
}
