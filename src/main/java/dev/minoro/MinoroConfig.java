package dev.minoro;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@link Minoro#create(MinoroConfig)} needs: the database and the policies for passwords
 * and logins. An immutable value, made by {@link #of(DatabaseConfig)} with defaults or by
 * {@link #builder()}, whose {@link Builder#build()} validates every option and names the offending one.
 *
 * <p>Defaults: Argon2id with OWASP's parameters (m=19456 KiB, t=2, p=1); as many hashing threads as
 * cores with a queue of 128; passwords of 8 to 1024 characters; an account locks for 15 minutes after
 * 5 failed logins in a row; sessions end 24 hours after creation or after 30 minutes without use, renewed at
 * most once a minute; the system UTC clock; no metrics and no observations.
 */
public final class MinoroConfig {

    /** OWASP's recommended Argon2id memory cost, in KiB. */
    public static final int DEFAULT_ARGON2_MEMORY_KIB = 19456;
    /** OWASP's recommended Argon2id iteration count. */
    public static final int DEFAULT_ARGON2_ITERATIONS = 2;
    /** OWASP's recommended Argon2id parallelism. */
    public static final int DEFAULT_ARGON2_PARALLELISM = 1;
    /** How many hashes may wait for a hashing thread before new ones are refused. */
    public static final int DEFAULT_HASHING_QUEUE_CAPACITY = 128;
    /** The shortest password accepted by default. */
    public static final int DEFAULT_MIN_PASSWORD_LENGTH = 8;
    /** The longest password accepted by default: a cap, so that nobody makes the server hash megabytes. */
    public static final int DEFAULT_MAX_PASSWORD_LENGTH = 1024;
    /** Failed logins in a row after which an account locks. */
    public static final int DEFAULT_MAX_FAILED_LOGINS = 5;
    /** How long a locked account stays locked. */
    public static final Duration DEFAULT_LOCKOUT_DURATION = Duration.ofMinutes(15);
    /** How many times the cost of Minoro's own hash an imported hash may have. */
    public static final int DEFAULT_IMPORTED_HASH_COST_FACTOR = 8;
    /**
     * The {@code instance} tag of an instance's gauges unless {@link Builder#metricsInstance(String)} names another.
     */
    public static final String DEFAULT_METRICS_INSTANCE = "minoro";
    /** The default {@link Builder#loginEventBufferSize(int)}: 1024 events per subscriber. */
    public static final int DEFAULT_LOGIN_EVENT_BUFFER_SIZE = 1024;
    private static final int MAX_LOGIN_EVENT_BUFFER_SIZE = 1 << 20;
    /**
     * How long a session lasts at most, however active, unless {@link Builder#sessionAbsoluteTimeout} says otherwise.
     */
    public static final Duration DEFAULT_SESSION_ABSOLUTE_TIMEOUT = Duration.ofHours(24);
    /** How long a session may go unused before it ends, unless {@link Builder#sessionIdleTimeout} says otherwise. */
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofMinutes(30);
    /**
     * How often at most a session's last use is written, unless {@link Builder#sessionRenewalInterval} says otherwise.
     */
    public static final Duration DEFAULT_SESSION_RENEWAL_INTERVAL = Duration.ofMinutes(1);
    /** The longest session timeout or interval: beyond it, times leave the range both databases store. */
    static final Duration MAX_SESSION_DURATION = Duration.ofDays(36_500);

    private static final int MAX_IMPORTED_HASH_COST_FACTOR = 1024;

    private static final int MAX_PASSWORD_LENGTH_LIMIT = 4096;

    private final DatabaseConfig database;
    private final Clock clock;
    private final int argon2MemoryKiB;
    private final int argon2Iterations;
    private final int argon2Parallelism;
    private final int hashingThreads;
    private final int hashingQueueCapacity;
    private final int minPasswordLength;
    private final int maxPasswordLength;
    private final int maxFailedLogins;
    private final Duration lockoutDuration;
    private final @Nullable Duration passwordMaxAge;
    private final int importedHashCostFactor;
    private final boolean importPlaintextPasswords;
    private final int loginEventBufferSize;
    private final @Nullable Duration sessionAbsoluteTimeout;
    private final @Nullable Duration sessionIdleTimeout;
    private final Duration sessionRenewalInterval;
    // Object, not Micrometer's types: this class loads (and reflection over it works) where Micrometer is absent.
    private final @Nullable Object meterRegistry;
    private final @Nullable Object observationRegistry;
    private final String metricsInstance;

    private MinoroConfig(Builder b, DatabaseConfig database) {
        this.database = database;
        this.clock = b.clock;
        this.argon2MemoryKiB = b.argon2MemoryKiB;
        this.argon2Iterations = b.argon2Iterations;
        this.argon2Parallelism = b.argon2Parallelism;
        this.hashingThreads = b.hashingThreads;
        this.hashingQueueCapacity = b.hashingQueueCapacity;
        this.minPasswordLength = b.minPasswordLength;
        this.maxPasswordLength = b.maxPasswordLength;
        this.maxFailedLogins = b.maxFailedLogins;
        this.lockoutDuration = b.lockoutDuration;
        this.passwordMaxAge = b.passwordMaxAge;
        this.importedHashCostFactor = b.importedHashCostFactor;
        this.importPlaintextPasswords = b.importPlaintextPasswords;
        this.loginEventBufferSize = b.loginEventBufferSize;
        this.sessionAbsoluteTimeout = b.sessionAbsoluteTimeout;
        this.sessionIdleTimeout = b.sessionIdleTimeout;
        this.sessionRenewalInterval = b.sessionRenewalInterval;
        this.meterRegistry = b.meterRegistry;
        this.observationRegistry = b.observationRegistry;
        this.metricsInstance = b.metricsInstance;
    }

    /**
     * {@return a configuration for {@code database} with the defaults for everything else}
     *
     * @param database where Minoro keeps its tables
     */
    public static MinoroConfig of(DatabaseConfig database) {
        return builder().database(database).build();
    }

    /** {@return a builder with every option at its default and no database yet} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding this configuration's values, to derive a changed copy} */
    public Builder toBuilder() {
        Builder builder = new Builder().database(database).clock(clock)
                .argon2(argon2MemoryKiB, argon2Iterations, argon2Parallelism)
                .hashingThreads(hashingThreads).hashingQueueCapacity(hashingQueueCapacity)
                .passwordLength(minPasswordLength, maxPasswordLength)
                .maxFailedLogins(maxFailedLogins).lockoutDuration(lockoutDuration)
                .passwordMaxAge(passwordMaxAge)
                .importedHashCostFactor(importedHashCostFactor)
                .metricsInstance(metricsInstance)
                .importPlaintextPasswords(importPlaintextPasswords)
                .loginEventBufferSize(loginEventBufferSize)
                .sessionAbsoluteTimeout(sessionAbsoluteTimeout)
                .sessionIdleTimeout(sessionIdleTimeout)
                .sessionRenewalInterval(sessionRenewalInterval);
        builder.meterRegistry = meterRegistry;
        builder.observationRegistry = observationRegistry;
        return builder;
    }

    /** {@return where Minoro keeps its tables} */
    public DatabaseConfig database() {
        return database;
    }

    /** {@return the clock for every timestamp Minoro stores and for lockouts} */
    public Clock clock() {
        return clock;
    }

    /** {@return Argon2id memory cost in KiB} */
    public int argon2MemoryKiB() {
        return argon2MemoryKiB;
    }

    /** {@return Argon2id iterations (time cost)} */
    public int argon2Iterations() {
        return argon2Iterations;
    }

    /** {@return Argon2id lanes (parallelism)} */
    public int argon2Parallelism() {
        return argon2Parallelism;
    }

    /** {@return threads of the password-hashing scheduler} */
    public int hashingThreads() {
        return hashingThreads;
    }

    /** {@return hashes that may wait for a thread before new ones fail with {@link OverloadedException}} */
    public int hashingQueueCapacity() {
        return hashingQueueCapacity;
    }

    /** {@return the shortest acceptable password, in characters} */
    public int minPasswordLength() {
        return minPasswordLength;
    }

    /** {@return the longest acceptable password, in characters} */
    public int maxPasswordLength() {
        return maxPasswordLength;
    }

    /** {@return failed logins in a row after which an account locks} */
    public int maxFailedLogins() {
        return maxFailedLogins;
    }

    /** {@return how long an account stays locked} */
    public Duration lockoutDuration() {
        return lockoutDuration;
    }

    /**
     * {@return how long a password stays valid after it was set, or null when passwords never expire (the default);
     * see {@link Builder#passwordMaxAge(Duration)}}
     */
    public @Nullable Duration passwordMaxAge() {
        return passwordMaxAge;
    }

    /**
     * {@return how many times the cost of one hash with the configured Argon2id parameters (or OWASP's, when those
     * are cheaper) an imported password hash may have; see {@link Builder#importedHashCostFactor(int)}}
     */
    public int importedHashCostFactor() {
        return importedHashCostFactor;
    }

    /**
     * {@return whether an imported {@code passwordHash} may be Spring Security's {@code {noop}} plain text; see
     * {@link Builder#importPlaintextPasswords(boolean)}}
     */
    public boolean importPlaintextPasswords() {
        return importPlaintextPasswords;
    }

    /**
     * {@return how many login events each subscriber of {@link Minoro#loginEvents()} may have waiting before newer
     * ones are dropped for it; see {@link Builder#loginEventBufferSize(int)}}
     */
    public int loginEventBufferSize() {
        return loginEventBufferSize;
    }

    /**
     * {@return how long after its creation a session ends however active it is, unless its {@link SessionOptions}
     * say otherwise, or null when sessions have no absolute end; see {@link Builder#sessionAbsoluteTimeout}}
     */
    public @Nullable Duration sessionAbsoluteTimeout() {
        return sessionAbsoluteTimeout;
    }

    /**
     * {@return how long a session may go without a {@link SessionRepository#validate validation} before it ends,
     * unless its {@link SessionOptions} say otherwise, or null when sessions never end for being idle; see
     * {@link Builder#sessionIdleTimeout}}
     */
    public @Nullable Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    /**
     * {@return how often at most {@link SessionRepository#validate} writes a session's renewal; see
     * {@link Builder#sessionRenewalInterval}}
     */
    public Duration sessionRenewalInterval() {
        return sessionRenewalInterval;
    }

    /**
     * {@return the Micrometer {@code MeterRegistry} given to {@link Builder#meterRegistry}, or null when there is none}
     * Typed {@code Object}, as HikariCP's {@code getMetricRegistry()}, so that this class never needs Micrometer.
     */
    public @Nullable Object meterRegistry() {
        return meterRegistry;
    }

    /**
     * {@return the Micrometer {@code ObservationRegistry} given to {@link Builder#observationRegistry}, or null when
     * there is none} Typed {@code Object}, so that this class never needs Micrometer.
     */
    public @Nullable Object observationRegistry() {
        return observationRegistry;
    }

    /**
     * {@return the value of the {@code instance} tag of this instance's gauges; see
     * {@link Builder#metricsInstance(String)}}
     */
    public String metricsInstance() {
        return metricsInstance;
    }

    @Override
    public String toString() {
        return "MinoroConfig{database=" + database + ", clock=" + clock
                + ", argon2id=m=" + argon2MemoryKiB + ",t=" + argon2Iterations + ",p=" + argon2Parallelism
                + ", hashingThreads=" + hashingThreads + ", hashingQueueCapacity=" + hashingQueueCapacity
                + ", passwordLength=" + minPasswordLength + ".." + maxPasswordLength
                + ", maxFailedLogins=" + maxFailedLogins + ", lockoutDuration=" + lockoutDuration
                + (passwordMaxAge == null ? "" : ", passwordMaxAge=" + passwordMaxAge)
                + ", importedHashCostFactor=" + importedHashCostFactor
                + ", metricsInstance=" + metricsInstance
                + ", importPlaintextPasswords=" + importPlaintextPasswords
                + ", loginEventBufferSize=" + loginEventBufferSize
                + ", sessionAbsoluteTimeout=" + (sessionAbsoluteTimeout == null ? "none" : sessionAbsoluteTimeout)
                + ", sessionIdleTimeout=" + (sessionIdleTimeout == null ? "none" : sessionIdleTimeout)
                + ", sessionRenewalInterval=" + sessionRenewalInterval
                + (meterRegistry == null ? "" : ", meterRegistry=" + meterRegistry.getClass().getSimpleName())
                + (observationRegistry == null ? ""
                        : ", observationRegistry=" + observationRegistry.getClass().getSimpleName())
                + '}';
    }

    /**
     * Builds a {@link MinoroConfig}. Setters check their own argument; {@link #build()} checks that a
     * database was given and the rules between options. Every failure is a {@link ConfigurationException}
     * naming the option and the bad value.
     */
    public static final class Builder {

        private @Nullable DatabaseConfig database;
        private Clock clock = Clock.systemUTC();
        private int argon2MemoryKiB = DEFAULT_ARGON2_MEMORY_KIB;
        private int argon2Iterations = DEFAULT_ARGON2_ITERATIONS;
        private int argon2Parallelism = DEFAULT_ARGON2_PARALLELISM;
        private int hashingThreads = Runtime.getRuntime().availableProcessors();
        private int hashingQueueCapacity = DEFAULT_HASHING_QUEUE_CAPACITY;
        private int minPasswordLength = DEFAULT_MIN_PASSWORD_LENGTH;
        private int maxPasswordLength = DEFAULT_MAX_PASSWORD_LENGTH;
        private int maxFailedLogins = DEFAULT_MAX_FAILED_LOGINS;
        private Duration lockoutDuration = DEFAULT_LOCKOUT_DURATION;
        private @Nullable Duration passwordMaxAge;
        private int importedHashCostFactor = DEFAULT_IMPORTED_HASH_COST_FACTOR;
        private boolean importPlaintextPasswords;
        private int loginEventBufferSize = DEFAULT_LOGIN_EVENT_BUFFER_SIZE;
        private @Nullable Duration sessionAbsoluteTimeout = DEFAULT_SESSION_ABSOLUTE_TIMEOUT;
        private @Nullable Duration sessionIdleTimeout = DEFAULT_SESSION_IDLE_TIMEOUT;
        private Duration sessionRenewalInterval = DEFAULT_SESSION_RENEWAL_INTERVAL;
        private @Nullable Object meterRegistry;
        private @Nullable Object observationRegistry;
        private String metricsInstance = DEFAULT_METRICS_INSTANCE;

        private Builder() {
        }

        /**
         * The database (required).
         *
         * @param database where Minoro keeps its tables
         * @return this builder
         */
        public Builder database(DatabaseConfig database) {
            this.database = required("database", database);
            return this;
        }

        /**
         * The clock for timestamps and lockouts (default {@link Clock#systemUTC()}).
         *
         * @param clock the clock for timestamps and lockouts
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = required("clock", clock);
            return this;
        }

        /**
         * Argon2id parameters for new hashes: memory in KiB, iterations, parallelism. Stored hashes with
         * weaker parameters are rehashed on the next successful login.
         *
         * @param memoryKiB memory cost in KiB
         * @param iterations iterations (time cost)
         * @param parallelism lanes (parallelism), 1 to 255
         * @return this builder
         */
        public Builder argon2(int memoryKiB, int iterations, int parallelism) {
            if (parallelism < 1 || parallelism > 255) {
                throw new ConfigurationException("argon2Parallelism must be between 1 and 255, was " + parallelism);
            }
            atLeastOne("argon2Iterations", iterations);
            if (memoryKiB < 8 * parallelism) {
                throw new ConfigurationException("argon2MemoryKiB must be >= 8 * argon2Parallelism ("
                        + 8 * parallelism + "), was " + memoryKiB);
            }
            if (memoryKiB > 4 * 1024 * 1024) {
                throw new ConfigurationException("argon2MemoryKiB must be <= 4194304 (4 GiB), was " + memoryKiB);
            }
            this.argon2MemoryKiB = memoryKiB;
            this.argon2Iterations = iterations;
            this.argon2Parallelism = parallelism;
            return this;
        }

        /** {@code value}; fails on null, naming the option. */
        private static <T> T required(String option, @Nullable T value) {
            if (value == null) {
                throw new ConfigurationException(option + " must not be null");
            }
            return value;
        }

        /** Fails on a count below 1, naming the option. */
        private static void atLeastOne(String option, int value) {
            if (value < 1) {
                throw new ConfigurationException(option + " must be >= 1, was " + value);
            }
        }

        /**
         * Threads that hash passwords (default: the number of cores), started at the first hash. Each keeps one hash's
         * Argon2 memory ({@code argon2MemoryKiB}) from its first hash until the instance is closed and reuses it for
         * every later hash, so that the heap holds {@code threads x argon2MemoryKiB} for hashing however many callers
         * wait, and hashing allocates none of it per hash.
         *
         * @param threads the number of hashing threads, at least 1
         * @return this builder
         */
        public Builder hashingThreads(int threads) {
            atLeastOne("hashingThreads", threads);
            this.hashingThreads = threads;
            return this;
        }

        /**
         * Hashes that may wait for a thread (default 128); beyond it, hashing fails fast.
         *
         * @param capacity the number of hashes that may wait, at least 1
         * @return this builder
         */
        public Builder hashingQueueCapacity(int capacity) {
            atLeastOne("hashingQueueCapacity", capacity);
            this.hashingQueueCapacity = capacity;
            return this;
        }

        /**
         * The accepted password length in characters (default 8 to 1024; the cap is at most 4096).
         *
         * @param min the shortest password accepted, at least 1
         * @param max the longest password accepted, at most 4096
         * @return this builder
         */
        public Builder passwordLength(int min, int max) {
            atLeastOne("minPasswordLength", min);
            if (max < min || max > MAX_PASSWORD_LENGTH_LIMIT) {
                throw new ConfigurationException("maxPasswordLength must be between minPasswordLength (" + min
                        + ") and " + MAX_PASSWORD_LENGTH_LIMIT + ", was " + max);
            }
            this.minPasswordLength = min;
            this.maxPasswordLength = max;
            return this;
        }

        /**
         * Failed logins in a row after which an account locks (default 5). It is also the most password
         * checks an account gets per lock period, however many logins arrive at once: each attempt is
         * counted in the database before its password is checked.
         *
         * @param attempts the number of failed logins, at least 1
         * @return this builder
         */
        public Builder maxFailedLogins(int attempts) {
            atLeastOne("maxFailedLogins", attempts);
            this.maxFailedLogins = attempts;
            return this;
        }

        /**
         * How long an account stays locked (default 15 minutes).
         *
         * @param duration a positive duration
         * @return this builder
         */
        public Builder lockoutDuration(Duration duration) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new ConfigurationException("lockoutDuration must be a positive duration, was " + duration);
            }
            this.lockoutDuration = duration;
            return this;
        }

        /**
         * How long a password stays valid after it was set ({@link User#passwordChangedAt()}: created, changed or
         * imported), or null for never (the default). Once it is older, {@link Minoro#authenticate} fails with
         * {@link PasswordExpiredException} after checking that the password is right (a wrong one still gets
         * {@link InvalidCredentialsException}), and records no login; {@link UserRepository#changePassword} sets
         * a new one. Users migrated from schema version 1 count from their last update.
         *
         * @param maxAge a positive duration, or null for passwords that never expire
         * @return this builder
         */
        public Builder passwordMaxAge(@Nullable Duration maxAge) {
            if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
                throw new ConfigurationException("passwordMaxAge must be a positive duration or null, was " + maxAge);
            }
            this.passwordMaxAge = maxAge;
            return this;
        }

        /**
         * How costly a password hash imported from another system ({@link NewUser#withPasswordHash(String)})
         * may be, as a multiple of one hash with the configured Argon2id parameters, or with OWASP's
         * (m=19456 KiB, t=2, p=1) when those are cheaper (default 8, at most 1024). With the default: Argon2
         * memory up to 8 times 19 MiB (152 MiB), memory times iterations up to 8 times OWASP's, up to 8
         * lanes, and bcrypt up to cost 13 (cost 10 counts as one OWASP Argon2id hash, each step doubles
         * it). A costlier hash is refused at import with {@link InvalidInputException}, and a stored one is
         * never computed (the login fails as for a wrong password and a warning is logged): each check
         * holds its memory on a hashing thread, so the heap needs {@code hashingThreads} times the largest
         * memory allowed.
         *
         * @param factor 1 to 1024
         * @return this builder
         */
        public Builder importedHashCostFactor(int factor) {
            if (factor < 1 || factor > MAX_IMPORTED_HASH_COST_FACTOR) {
                throw new ConfigurationException("importedHashCostFactor must be between 1 and "
                        + MAX_IMPORTED_HASH_COST_FACTOR + ", was " + factor);
            }
            this.importedHashCostFactor = factor;
            return this;
        }

        /**
         * The value of the {@code instance} tag on this instance's gauges (default {@code minoro}): the
         * password-hashing queue's and the connection pool's. Counters and timers have no such tag; those of instances
         * sharing a registry add up. Only needed when two instances run at once with one {@code MeterRegistry} (two
         * databases, say): each then needs its own name, or the second boot fails with {@link ConfigurationException},
         * since a registry keeps one gauge per name and tags.
         *
         * @param name 1 to 64 characters among {@code A-Z a-z 0-9 . _ -}
         * @return this builder
         */
        public Builder metricsInstance(String name) {
            if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new ConfigurationException("metricsInstance must be 1 to 64 characters among A-Z a-z 0-9 . _ -,"
                        + " was " + (name == null ? "null" : "\"" + name + "\""));
            }
            this.metricsInstance = name;
            return this;
        }

        /**
         * Whether an imported {@code passwordHash} may be Spring Security's {@code {noop}<password>}, a password
         * kept in plain text (default false: refused with {@link InvalidInputException}, as a store of plain
         * passwords usually is a mistake). When true, such a password is hashed with Argon2id at import, on the
         * hashing threads, after the same length checks as {@code NewUser.of(email, password)}; the plain text is
         * never stored.
         *
         * @param allowed whether {@code {noop}} values are imported
         * @return this builder
         */
        public Builder importPlaintextPasswords(boolean allowed) {
            this.importPlaintextPasswords = allowed;
            return this;
        }

        /**
         * How many login events each subscriber of {@link Minoro#loginEvents()} may have waiting, received but
         * not yet consumed, before newer ones are dropped for it and counted in
         * {@link Minoro#droppedLoginEvents()} (default {@value MinoroConfig#DEFAULT_LOGIN_EVENT_BUFFER_SIZE}, at
         * most 1048576). Logins never wait for a subscriber; the buffer bounds the memory a slow one holds.
         *
         * @param events 1 to 1048576 events
         * @return this builder
         */
        public Builder loginEventBufferSize(int events) {
            if (events < 1 || events > MAX_LOGIN_EVENT_BUFFER_SIZE) {
                throw new ConfigurationException("loginEventBufferSize must be between 1 and "
                        + MAX_LOGIN_EVENT_BUFFER_SIZE + ", was " + events);
            }
            this.loginEventBufferSize = events;
            return this;
        }

        /**
         * How long after its creation a session ends, however active it is (default 24 hours), for sessions whose
         * {@link SessionOptions} do not set their own.
         *
         * @param timeout 1 ms to 36500 days (millisecond precision), or null for sessions with no absolute end
         * @return this builder
         */
        public Builder sessionAbsoluteTimeout(@Nullable Duration timeout) {
            this.sessionAbsoluteTimeout = positiveOrNull("sessionAbsoluteTimeout", timeout);
            return this;
        }

        /**
         * How long a session may go without being validated before it ends (default 30 minutes), for sessions whose
         * {@link SessionOptions} do not set their own. Since renewals are written at most once per
         * {@link #sessionRenewalInterval}, a session may end up to that much earlier than this after its last use.
         *
         * @param timeout 1 ms to 36500 days (millisecond precision), longer than the renewal interval, or null for
         *                sessions that never end for being idle
         * @return this builder
         */
        public Builder sessionIdleTimeout(@Nullable Duration timeout) {
            this.sessionIdleTimeout = positiveOrNull("sessionIdleTimeout", timeout);
            return this;
        }

        /**
         * How often at most {@link SessionRepository#validate} writes a session's new last use and idle deadline
         * (default 1 minute): validations within this interval of the last renewal read only, so a busy session
         * costs one write per interval, not one per request.
         *
         * @param interval 1 ms to 36500 days (millisecond precision), shorter than the idle timeout
         * @return this builder
         */
        public Builder sessionRenewalInterval(Duration interval) {
            this.sessionRenewalInterval = positiveOrNull("sessionRenewalInterval",
                    required("sessionRenewalInterval", interval));
            return this;
        }

        /** Fails on a session duration under 1 ms or over 36500 days (where times leave both databases' range). */
        private static @Nullable Duration positiveOrNull(String option, @Nullable Duration value) {
            if (value != null && (value.isNegative() || value.compareTo(Duration.ofMillis(1)) < 0
                    || value.compareTo(MAX_SESSION_DURATION) > 0)) {
                throw new ConfigurationException(option + " must be between 1 ms and 36500 days"
                        + (option.endsWith("Interval") ? "" : ", or null for none") + ", was " + value);
            }
            return value;
        }

        /**
         * Records Minoro's metrics in {@code registry} (default: none): login outcomes (a counter and a timer by
         * outcome), boots' migration runs (a timer by outcome), and gauges of each running instance's password-hashing
         * queue and PostgreSQL connection pool; the README lists every meter with its tags. No tag carries an email or
         * any other input. The gauges are registered when an instance boots and removed when it closes, tagged
         * {@code instance} with {@link #metricsInstance(String)}: two instances running at once in one registry need
         * distinct names, and the second boot with a name already reporting fails with
         * {@link ConfigurationException}.
         *
         * <p>Needs micrometer-core (1.16 or later) on the class path; without a call to this method (or to
         * {@link #observationRegistry}), Minoro loads no Micrometer class.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = required("meterRegistry", registry);
            return this;
        }

        /**
         * Observes Minoro's work in {@code registry} (default: none), whose handlers make tracing spans or timers of
         * it: {@code minoro.boot} around each {@code Minoro.create}, {@code minoro.migrate} around its migration run
         * and {@code minoro.authenticate} around each login, with the low-cardinality key values {@code database}
         * ({@code sqlite}, {@code postgres}) and {@code outcome}; no email or other input. Each observation is the
         * child of the one in the subscriber's Reactor context under {@code "micrometer.observation"} (where Spring
         * WebFlux keeps a request's).
         *
         * <p>Needs micrometer-observation (1.16 or later) on the class path; without a call to this method (or to
         * {@link #meterRegistry}), Minoro loads no Micrometer class.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder observationRegistry(ObservationRegistry registry) {
            this.observationRegistry = required("observationRegistry", registry);
            return this;
        }

        /**
         * {@return the configuration}
         *
         * @throws ConfigurationException when no database was given, or the session renewal interval is not shorter
         *                                than the session idle timeout
         */
        public MinoroConfig build() {
            DatabaseConfig db = database;
            if (db == null) {
                throw new ConfigurationException("database is required: call database(DatabaseConfig.sqlite(...))"
                        + " or database(DatabaseConfig.postgres(...))");
            }
            Duration idle = sessionIdleTimeout;
            if (idle != null && sessionRenewalInterval.compareTo(idle) >= 0) {
                throw new ConfigurationException("sessionRenewalInterval must be shorter than sessionIdleTimeout ("
                        + idle + "), was " + sessionRenewalInterval + ": a session in use would end between two"
                        + " renewals");
            }
            return new MinoroConfig(this, db);
        }
    }
}
