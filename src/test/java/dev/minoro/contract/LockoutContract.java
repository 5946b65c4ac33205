package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.AccountDisabledException;
import dev.minoro.AccountLockedException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.User;
import dev.minoro.testing.HashingGate;
import dev.minoro.testing.TestConfigs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Lockout under concurrency, for every database: whatever the concurrency, an account gets at most
 * {@code maxFailedLogins} password verifications per lock period, because each attempt is reserved in
 * the database before its password is checked. The hashing gate counts verifications (each is one task
 * on a hashing thread) and holds them where a test needs attempts to overlap.
 */
public interface LockoutContract extends MinoroFixture {

    /** Attempts sent at once in the burst tests. */
    int BURST = 20;
    /** Threads enough for {@code MAX_FAILED_LOGINS} held verifications and one more. */
    int THREADS = TestConfigs.MAX_FAILED_LOGINS + 1;

    private static Mono<String> outcome(Mono<User> login) {
        return login.map(user -> "success")
                .onErrorResume(e -> Mono.just(e.getClass().getSimpleName()));
    }

    private static Map<String, Long> tally(List<String> outcomes) {
        return outcomes.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    default void aBurstOfWrongPasswordsGetsExactlyTheThresholdOfVerifications() {
        HashingGate gate = HashingGate.counting();
        Minoro minoro = another(b -> b.hashingThreads(THREADS), gate);
        List<User> accounts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            accounts.add(user("burst" + i + "@example.com"));
        }

        List<String> outcomes = Flux.fromIterable(accounts)
                .flatMap(account -> Flux.range(0, BURST).map(i -> account))
                .flatMap(account -> outcome(minoro.authenticate(account.email(), "wrong password")
                        .subscribeOn(Schedulers.parallel())), accounts.size() * BURST)
                .collectList().block(TIMEOUT);

        assertEquals(TestConfigs.MAX_FAILED_LOGINS * accounts.size(), gate.tasks(),
                "each account's password was checked exactly maxFailedLogins times; outcomes " + tally(outcomes));
        assertEquals(Map.of("InvalidCredentialsException", (long) (TestConfigs.MAX_FAILED_LOGINS - 1) * accounts.size(),
                "AccountLockedException", (long) (BURST - TestConfigs.MAX_FAILED_LOGINS + 1) * accounts.size()),
                tally(outcomes));
        Instant lockedUntil = clock().instant().plus(TestConfigs.LOCKOUT);
        for (User account : accounts) {
            minoro().authenticate(account.email(), TestConfigs.PASSWORD).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertEquals(lockedUntil, ((AccountLockedException) e).lockedUntil()))
                    .verify(TIMEOUT);
        }
        assertEquals(TestConfigs.MAX_FAILED_LOGINS * accounts.size(), gate.tasks());
    }

    /**
     * The example: 19 wrong passwords and the right one at once. The gate holds every check
     * until the burst's refusals are in, so that all twenty attempts overlap: three are checked, the
     * other seventeen are refused unchecked, and the right one wins only if it was among the three.
     */
    @Test
    default void nineteenWrongPasswordsAndTheRightOneAtOnceGetTheThresholdOfVerifications()
            throws InterruptedException {
        HashingGate gate = HashingGate.holdingAll();
        Minoro minoro = another(b -> b.hashingThreads(THREADS), gate);
        user("ray@example.com");
        CountDownLatch refused = new CountDownLatch(BURST - TestConfigs.MAX_FAILED_LOGINS);
        List<Mono<String>> attempts = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            String password = i == BURST / 2 ? TestConfigs.PASSWORD : "wrong password " + i;
            attempts.add(outcome(minoro.authenticate("ray@example.com", password)
                    .doOnError(AccountLockedException.class, e -> refused.countDown())
                    .subscribeOn(Schedulers.parallel())));
        }
        StepVerifier burst = Flux.merge(attempts).collectList().as(StepVerifier::create)
                .assertNext(outcomes -> {
                    Map<String, Long> tally = tally(outcomes);
                    assertEquals(TestConfigs.MAX_FAILED_LOGINS, gate.tasks(), "verifications; outcomes " + tally);
                    long successes = tally.getOrDefault("success", 0L);
                    assertTrue(successes <= 1, tally.toString());
                    assertEquals(BURST - successes, tally.getOrDefault("AccountLockedException", 0L)
                            + tally.getOrDefault("InvalidCredentialsException", 0L), tally.toString());
                    assertTrue(tally.getOrDefault("AccountLockedException", 0L)
                            >= BURST - TestConfigs.MAX_FAILED_LOGINS, tally.toString());
                })
                .expectComplete()
                .verifyLater();
        try {
            // Released when the burst's refusals are in (or, if they never come, after a while, so that
            // the test fails on the count rather than hanging).
            refused.await(QUICK.toSeconds(), TimeUnit.SECONDS);
        } finally {
            gate.release();
        }
        burst.verify(TIMEOUT);
    }

    @Test
    default void theRightPasswordArrivingOnceTheThresholdIsReachedIsLockedUnchecked() throws InterruptedException {
        HashingGate gate = HashingGate.holdingAll();
        Minoro minoro = another(b -> b.hashingThreads(THREADS), gate);
        user("sam@example.com");
        StepVerifier wrong = Flux.range(0, TestConfigs.MAX_FAILED_LOGINS)
                .flatMap(i -> outcome(minoro.authenticate("sam@example.com", "wrong password " + i)))
                .collectList().map(LockoutContract::tally)
                .as(StepVerifier::create)
                .expectNext(Map.of("InvalidCredentialsException", (long) TestConfigs.MAX_FAILED_LOGINS - 1,
                        "AccountLockedException", 1L))
                .expectComplete()
                .verifyLater();
        try {
            gate.awaitHeld(TestConfigs.MAX_FAILED_LOGINS, TIMEOUT);
            Instant lockedUntil = clock().instant().plus(TestConfigs.LOCKOUT);
            minoro.authenticate("sam@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertEquals(lockedUntil, ((AccountLockedException) e).lockedUntil()))
                    .verify(QUICK);
        } finally {
            gate.release();
        }
        wrong.verify(TIMEOUT);
        assertEquals(TestConfigs.MAX_FAILED_LOGINS, gate.tasks());
    }

    /**
     * A right password checked while other attempts lock the account signs the user in, since it came
     * before the threshold, but leaves the lock it never saw in place (on PostgreSQL such a success used
     * to clear it).
     */
    @Test
    default void aSuccessNeverClearsALockItDidNotSee() throws InterruptedException {
        HashingGate gate = HashingGate.holdingFirst(1);
        Minoro minoro = another(b -> b.hashingThreads(THREADS), gate);
        User tia = user("tia@example.com");
        StepVerifier right = minoro.authenticate("tia@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .assertNext(user -> assertEquals(tia.id(), user.id()))
                .expectComplete()
                .verifyLater();
        List<String> wrong;
        try {
            gate.awaitHeld(1, TIMEOUT);
            wrong = Flux.range(0, TestConfigs.MAX_FAILED_LOGINS)
                    .concatMap(i -> outcome(minoro.authenticate("tia@example.com", "wrong password " + i)))
                    .collectList().block(TIMEOUT);
        } finally {
            gate.release();
        }
        right.verify(TIMEOUT);

        List<String> expected = new ArrayList<>();
        for (int i = 2; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
            expected.add("InvalidCredentialsException");
        }
        expected.add("AccountLockedException");   // the attempt that reached the threshold, checked
        expected.add("AccountLockedException");   // the one after it, refused unchecked
        assertEquals(expected, wrong);
        assertEquals(TestConfigs.MAX_FAILED_LOGINS, gate.tasks(), "verifications");
        Instant lockedUntil = clock().instant().plus(TestConfigs.LOCKOUT);
        assertEquals(lockedUntil, minoro().users().findById(tia.id()).block(TIMEOUT).lockedUntil());
        minoro().authenticate("tia@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectError(AccountLockedException.class).verify(TIMEOUT);
    }

    /**
     * An attempt is reserved before its check and released only when it succeeds: one that never
     * finishes (cancelled here; a process killed mid-check leaves the database in the same state) counts
     * as a failure, and so can lock the account for at most the lockout duration.
     */
    @Test
    default void attemptsThatNeverFinishCountAsFailuresUntilTheLockEnds() throws InterruptedException {
        HashingGate gate = HashingGate.holdingAll();
        Minoro minoro = another(b -> b.hashingThreads(THREADS), gate);
        user("uma@example.com");
        List<Disposable> attempts = new ArrayList<>();
        try {
            for (int i = 0; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
                attempts.add(minoro.authenticate("uma@example.com", TestConfigs.PASSWORD).subscribe(u -> { },
                        e -> { }));
            }
            gate.awaitHeld(TestConfigs.MAX_FAILED_LOGINS, TIMEOUT);
            attempts.forEach(Disposable::dispose);
        } finally {
            gate.release();
        }
        Instant lockedUntil = clock().instant().plus(TestConfigs.LOCKOUT);
        minoro().authenticate("uma@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertEquals(lockedUntil, ((AccountLockedException) e).lockedUntil()))
                .verify(TIMEOUT);
        clock().advance(TestConfigs.LOCKOUT);
        minoro().authenticate("uma@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectNextCount(1).verifyComplete();
        assertEquals(null, minoro().users().findByEmail("uma@example.com").block(TIMEOUT).lockedUntil());
    }

    @Test
    default void theRightPasswordOfADisabledAccountIsNotAFailure() {
        User vic = user("vic@example.com");
        minoro().users().setDisabled(vic.id(), true).block(TIMEOUT);
        for (int i = 0; i < 2 * TestConfigs.MAX_FAILED_LOGINS; i++) {
            minoro().authenticate("vic@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                    .expectError(AccountDisabledException.class).verify(TIMEOUT);
        }
        minoro().users().setDisabled(vic.id(), false).block(TIMEOUT);
        for (int i = 1; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
            minoro().authenticate("vic@example.com", "wrong password").as(StepVerifier::create)
                    .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
        }
        minoro().authenticate("vic@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectNextCount(1).verifyComplete();
    }

    @Test
    default void anAccountWithoutAPasswordNeverLocks() {
        minoro().users().create(NewUser.of("sso-only@example.com", null)).block(TIMEOUT);
        HashingGate gate = HashingGate.counting();
        Minoro minoro = another(b -> b, gate);
        for (int i = 0; i < 2 * TestConfigs.MAX_FAILED_LOGINS; i++) {
            minoro.authenticate("sso-only@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertInstanceOf(InvalidCredentialsException.class, e))
                    .verify(TIMEOUT);
        }
        assertEquals(2 * TestConfigs.MAX_FAILED_LOGINS, gate.tasks(), "each answered as for an unknown email");
    }
}
