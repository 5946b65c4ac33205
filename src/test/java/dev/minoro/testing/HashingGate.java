package dev.minoro.testing;

import dev.minoro.MinoroConfig;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Watches an instance's password hashing from outside, through the observations Minoro reports to the
 * {@code ObservationRegistry} of its config ({@link #watching}): counts the tasks (password verifications and
 * hashes) that its hashing threads start ({@code minoro.password.hashing} observations) and the Argon2 computations
 * in them ({@code minoro.password.argon2} events), can hold the first tasks on their thread until the test releases
 * them, and can make every Argon2 computation fail with an error of the test's choice. Each handler call runs on the
 * hashing thread, at the moment it reports.
 */
public final class HashingGate implements ObservationHandler<Observation.Context> {

    private static final Duration LONGEST_HOLD = Duration.ofSeconds(60);
    private static final String TASK = "minoro.password.hashing";
    private static final String ARGON2 = "minoro.password.argon2";

    private final ObservationRegistry registry = ObservationRegistry.create();
    private final int toHold;
    private final AtomicInteger tasks = new AtomicInteger();
    private final AtomicInteger argon2 = new AtomicInteger();
    private final Semaphore held = new Semaphore(0);
    private final CountDownLatch open = new CountDownLatch(1);
    private volatile @Nullable Supplier<? extends Throwable> failure;

    private HashingGate(int toHold) {
        this.toHold = toHold;
        registry.observationConfig().observationHandler(this);
    }

    /** Counts, holds nothing. */
    public static HashingGate counting() {
        return new HashingGate(0);
    }

    /** Holds the first {@code tasks} tasks until {@link #release()}; the later ones run at once. */
    public static HashingGate holdingFirst(int tasks) {
        return new HashingGate(tasks);
    }

    /** Holds every task until {@link #release()}. */
    public static HashingGate holdingAll() {
        return new HashingGate(Integer.MAX_VALUE);
    }

    /** From now on, every Argon2 computation throws what {@code error} makes instead of running (null: none). */
    public HashingGate failingWith(@Nullable Supplier<? extends Throwable> error) {
        this.failure = error;
        return this;
    }

    /** {@code config} with this gate watching its hashing: its {@code ObservationRegistry} is the gate's. */
    public MinoroConfig.Builder watching(MinoroConfig.Builder config) {
        return config.observationRegistry(registry);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return TASK.equals(context.getName());
    }

    @Override
    public void onStart(Observation.Context context) {
        if (tasks.incrementAndGet() <= toHold && open.getCount() > 0) {
            held.release();
            try {
                if (!open.await(LONGEST_HOLD.toSeconds(), TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never released the hashing gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while held at the hashing gate", e);
            }
        }
    }

    @Override
    public void onEvent(Observation.Event event, Observation.Context context) {
        if (!ARGON2.equals(event.getName())) {
            return;
        }
        argon2.incrementAndGet();
        Supplier<? extends Throwable> error = failure;
        if (error != null) {
            sneakyThrow(error.get());
        }
    }

    /** Tasks started so far: each is one verification, one dummy verification or one hash. */
    public int tasks() {
        return tasks.get();
    }

    /** Argon2 computations started so far. */
    public int argon2() {
        return argon2.get();
    }

    /** Waits until {@code count} tasks are held at the gate. */
    public void awaitHeld(int count, Duration timeout) throws InterruptedException {
        if (!held.tryAcquire(count, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("expected " + count + " hashing tasks held at the gate within " + timeout
                    + ", but " + held.availablePermits() + " were");
        }
        held.release(count);
    }

    /** Lets every held task go on, and every later one run at once. */
    public void release() {
        open.countDown();
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
