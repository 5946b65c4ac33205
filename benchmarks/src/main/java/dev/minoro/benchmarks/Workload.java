package dev.minoro.benchmarks;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the lookup and write benchmarks do, operation by operation, and how they drive them: the same
 * operation {@code k} for Minoro and for each baseline, one caller that waits for each result, or a
 * batch with a fixed number of subscriptions in flight.
 */
final class Workload {

    /** Users in the lookup and write benchmarks' database (as in issue 11's first figures). */
    static final int USERS = 10_000;

    /**
     * Operations per invocation of a concurrent benchmark: large enough that starting and draining the
     * subscriptions in flight is a few percent of the batch.
     */
    static final int BATCH = 256;

    /** Sessions the validate benchmarks create (for the first users) and validate in turn. */
    static final int SESSIONS = 1000;

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final int STRIDE = 7919; // prime, so that consecutive operations visit users far apart

    private final AtomicLong next = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final String nonce = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

    /** The next operation's number. */
    long next() {
        return next.getAndIncrement();
    }

    /** The first of the next {@code count} operations' numbers. */
    long nextBatch(int count) {
        return next.getAndAdd(count);
    }

    /**
     * Starts numbering again (the assign benchmarks, after their memberships were cleared); the emails of
     * {@link #newEmail} stay new, since the users made before the restart are still there.
     */
    void restart() {
        restarts.incrementAndGet();
        next.set(0);
    }

    /** The user operation {@code k} looks up. */
    static int user(long k) {
        return (int) ((k * STRIDE) % USERS);
    }

    /** The session (an index into the tokens {@link Seed#sessions} made) operation {@code k} validates. */
    static int session(long k) {
        return (int) ((k * STRIDE) % SESSIONS);
    }

    /** The email of the user operation {@code k} creates: new in every trial and every iteration. */
    String newEmail(long k) {
        return "new-" + nonce + "-" + restarts.get() + "-" + k + "@example.com";
    }

    static String normalised(String email) {
        return email.toLowerCase(Locale.ROOT);
    }

    /** The user operation {@code k} assigns a role to: every user once, then the next role. */
    static int assignUser(long k) {
        return (int) (k % USERS);
    }

    /** The role operation {@code k} assigns; pairs repeat only after USERS x ASSIGN_ROLES operations. */
    static String assignRole(long k) {
        return Seed.assignRole((int) ((k / USERS) % Seed.ASSIGN_ROLES));
    }

    /**
     * Runs operations {@code first … first + count - 1} with {@code concurrency} of them subscribed at a time,
     * from one thread, and waits for the last: {@code concurrency} concurrent subscribers, as a server's event
     * loop has them, without a thread blocked per subscriber.
     */
    static Object concurrently(int concurrency, long first, int count, LongFunction<? extends Publisher<?>> operation) {
        return Flux.range(0, count)
                .flatMap(i -> operation.apply(first + i), concurrency)
                .then(Mono.just(Boolean.TRUE))
                .block(TIMEOUT);
    }
}
