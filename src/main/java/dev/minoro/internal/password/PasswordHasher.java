package dev.minoro.internal.password;

import dev.minoro.InvalidInputException;
import dev.minoro.MinoroClosedException;
import dev.minoro.MinoroConfig;
import dev.minoro.MinoroException;
import dev.minoro.OverloadedException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Hashes passwords with Argon2id into PHC strings and checks passwords against stored hashes, on a
 * {@link HashingScheduler} of its own.
 *
 * <p>Argon2 costs tens of milliseconds of CPU and {@code argon2MemoryKiB} of memory per hash, so it never
 * runs on a caller's thread: each instance owns {@code hashingThreads} threads named
 * {@code minoro-password-N}, started by the first hash, and admits at most
 * {@code hashingThreads + hashingQueueCapacity} callers at a time. Beyond that, new work fails at once with
 * {@link OverloadedException} instead of queueing without bound (each queued hash would hold its memory once
 * it runs). A caller is admitted for a whole piece of work with {@link #withSlot}, before the database work
 * that goes with it, so that a refused login costs the database nothing. {@link #close()} releases the
 * threads.
 *
 * <p>Minoro's own hashes are made from the password's NFKC form. Besides them, {@link #verify} checks
 * hashes imported from other systems (Argon2, bcrypt, PBKDF2, scrypt, in the forms {@link StoredHash}
 * lists), against the password as typed (see {@link PasswordForm} and
 * {@link StoredHash}), within the cost limits of {@link CostLimits}; {@link #needsRehash} then says to
 * replace them. No password or hash ever reaches a log line, an exception message or {@link #toString()}.
 */
public final class PasswordHasher {

    /** The longest password hashed or checked, in UTF-16 chars: above {@code MinoroConfig}'s own caps. */
    static final int MAX_PASSWORD_LENGTH = 4096;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;

    private static final Logger log = LoggerFactory.getLogger(PasswordHasher.class);

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    private final CostLimits limits;
    private final boolean importPlaintext;
    private final HashingScheduler scheduler;
    private final HashingObserver observer;
    private final Object dummyLock = new Object();
    private volatile @Nullable Argon2Hash dummy;

    private PasswordHasher(MinoroConfig config, HashingScheduler scheduler, HashingObserver observer) {
        this.memoryKiB = config.argon2MemoryKiB();
        this.iterations = config.argon2Iterations();
        this.parallelism = config.argon2Parallelism();
        this.limits = CostLimits.of(config);
        this.importPlaintext = config.importPlaintextPasswords();
        this.scheduler = scheduler;
        this.observer = observer;
    }

    /**
     * A hasher with the Argon2id parameters ({@code argon2MemoryKiB}, {@code argon2Iterations},
     * {@code argon2Parallelism}), the scheduler size ({@code hashingThreads}, {@code hashingQueueCapacity})
     * and the cost limits ({@code importedHashCostFactor}) of {@code config}. Starts no thread: its
     * {@code hashingThreads} threads start at the first hash and end when {@link #close()} is subscribed.
     */
    public static PasswordHasher create(MinoroConfig config) {
        return create(config, HashingObserver.NONE);
    }

    /** {@link #create(MinoroConfig)} reporting its work to {@code observer} (metrics and tracing). */
    public static PasswordHasher create(MinoroConfig config, HashingObserver observer) {
        Objects.requireNonNull(config, "config");
        return create(config, HashingScheduler.create(config.hashingThreads(), config.hashingQueueCapacity(),
                config.argon2MemoryKiB()), observer);
    }

    /**
     * {@link #create(MinoroConfig, HashingObserver)} on {@code scheduler} instead of one sized by {@code config}'s
     * {@code hashingThreads} and {@code hashingQueueCapacity}; the hasher owns it from now on and closes it.
     */
    public static PasswordHasher create(MinoroConfig config, HashingScheduler scheduler, HashingObserver observer) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(observer, "observer");
        return new PasswordHasher(config, scheduler, observer);
    }

    /** The scheduler the hashing runs on, whose counts (queued, running, rejected) metrics read. */
    public HashingScheduler scheduler() {
        return scheduler;
    }

    /**
     * A cold {@code Mono} that admits the caller to the hashing queue, then subscribes to what
     * {@code work} makes of a {@link Slot}, through which it hashes and verifies without being admitted
     * again: a login takes its place before it reads the database, so that when hashing is at capacity it
     * is refused before any database work. The place is given back when that {@code Mono} completes,
     * fails or is cancelled (before its result is emitted, so that whoever receives it can hash again at
     * once).
     *
     * <p>Errors: {@link OverloadedException}, signalled at once, when {@code hashingThreads +
     * hashingQueueCapacity} callers are admitted already; {@link MinoroClosedException} after
     * {@link #close()}; whatever {@code work} signals.
     */
    public <T> Mono<T> withSlot(Function<? super Slot, ? extends Mono<T>> work) {
        Objects.requireNonNull(work, "work");
        return Mono.defer(() -> {
            if (scheduler.isClosed()) {
                return Mono.<T>error(new MinoroClosedException());
            }
            if (!scheduler.tryAdmit()) {
                return Mono.<T>error(scheduler.overloaded());
            }
            Slot slot = new Slot();
            Mono<T> body;
            try {
                body = Objects.requireNonNull(work.apply(slot), "work returned null");
            } catch (RuntimeException | Error e) {
                slot.release();
                throw e;
            }
            return body.doOnSuccess(result -> slot.release())
                    .doOnError(e -> slot.release())
                    .doFinally(signal -> slot.release());
        });
    }

    /**
     * A cold {@code Mono} that hashes {@code password} with Argon2id v1.3 from its NFKC form, the
     * configured parameters, a fresh 16-byte salt from a {@link SecureRandom} and a 32-byte output, and
     * emits the PHC string ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}). Nothing happens before
     * subscription; the hashing runs on this hasher's {@code minoro-password} threads and the result is
     * emitted there.
     *
     * <p>Errors: {@link IllegalArgumentException} for a password longer than 4096 chars or one that is
     * not valid UTF-16 (an unpaired surrogate), both checked before anything is queued;
     * {@link OverloadedException} when every hashing thread is busy and the queue is full;
     * {@link MinoroClosedException} after {@link #close()}, or when closing stopped the hashing threads
     * before this hash ran; a {@link MinoroException} whose cause is whatever failed on the hashing thread
     * (an {@link OutOfMemoryError} included).
     */
    public Mono<String> hash(String password) {
        Objects.requireNonNull(password, "password");
        return checkedThenInSlot(password, slot -> slot.hash(password));
    }

    /**
     * A cold {@code Mono} that emits whether {@code password} matches {@code storedHash}: one of Minoro's
     * own Argon2id hashes, checked against the NFKC form, or a hash imported from another system (Argon2,
     * bcrypt, PBKDF2 and scrypt in the forms {@link StoredHash} lists), checked against the password as typed
     * and then its NFKC form. Hashes are compared in
     * constant time. Runs on this hasher's {@code minoro-password} threads and emits there.
     *
     * <p>A stored hash that is malformed, of another format, or costlier than the configured limits
     * ({@code importedHashCostFactor}) emits {@code false} after a dummy verification of the configured
     * cost (so that it cannot be told from a wrong password by timing) and logs a warning that says what
     * is wrong with it, never the hash itself.
     *
     * <p>Errors: as {@link #hash(String)}.
     */
    public Mono<Boolean> verify(String password, String storedHash) {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(storedHash, "storedHash");
        return checkedThenInSlot(password, slot -> slot.verify(password, storedHash));
    }

    /**
     * A cold {@code Mono} that always emits {@code false}, after verifying {@code password} against a
     * dummy Argon2id hash with the configured parameters: a login for an unknown email then costs what a
     * login with a wrong password costs. The dummy is made once, by the first call (which therefore costs
     * two hashes), and reused by every later one. Runs on this hasher's {@code minoro-password} threads.
     *
     * <p>Errors: as {@link #hash(String)}.
     */
    public Mono<Boolean> verifyAgainstDummy(String password) {
        Objects.requireNonNull(password, "password");
        return checkedThenInSlot(password, slot -> slot.verifyAgainstDummy(password));
    }

    /**
     * What to store for a password hash imported from another system: the hash marked as imported, so
     * that logins check it against the password as typed (see {@link StoredHash}). Cheap: parses, never
     * hashes; runs on the caller's thread.
     *
     * @throws InvalidInputException when it is of no format Minoro can check, out of the format's bounds,
     *                               or costlier than the configured limits ({@code importedHashCostFactor});
     *                               the message says which, never quoting the hash
     */
    public String importedForm(String foreignHash) {
        Objects.requireNonNull(foreignHash, "foreignHash");
        try {
            String stored = StoredHash.importedForm(foreignHash);
            checkLimits(StoredHash.parse(stored));
            return stored;
        } catch (MalformedHashException e) {
            throw new InvalidInputException("passwordHash cannot be used: " + e.getMessage());
        }
    }

    /**
     * The password inside Spring Security's {@code {noop}<password>}, when {@code foreignHash} is one and
     * the configuration's {@code importPlaintextPasswords} allows it; null otherwise (then
     * {@link #importedForm} refuses a {@code {noop}} value). The caller hashes it. Cheap; on the caller's
     * thread.
     */
    public @Nullable String importedPlaintext(String foreignHash) {
        Objects.requireNonNull(foreignHash, "foreignHash");
        return importPlaintext && foreignHash.startsWith(StoredHash.SPRING_NOOP)
                ? foreignHash.substring(StoredHash.SPRING_NOOP.length())
                : null;
    }

    /**
     * Whether {@code storedHash} should be replaced by a new hash of the same password after a
     * successful login: true for anything but Minoro's own Argon2id v1.3 whose memory, iterations and
     * parallelism are each at least the configured ones, with a salt of at least 16 and a hash of at least
     * 32 bytes; so always for an imported hash. True, and never an exception, for a malformed string.
     * Cheap: parses, never hashes; runs on the caller's thread.
     */
    public boolean needsRehash(String storedHash) {
        Objects.requireNonNull(storedHash, "storedHash");
        try {
            StoredHash stored = StoredHash.parse(storedHash);
            return !(stored.isMinoros()
                    && ((Argon2Hash) stored.hash()).isAtLeast(memoryKiB, iterations, parallelism));
        } catch (MalformedHashException e) {
            return true;
        }
    }

    /**
     * A cold {@code Mono} that stops this hasher and completes once its threads have ended: new callers
     * are refused with {@link MinoroClosedException} from then on, while hashes already running or queued
     * still finish and emit; a slot's later work is refused the same way. Idempotent: every subscription
     * completes when the threads are gone.
     */
    public Mono<Void> close() {
        return scheduler.close();
    }

    @Override
    public String toString() {
        return "PasswordHasher{argon2id m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + ", " + scheduler
                + (scheduler.isClosed() ? ", closed" : "") + '}';
    }

    /**
     * One admitted caller's place in the hashing queue, from {@link #withSlot}: its hashes and
     * verifications run on the hashing threads, one at a time, without being admitted again. Each method
     * is a cold {@code Mono} with the errors of {@link #hash(String)} other than {@link OverloadedException}.
     * Once the place is given back (the caller's work ended or was cancelled, while Reactor may still
     * deliver what was under way), each completes empty and queues nothing: no hashing runs without a
     * place.
     */
    public final class Slot {

        private final AtomicBoolean released = new AtomicBoolean();

        private Slot() {
        }

        /** As {@link PasswordHasher#hash(String)}. */
        public Mono<String> hash(String password) {
            return onHashingThread(this, password, () -> {
                byte[] salt = new byte[SALT_BYTES];
                Randomness.SECURE.nextBytes(salt);
                byte[] bytes = PasswordForm.nfkc(password);
                try {
                    observer.argon2Started();
                    return Argon2Hash.argon2id(memoryKiB, iterations, parallelism, salt, bytes, HASH_BYTES).encode();
                } finally {
                    Arrays.fill(bytes, (byte) 0);
                }
            });
        }

        /** As {@link PasswordHasher#verify(String, String)}. */
        public Mono<Boolean> verify(String password, String storedHash) {
            return onHashingThread(this, password, () -> verifyNow(password, storedHash));
        }

        /** As {@link PasswordHasher#verifyAgainstDummy(String)}. */
        public Mono<Boolean> verifyAgainstDummy(String password) {
            return onHashingThread(this, password, () -> verifyAgainstDummyNow(password));
        }

        private void release() {
            if (released.compareAndSet(false, true)) {
                scheduler.release();
            }
        }
    }

    private <T> Mono<T> checkedThenInSlot(String password, Function<Slot, Mono<T>> work) {
        return Mono.defer(() -> {
            IllegalArgumentException invalid = invalidPassword(password);
            return invalid != null ? Mono.error(invalid) : withSlot(work);
        });
    }

    /**
     * {@code work} on a hashing thread, emitted there. Whatever it throws, errors such as
     * {@link OutOfMemoryError} included, reaches the subscriber as an error: Reactor would rethrow a JVM
     * error on the thread, which would end it and leave the subscriber without an answer. Once the
     * subscriber has cancelled, nothing is signalled at all, so that no error is left for Reactor's
     * dropped-error hook.
     */
    private <T> Mono<T> onHashingThread(Slot slot, String password, Callable<T> work) {
        return Mono.deferContextual(subscriber -> {
            if (slot.released.get()) {
                return Mono.empty();
            }
            IllegalArgumentException invalid = invalidPassword(password);
            if (invalid != null) {
                return Mono.error(invalid);
            }
            AtomicBoolean cancelled = new AtomicBoolean();
            return scheduler.run(() -> {
                try {
                    return observer.task(subscriber, work);
                } catch (Throwable e) {
                    if (cancelled.get()) {
                        return null;
                    }
                    throw failedOnThread(e);
                }
            }).doOnCancel(() -> cancelled.set(true));
        });
    }

    private boolean verifyNow(String password, String storedHash) {
        StoredHash stored;
        try {
            stored = StoredHash.parse(storedHash);
            checkLimits(stored);
        } catch (MalformedHashException e) {
            warnUncheckable(e);
            return verifyAgainstDummyNow(password);
        }
        List<byte[]> candidates = stored.form().candidates(password);
        try {
            for (byte[] candidate : candidates) {
                if (stored.hash().isArgon2()) {
                    observer.argon2Started();
                }
                if (stored.hash().matches(candidate)) {
                    return true;
                }
            }
            return false;
        } catch (MalformedHashException e) {
            warnUncheckable(e);
            return false;
        } finally {
            candidates.forEach(candidate -> Arrays.fill(candidate, (byte) 0));
        }
    }

    private void checkLimits(StoredHash stored) throws MalformedHashException {
        String exceeded = stored.hash().exceeds(limits);
        if (exceeded != null) {
            throw new MalformedHashException(limits.explain(exceeded));
        }
    }

    private void warnUncheckable(MalformedHashException e) {
        log.warn("A stored password hash cannot be checked: {}. The login fails as if the password were"
                + " wrong; set a new password for that account.", e.getMessage());
    }

    private boolean verifyAgainstDummyNow(String password) {
        Argon2Hash against = dummyHash();
        byte[] bytes = PasswordForm.nfkc(password);
        try {
            observer.argon2Started();
            against.matches(bytes);
            return false;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Made on first use, under a lock, so that it is made once and later calls only verify. */
    private Argon2Hash dummyHash() {
        Argon2Hash made = dummy;
        if (made != null) {
            return made;
        }
        synchronized (dummyLock) {
            made = dummy;
            if (made == null) {
                byte[] salt = new byte[SALT_BYTES];
                byte[] password = new byte[HASH_BYTES];
                Randomness.SECURE.nextBytes(salt);
                Randomness.SECURE.nextBytes(password);
                observer.argon2Started();
                made = Argon2Hash.argon2id(memoryKiB, iterations, parallelism, salt, password, HASH_BYTES);
                Arrays.fill(password, (byte) 0);
                dummy = made;
            }
            return made;
        }
    }

    /** Checked on the caller's thread, before any queueing: a bad password costs no hashing slot. */
    private static @Nullable IllegalArgumentException invalidPassword(String password) {
        if (password.length() > MAX_PASSWORD_LENGTH) {
            return new IllegalArgumentException("password is longer than " + MAX_PASSWORD_LENGTH
                    + " chars; callers check maxPasswordLength first");
        }
        for (int i = 0; i < password.length(); i++) {
            char c = password.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < password.length()
                    && Character.isLowSurrogate(password.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                // UTF-8 would silently turn it into '?', making different passwords hash alike.
                return new IllegalArgumentException(
                        "password contains an unpaired UTF-16 surrogate, so it is not valid Unicode text");
            }
        }
        return null;
    }

    /**
     * What a failure on a hashing thread becomes. The message names the failure's type (and, for the
     * JVM's own errors, their message, which holds no input); the cause keeps the rest.
     */
    private MinoroException failedOnThread(Throwable failure) {
        StringBuilder message = new StringBuilder("password hashing failed on its thread: ")
                .append(failure.getClass().getName());
        if (failure instanceof VirtualMachineError && failure.getMessage() != null) {
            message.append(": ").append(failure.getMessage());
        }
        if (failure instanceof OutOfMemoryError) {
            message.append("; each Argon2 computation holds its memory cost (").append(memoryKiB)
                    .append(" KiB configured, up to ").append(limits.maxMemoryKiB())
                    .append(" KiB for an imported hash) on each of ").append(scheduler.threads())
                    .append(" hashing threads: give the JVM more heap, or lower hashingThreads or argon2MemoryKiB");
        }
        return new MinoroException(message.toString(), failure);
    }

    /**
     * Made on first use, which is on a hashing thread: the first SecureRandom of a JVM opens the
     * system's entropy source, which must not happen on a caller's non-blocking thread.
     */
    private static final class Randomness {

        static final SecureRandom SECURE = new SecureRandom();

        private Randomness() {
        }
    }
}
