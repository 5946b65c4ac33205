package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.Minoro;
import dev.minoro.MinoroClosedException;
import dev.minoro.NewUser;
import dev.minoro.User;
import dev.minoro.testing.ConnectionCloseGate;
import dev.minoro.testing.HashingGate;
import dev.minoro.testing.TestConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Closing under load and cancelling, for every database: a call made during or after {@code close()}
 * either completes or fails with {@link MinoroClosedException}, never with a raw driver or hashing
 * error and never without an answer; a cancelled call leaves no error behind for Reactor to drop.
 */
public interface CloseContract extends MinoroFixture {

    private static Mono<String> outcome(Mono<?> call) {
        return call.then(Mono.just("ok"))
                .onErrorResume(e -> Mono.just(e instanceof MinoroClosedException
                        && e.getMessage().equals("this Minoro instance is closed; make a new one with Minoro.create(...)")
                        ? "closed" : e.toString()));
    }

    /** A mix of every kind of call, each of which succeeds while the instance is open. */
    private static List<Mono<?>> mixedCalls(Minoro minoro, List<User> users, String round) {
        List<Mono<?>> calls = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            User user = users.get(i);
            calls.add(minoro.authenticate(user.email(), TestConfigs.PASSWORD));
            calls.add(minoro.authenticate("unknown" + i + "@example.com", TestConfigs.PASSWORD)
                    .onErrorResume(dev.minoro.InvalidCredentialsException.class, e -> Mono.empty()));
            calls.add(minoro.users().create(NewUser.of("new" + round + "-" + i + "@example.com", TestConfigs.PASSWORD)));
            calls.add(minoro.users().findById(user.id()));
            calls.add(minoro.users().count());
            calls.add(minoro.roles().hasRole(user.id(), "editor"));
            calls.add(minoro.roles().assign(user.id(), "editor"));
            calls.add(minoro.users().changePassword(user.id(), TestConfigs.PASSWORD));
        }
        return calls;
    }

    @Test
    default void callsDuringAndAfterCloseFailOnlyAsClosed() throws InterruptedException {
        List<User> users = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            users.add(user("closing" + i + "@example.com"));
        }
        minoro().roles().create("editor", null).block(TIMEOUT);
        List<String> outcomes = new CopyOnWriteArrayList<>();
        for (int round = 0; round < 6; round++) {
            HashingGate gate = HashingGate.holdingFirst(2);
            Minoro minoro = another(b -> b.hashingThreads(2), gate);
            StepVerifier calls = Flux.fromIterable(mixedCalls(minoro, users, String.valueOf(round)))
                    .flatMap(call -> outcome(call.subscribeOn(Schedulers.parallel())), 64)
                    .doOnNext(outcomes::add)
                    .then()
                    .as(StepVerifier::create)
                    .expectComplete()
                    .verifyLater();
            gate.awaitHeld(2, TIMEOUT);
            // Close while logins are held on the hashing threads, others queue behind them and the rest
            // are on their way to or from the database; then let the held ones go on.
            StepVerifier closing = minoro.close().as(StepVerifier::create).expectComplete().verifyLater();
            gate.release();
            closing.verify(TIMEOUT);
            calls.verify(TIMEOUT);
            // A login the closing cut short stays counted as a failed attempt: start each round afresh.
            users.forEach(user -> minoro().users().unlock(user.id()).block(TIMEOUT));
        }
        Map<String, Long> tally = outcomes.stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertTrue(tally.keySet().stream().allMatch(o -> o.equals("ok") || o.equals("closed")), tally.toString());
        assertTrue(tally.getOrDefault("closed", 0L) > 0, tally.toString());
    }

    @Test
    default void everyKindOfCallAfterCloseFailsAsClosed() {
        User user = user("after@example.com");
        Minoro minoro = another(b -> b);
        minoro.close().block(TIMEOUT);
        List<Mono<?>> calls = new ArrayList<>(mixedCalls(minoro, List.of(user), "after"));
        calls.add(minoro.users().findByEmail("after@example.com"));
        calls.add(minoro.users().findAll(0, 10).then());
        calls.add(minoro.roles().findAll().then());
        calls.add(minoro.roles().delete("editor"));
        for (Mono<?> call : calls) {
            call.as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(MinoroClosedException.class, e);
                        assertEquals("this Minoro instance is closed; make a new one with Minoro.create(...)",
                                e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
    }

    /**
     * Calls cancelled at random points (waiting for a hashing thread, hashing, reading or writing the
     * database) all end, leave no error for Reactor's dropped-error hook, and the instance still closes.
     * The logins include each way a login fails (a wrong password, an unknown email, a locked account) as
     * well as successes, so that their answers race the cancels. (What the SQLite driver's lanes go
     * through under such a storm is the driver's own suite's concern.)
     *
     * <p>The calls are cut short with {@code takeUntilOther}, not {@code timeout}: when {@code timeout} fires
     * it counts itself done before its cancel reaches the call, and an answer that the call signals in that
     * instant is dropped by {@code timeout} itself (an ERROR line from Reactor, for any publisher);
     * {@code takeUntilOther} ignores a signal that loses such a race. An error dropped inside Minoro's own
     * chain, after the cancel reached it, still reaches the hook.
     */
    @Test
    default void callsCancelledAtRandomPointsAllEndLeaveNoErrorToDropAndTheInstanceCloses() {
        List<User> users = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            users.add(user("cancel" + i + "@example.com"));
        }
        User locked = user("locked@example.com");
        for (int i = 0; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
            minoro().authenticate(locked.email(), "wrong password").onErrorResume(e -> Mono.empty()).block(TIMEOUT);
        }
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        try {
            Flux.range(0, 900)
                    .flatMap(i -> {
                        User user = users.get(i % users.size());
                        Mono<?> call = switch (i % 6) {
                            case 0 -> minoro().authenticate(user.email(), TestConfigs.PASSWORD);
                            case 1 -> minoro().authenticate("unknown@example.com", TestConfigs.PASSWORD);
                            case 2 -> minoro().authenticate(user.email(), "wrong password");
                            case 3 -> minoro().authenticate(locked.email(), TestConfigs.PASSWORD);
                            case 4 -> minoro().users().changePassword(user.id(), TestConfigs.PASSWORD);
                            default -> minoro().users().create(NewUser.of("created" + i + "@example.com",
                                    TestConfigs.PASSWORD));
                        };
                        Duration after = Duration.ofNanos(ThreadLocalRandom.current().nextLong(3_000_000));
                        return call.takeUntilOther(Mono.delay(after)).onErrorResume(e -> Mono.empty()).then();
                    }, 16)
                    .then()
                    .as(StepVerifier::create)
                    .expectComplete()
                    .verify(TIMEOUT);
            minoro().close().as(StepVerifier::create).expectComplete().verify(TIMEOUT);
        } finally {
            Hooks.resetOnErrorDropped();
        }
        assertEquals(List.of(), dropped);
    }

    /**
     * A login cancelled after its statement ran but before its result moved on (here: while its
     * connection is released, after which {@code Mono.usingWhen} still delivers the result) signals
     * nothing to its cancelled subscriber and starts no hashing. The login used to turn that late result
     * into its answer, such as the {@link dev.minoro.AccountLockedException} of a locked account, which
     * Reactor dropped and logged at ERROR, and to hash for a caller that had gone.
     */
    @Test
    default void aLoginCancelledWhileItsConnectionIsReleasedLeavesNoErrorToDrop() throws InterruptedException {
        User kim = user("kim@example.com");
        User lee = user("lee@example.com");
        for (int i = 0; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
            minoro().authenticate(lee.email(), "wrong password").onErrorResume(e -> Mono.empty()).block(TIMEOUT);
        }
        ConnectionCloseGate closes = new ConnectionCloseGate();
        HashingGate hashing = HashingGate.counting();
        Minoro minoro = another(b -> withConnections(b, closes::wrap), hashing);
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        try {
            for (String[] login : List.of(new String[] {lee.email(), TestConfigs.PASSWORD},
                    new String[] {"nobody@example.com", TestConfigs.PASSWORD},
                    new String[] {kim.email(), "wrong password"}, new String[] {kim.email(), TestConfigs.PASSWORD})) {
                closes.holdNext();
                Disposable attempt = minoro.authenticate(login[0], login[1]).subscribe(user -> { }, e -> { });
                closes.awaitHeld(TIMEOUT);
                attempt.dispose();
                closes.release();
            }
            // Whatever the cancelled logins still started has finished once the instance is closed.
            minoro.close().block(TIMEOUT);
        } finally {
            Hooks.resetOnErrorDropped();
        }
        assertEquals(List.of(), dropped);
        assertEquals(0, hashing.tasks(), "nothing was hashed for a caller that had gone");
    }
}
