package dev.minoro.internal.password;

import dev.minoro.MinoroConfig;
import dev.minoro.OverloadedException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.DataLengthException;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Hashes passwords with Argon2id into PHC strings and checks passwords against stored hashes, on a
 * bounded scheduler of its own.
 *
 * <p>Argon2 costs tens of milliseconds of CPU and {@code argon2MemoryKiB} of memory per hash, so it never
 * runs on a caller's thread: each instance owns {@code hashingThreads} threads named
 * {@code minoro-password-N} and a queue of {@code hashingQueueCapacity} waiting hashes. When both are
 * full, new work fails at once with {@link OverloadedException} instead of queueing without bound (each
 * queued hash would hold its memory once it runs). {@link #close()} releases the threads.
 *
 * <p>Passwords are normalised to Unicode NFKC and encoded as UTF-8 before hashing. Besides Minoro's own
 * Argon2id hashes, {@link #verify} checks Argon2i and Argon2d PHC strings (versions 1.0 and 1.3) and
 * bcrypt ({@code $2a$}, {@code $2b$}, {@code $2y$}), so that users imported from other systems can log in;
 * {@link #needsRehash} then says to replace them. No password or hash ever reaches a log line, an
 * exception message or {@link #toString()}.
 */
public final class PasswordHasher {

    /** The longest password hashed or checked, in UTF-16 chars: above {@code MinoroConfig}'s own caps. */
    static final int MAX_PASSWORD_LENGTH = 4096;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    /** bcrypt's cost is a power of two: 16 is already seconds per check, and 31 more than a day. */
    static final int MAX_BCRYPT_COST = 16;

    private static final String THREAD_NAME_PREFIX = "minoro-password-";
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");
    private static final int BCRYPT_LENGTH = 60;

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    private final int threads;
    private final int queueCapacity;
    private final Scheduler scheduler;
    /** Hashes running or waiting; at most threads + queueCapacity. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final HashingProbe probe;
    /** Per instance, taken when the hasher is made, so that a test can route it with Loggers.useConsoleLoggers. */
    private final Logger log = Loggers.getLogger(PasswordHasher.class);
    private final Object dummyLock = new Object();
    private volatile @Nullable Argon2Hash dummy;
    private volatile boolean closed;

    private PasswordHasher(MinoroConfig config, HashingProbe probe) {
        this.memoryKiB = config.argon2MemoryKiB();
        this.iterations = config.argon2Iterations();
        this.parallelism = config.argon2Parallelism();
        this.threads = config.hashingThreads();
        this.queueCapacity = config.hashingQueueCapacity();
        this.probe = probe;
        ThreadFactory threadFactory = task -> {
            Thread thread = new Thread(task, THREAD_NAME_PREFIX + THREAD_NUMBER.incrementAndGet());
            // An instance nobody closed must not keep the JVM alive.
            thread.setDaemon(true);
            return thread;
        };
        // One queue shared by all threads, so that a hash never waits behind a busy thread while another
        // is idle (Schedulers.newBoundedElastic queues per thread, and caps each thread's queue rather than
        // the total). The executor's queue is unbounded: inFlight bounds it, without a lock. A
        // ScheduledThreadPoolExecutor because Reactor's BlockHound integration accepts the brief lock inside
        // its queue, where an ArrayBlockingQueue's lock, when contended, would fail a subscriber on a
        // parallel thread.
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(threads, threadFactory);
        executor.setRemoveOnCancelPolicy(true);
        // All threads now, on this thread: started lazily, the first submissions would add them under the
        // executor's main lock, which callers on parallel threads could contend for.
        executor.prestartAllCoreThreads();
        this.scheduler = Schedulers.fromExecutorService(executor, "minoro-password");
    }

    /**
     * A hasher with the Argon2id parameters ({@code argon2MemoryKiB}, {@code argon2Iterations},
     * {@code argon2Parallelism}) and the scheduler size ({@code hashingThreads},
     * {@code hashingQueueCapacity}) of {@code config}. Starts its {@code hashingThreads} threads, which
     * wait idle until the first hash and end when {@link #close()} is subscribed.
     */
    public static PasswordHasher create(MinoroConfig config) {
        return create(config, HashingProbe.NONE);
    }

    /** {@link #create(MinoroConfig)} with a probe that tests use to watch, hold or fail the hashing threads' work. */
    public static PasswordHasher create(MinoroConfig config, HashingProbe probe) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(probe, "probe");
        return new PasswordHasher(config, probe);
    }

    /**
     * A cold {@code Mono} that hashes {@code password} with Argon2id v1.3, the configured parameters, a
     * fresh 16-byte salt from a {@link SecureRandom} and a 32-byte output, and emits the PHC string
     * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}). Nothing happens before subscription; the
     * hashing runs on this hasher's {@code minoro-password} threads and the result is emitted there.
     *
     * <p>Errors: {@link IllegalArgumentException} for a password longer than 4096 chars or one that is
     * not valid UTF-16 (an unpaired surrogate), both checked before anything is queued;
     * {@link OverloadedException} when every hashing thread is busy and the queue is full;
     * {@link IllegalStateException} after {@link #close()}.
     */
    public Mono<String> hash(String password) {
        Objects.requireNonNull(password, "password");
        return onHashingThread(password, () -> {
            byte[] salt = new byte[SALT_BYTES];
            Randomness.SECURE.nextBytes(salt);
            byte[] bytes = passwordBytes(password);
            try {
                probe.argon2Started();
                return Argon2Hash.argon2id(memoryKiB, iterations, parallelism, salt, bytes, HASH_BYTES).encode();
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        });
    }

    /**
     * A cold {@code Mono} that emits whether {@code password} matches {@code storedHash}: an Argon2id,
     * Argon2i or Argon2d PHC string (with its own parameters, within bounds: m at most 4 GiB, t at most
     * 100, p at most 255) or a bcrypt hash ({@code $2a$}, {@code $2b$}, {@code $2y$}, cost at most 16).
     * Hashes are compared in constant time. Runs on this hasher's {@code minoro-password} threads and
     * emits there.
     *
     * <p>A stored hash that is malformed, of another format or out of bounds emits {@code false} after
     * a dummy verification of the same cost (so that it cannot be told from a wrong password by timing)
     * and logs a warning that says what is wrong with it, never the hash itself.
     *
     * <p>Errors: as {@link #hash(String)}.
     */
    public Mono<Boolean> verify(String password, String storedHash) {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(storedHash, "storedHash");
        return onHashingThread(password, () -> {
            Predicate<byte[]> check;
            try {
                check = parse(storedHash);
            } catch (MalformedHashException e) {
                log.warn("A stored password hash cannot be checked: {}. The login fails as if the password were"
                        + " wrong; set a new password for that account.", e.getMessage());
                return verifyAgainstDummyNow(password);
            }
            byte[] bytes = passwordBytes(password);
            try {
                return check.test(bytes);
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        });
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
        return onHashingThread(password, () -> verifyAgainstDummyNow(password));
    }

    /**
     * Why {@link #verify} could not check passwords against {@code storedHash}, or null when it can (an
     * Argon2 PHC string or a bcrypt hash with parameters in bounds): for hashes imported from other
     * systems. Cheap: parses, never hashes; the reason never quotes the hash.
     */
    public @Nullable String unverifiableReason(String storedHash) {
        Objects.requireNonNull(storedHash, "storedHash");
        try {
            parse(storedHash);
            return null;
        } catch (MalformedHashException e) {
            return e.getMessage();
        }
    }

    /**
     * Whether {@code storedHash} should be replaced by a new hash of the same password after a
     * successful login: true for anything but Argon2id v1.3 whose memory, iterations and parallelism are
     * each at least the configured ones, with a salt of at least 16 and a hash of at least 32 bytes.
     * True, and never an exception, for a malformed string. Cheap: parses, never hashes; runs on the
     * caller's thread.
     */
    public boolean needsRehash(String storedHash) {
        Objects.requireNonNull(storedHash, "storedHash");
        if (!storedHash.startsWith("$argon2id$")) {
            return true;
        }
        try {
            return !Argon2Hash.parse(storedHash).isAtLeast(memoryKiB, iterations, parallelism);
        } catch (MalformedHashException e) {
            return true;
        }
    }

    /**
     * A cold {@code Mono} that stops this hasher and completes once its threads have ended: new calls
     * fail with {@link IllegalStateException} from then on, while hashes already running or queued still
     * finish and emit. Idempotent: every subscription completes when the threads are gone.
     */
    public Mono<Void> close() {
        return Mono.defer(() -> {
            closed = true;
            // Shutting the executor down takes its locks, and the caller may be an event loop (closing
            // after a PostgreSQL query, on r2dbc-postgresql's thread): BlockHound caught the wait.
            return scheduler.disposeGracefully().subscribeOn(Schedulers.boundedElastic());
        });
    }

    @Override
    public String toString() {
        return "PasswordHasher{argon2id m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + ", threads="
                + threads + ", queueCapacity=" + queueCapacity + (closed ? ", closed" : "") + '}';
    }

    private <T> Mono<T> onHashingThread(String password, Callable<T> work) {
        return Mono.defer(() -> {
            if (closed) {
                return Mono.error(closedException(null));
            }
            IllegalArgumentException invalid = invalidPassword(password);
            if (invalid != null) {
                return Mono.error(invalid);
            }
            if (!admit()) {
                return Mono.error(overloaded());
            }
            AtomicBoolean released = new AtomicBoolean();
            Runnable release = () -> {
                if (released.compareAndSet(false, true)) {
                    inFlight.decrementAndGet();
                }
            };
            return Mono.fromCallable(() -> {
                try {
                    probe.taskStarted();
                    return work.call();
                } finally {
                    // Before the result is emitted: whoever receives it can hash again at once.
                    release.run();
                }
            }).subscribeOn(scheduler)
                    // For tasks that never ran: cancelled while waiting (they leave the queue) or refused
                    // after close(). One cancelled while it runs frees its slot here, early, but keeps
                    // its thread until Argon2 returns, so the threads still bound the memory in use.
                    .doFinally(signal -> release.run())
                    // The executor refuses tasks only once close() has shut it down.
                    .onErrorMap(RejectedExecutionException.class, e -> closedException(e));
        });
    }

    private boolean admit() {
        int limit = threads + queueCapacity;
        for (;;) {
            int current = inFlight.get();
            if (current >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private boolean verifyAgainstDummyNow(String password) {
        Argon2Hash against = dummyHash();
        byte[] bytes = passwordBytes(password);
        try {
            probe.argon2Started();
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
                probe.argon2Started();
                made = Argon2Hash.argon2id(memoryKiB, iterations, parallelism, salt, password, HASH_BYTES);
                Arrays.fill(password, (byte) 0);
                dummy = made;
            }
            return made;
        }
    }

    /** The check that {@code storedHash} asks for, taking the normalised password bytes. */
    private Predicate<byte[]> parse(String storedHash) throws MalformedHashException {
        if (storedHash.startsWith("$argon2")) {
            Argon2Hash argon2 = Argon2Hash.parse(storedHash);
            return password -> {
                probe.argon2Started();
                return argon2.matches(password);
            };
        }
        if (storedHash.length() == BCRYPT_LENGTH) {
            Matcher bcrypt = BCRYPT.matcher(storedHash);
            if (bcrypt.matches()) {
                int cost = Integer.parseInt(bcrypt.group(1));
                if (cost < 4 || cost > MAX_BCRYPT_COST) {
                    throw new MalformedHashException("the bcrypt cost " + cost + " is outside 4.." + MAX_BCRYPT_COST);
                }
                return password -> checkBcrypt(storedHash, password);
            }
        }
        throw new MalformedHashException("it is neither an Argon2 PHC string ($argon2id$, $argon2i$, $argon2d$)"
                + " nor a bcrypt hash ($2a$, $2b$, $2y$)");
    }

    private boolean checkBcrypt(String storedHash, byte[] password) {
        try {
            // Bouncy Castle compares the strings in constant time; like every bcrypt, it reads at most
            // the first 72 bytes of the password.
            return OpenBSDBCrypt.checkPassword(storedHash, password);
        } catch (IllegalArgumentException | DataLengthException e) {
            // Its messages may quote part of the hash: they are not logged.
            log.warn("A stored bcrypt password hash cannot be checked: Bouncy Castle refused it ({})."
                    + " The login fails as if the password were wrong; set a new password for that account.",
                    e.getClass().getSimpleName());
            return false;
        }
    }

    /**
     * The bytes that are hashed. NFKC because the same password typed on different systems may arrive
     * composed (é as U+00E9) or decomposed (e then U+0301), or with compatibility forms such as
     * full-width letters: each must hash alike. The normalised String cannot be wiped (Strings are
     * immutable), but the byte array, the copy Argon2 reads, is zeroed by every caller after use.
     */
    static byte[] passwordBytes(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC).getBytes(StandardCharsets.UTF_8);
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

    private OverloadedException overloaded() {
        RejectedExecutionException cause = new RejectedExecutionException("minoro-password: " + threads
                + " running and " + queueCapacity + " waiting, the most allowed");
        return new OverloadedException("Password hashing is at capacity: all " + threads + " hashing threads are"
                + " busy and all " + queueCapacity + " queue slots are taken. Retry later, or raise hashingThreads"
                + " (up to the cores available) or hashingQueueCapacity in MinoroConfig; each hash holds "
                + memoryKiB + " KiB while it runs.", cause);
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

    private static IllegalStateException closedException(@Nullable Throwable cause) {
        return new IllegalStateException("PasswordHasher is closed: it no longer hashes or verifies passwords",
                cause);
    }
}
