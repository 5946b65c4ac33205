package dev.minoro.spring.boot;

import dev.minoro.MinoroConfig;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code minoro.*} properties from which {@link MinoroAutoConfiguration} makes the {@code MinoroConfig} of
 * the application's {@code Minoro} bean.
 *
 * <p>An unset property leaves Minoro's default. Values are checked by Minoro's own rules when the configuration is
 * made, at startup: a bad one fails it with Minoro's message, prefixed with the property's name. Durations take
 * Spring's forms ({@code 10s}, {@code 15m}, {@code PT30S}) with their unit: a bare number other than {@code 0}, which
 * Spring would read as milliseconds, fails the startup, as does a name under {@code minoro.*} that is none of these
 * properties (with the nearest one in the message).
 */
@ConfigurationProperties("minoro")
public class MinoroProperties {
    /** Every property at its default, for Spring Boot to bind minoro.* onto. */
    public MinoroProperties() {
    }


    /** The prefix of every property of this class. */
    public static final String PREFIX = "minoro";

    private final Database database = new Database();

    private final Lockout lockout = new Lockout();

    private final Argon2 argon2 = new Argon2();

    private final Hashing hashing = new Hashing();

    private final Password password = new Password();

    private final Sessions sessions = new Sessions();

    /**
     * How long the application's shutdown waits for Minoro to close (its connections, threads and files). Past it,
     * shutdown goes on and the closing finishes in the background.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(30);

    /**
     * The {@code instance} tag of this instance's gauges in the application's {@code MeterRegistry}: needed only when
     * two Minoro instances report to one registry, each then with its own (1 to 64 characters among
     * {@code A-Z a-z 0-9 . _ -}).
     */
    private String metricsInstance = MinoroConfig.DEFAULT_METRICS_INSTANCE;

    /**
     * How many login events each subscriber of {@code Minoro.loginEvents()} may have waiting before newer ones are
     * dropped for it and counted; 1 to 1048576.
     */
    private int loginEventBufferSize = MinoroConfig.DEFAULT_LOGIN_EVENT_BUFFER_SIZE;

    /** {@return the {@code minoro.database.*} properties} */
    public Database getDatabase() {
        return database;
    }

    /** {@return the {@code minoro.lockout.*} properties} */
    public Lockout getLockout() {
        return lockout;
    }

    /** {@return the {@code minoro.argon2.*} properties} */
    public Argon2 getArgon2() {
        return argon2;
    }

    /** {@return the {@code minoro.hashing.*} properties} */
    public Hashing getHashing() {
        return hashing;
    }

    /** {@return the {@code minoro.password.*} properties} */
    public Password getPassword() {
        return password;
    }

    /** {@return the {@code minoro.sessions.*} properties} */
    public Sessions getSessions() {
        return sessions;
    }

    /** {@return {@code minoro.metrics-instance}} */
    public String getMetricsInstance() {
        return metricsInstance;
    }

    /**
     * Sets {@code minoro.metrics-instance}.
     *
     * @param metricsInstance the value
     */
    public void setMetricsInstance(String metricsInstance) {
        this.metricsInstance = metricsInstance;
    }

    /** {@return {@code minoro.login-event-buffer-size}} */
    public int getLoginEventBufferSize() {
        return loginEventBufferSize;
    }

    /**
     * Sets {@code minoro.login-event-buffer-size}.
     *
     * @param loginEventBufferSize the value
     */
    public void setLoginEventBufferSize(int loginEventBufferSize) {
        this.loginEventBufferSize = loginEventBufferSize;
    }

    /** {@return {@code minoro.shutdown-timeout}} */
    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    /**
     * Sets {@code minoro.shutdown-timeout}.
     *
     * @param shutdownTimeout the value
     */
    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    /** Never shows the database URL, which may hold a password. */
    @Override
    public String toString() {
        return "MinoroProperties{database=" + database + ", lockout=" + lockout + ", argon2=" + argon2 + ", hashing="
                + hashing + ", password=" + password + ", sessions=" + sessions + ", metricsInstance=" + metricsInstance
                + ", loginEventBufferSize=" + loginEventBufferSize + ", shutdownTimeout=" + shutdownTimeout + '}';
    }

    /** {@code minoro.database.*}: where the tables live and how Minoro connects ({@code DatabaseConfig}). */
    public static class Database {
        /** Every property of this group at its default, for Spring Boot to bind onto. */
        public Database() {
        }


        /**
         * Where Minoro keeps its tables (required): a SQLite file (file:/var/lib/app/auth.db, file:relative/path.db,
         * file::memory:), a remote libSQL server (libsql://db-org.turso.io, https://..., http://host:8080) or a
         * PostgreSQL connection string (postgres://user:password@host:5432/db?sslmode=require, postgresql://...,
         * r2dbc:postgresql://...); the type is read from the form.
         */
        private @Nullable String url;

        /**
         * Remote libSQL only (Turso, sqld): the bearer token sent with every request, as turso db tokens create
         * prints it. A token in the URL (?authToken=...) wins. Never shown.
         */
        private @Nullable String authToken;

        /** Remote libSQL only: how long a request waits for the TCP connection and TLS handshake. */
        private @Nullable Duration connectTimeout;

        /**
         * Whether startup brings the schema up to date. With false it only checks it, in one statement, and fails
         * when it is behind: for deployments that migrate once, before the new version starts.
         */
        private boolean runMigrations = true;

        /** How long startup waits for another instance's migration to finish. */
        private @Nullable Duration migrationLockTimeout;

        /**
         * SQLite only: how long one call may wait in all, behind the instance's other writes and for another
         * process's lock on the file.
         */
        private @Nullable Duration busyTimeout;

        /**
         * SQLite files only: the reader lanes, each a JDBC connection on a thread of its own that reads beside the
         * writer, 0 to 64. Default: the processors the JVM may use, at least 2 and at most 4. Raise it when more
         * slowly read streams of rows (roles, a role's members, a user's sessions) may be open at once than there
         * are lanes.
         */
        private @Nullable Integer readerLanes;

        /**
         * PostgreSQL only: the schema of Minoro's tables, created when missing (a plain identifier; it folds to
         * lower case). Default: the connection's search_path.
         */
        private @Nullable String schema;

        /**
         * PostgreSQL only: whether a transaction pooler (PgBouncer in transaction mode, Supabase's port 6543, Neon's
         * -pooler hosts) sits in front of the server, so that no named prepared statements are kept. Default: the
         * URL's pgbouncer parameter.
         */
        private @Nullable Boolean poolerMode;

        private final Pool pool = new Pool();

        /** {@return {@code minoro.database.url}} */
        public @Nullable String getUrl() {
            return url;
        }

        /**
         * Sets {@code minoro.database.url}.
         *
         * @param url the value
         */
        public void setUrl(@Nullable String url) {
            this.url = url;
        }

        /** {@return {@code minoro.database.auth-token}} */
        public @Nullable String getAuthToken() {
            return authToken;
        }

        /**
         * Sets {@code minoro.database.auth-token}.
         *
         * @param authToken the value
         */
        public void setAuthToken(@Nullable String authToken) {
            this.authToken = authToken;
        }

        /** {@return {@code minoro.database.connect-timeout}} */
        public @Nullable Duration getConnectTimeout() {
            return connectTimeout;
        }

        /**
         * Sets {@code minoro.database.connect-timeout}.
         *
         * @param connectTimeout the value
         */
        public void setConnectTimeout(@Nullable Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        /** {@return {@code minoro.database.run-migrations}} */
        public boolean isRunMigrations() {
            return runMigrations;
        }

        /**
         * Sets {@code minoro.database.run-migrations}.
         *
         * @param runMigrations the value
         */
        public void setRunMigrations(boolean runMigrations) {
            this.runMigrations = runMigrations;
        }

        /** {@return {@code minoro.database.migration-lock-timeout}} */
        public @Nullable Duration getMigrationLockTimeout() {
            return migrationLockTimeout;
        }

        /**
         * Sets {@code minoro.database.migration-lock-timeout}.
         *
         * @param migrationLockTimeout the value
         */
        public void setMigrationLockTimeout(@Nullable Duration migrationLockTimeout) {
            this.migrationLockTimeout = migrationLockTimeout;
        }

        /** {@return {@code minoro.database.busy-timeout}} */
        public @Nullable Duration getBusyTimeout() {
            return busyTimeout;
        }

        /**
         * Sets {@code minoro.database.busy-timeout}.
         *
         * @param busyTimeout the value
         */
        public void setBusyTimeout(@Nullable Duration busyTimeout) {
            this.busyTimeout = busyTimeout;
        }

        /** {@return {@code minoro.database.reader-lanes}} */
        public @Nullable Integer getReaderLanes() {
            return readerLanes;
        }

        /**
         * Sets {@code minoro.database.reader-lanes}.
         *
         * @param readerLanes the value
         */
        public void setReaderLanes(@Nullable Integer readerLanes) {
            this.readerLanes = readerLanes;
        }

        /** {@return {@code minoro.database.schema}} */
        public @Nullable String getSchema() {
            return schema;
        }

        /**
         * Sets {@code minoro.database.schema}.
         *
         * @param schema the value
         */
        public void setSchema(@Nullable String schema) {
            this.schema = schema;
        }

        /** {@return {@code minoro.database.pooler-mode}} */
        public @Nullable Boolean getPoolerMode() {
            return poolerMode;
        }

        /**
         * Sets {@code minoro.database.pooler-mode}.
         *
         * @param poolerMode the value
         */
        public void setPoolerMode(@Nullable Boolean poolerMode) {
            this.poolerMode = poolerMode;
        }

        /** {@return the {@code minoro.database.pool.*} properties} */
        public Pool getPool() {
            return pool;
        }

        @Override
        public String toString() {
            return "Database{url=" + (url == null ? "null" : "(set, not shown)") + ", authToken="
                    + (authToken == null ? "null" : "(set, not shown)") + ", connectTimeout=" + connectTimeout
                    + ", runMigrations=" + runMigrations
                    + ", migrationLockTimeout=" + migrationLockTimeout + ", busyTimeout=" + busyTimeout
                    + ", readerLanes=" + readerLanes + ", schema=" + schema + ", poolerMode=" + poolerMode + ", pool="
                    + pool + '}';
        }
    }

    /** {@code minoro.database.pool.*}: PostgreSQL's connection pool (r2dbc-pool). */
    public static class Pool {
        /** Every property of this group at its default, for Spring Boot to bind onto. */
        public Pool() {
        }


        /** PostgreSQL only: the fewest connections the pool keeps open. */
        private @Nullable Integer minSize;

        /** PostgreSQL only: the most connections the pool opens. */
        private @Nullable Integer maxSize;

        /**
         * PostgreSQL only: how long a call waits for a connection, free or new, before it fails.
         */
        private @Nullable Duration acquireTimeout;

        /** PostgreSQL only: how long a connection may stay idle before the pool closes it. */
        private @Nullable Duration maxIdleTime;

        /** PostgreSQL only: how old a connection may grow before the pool retires it. Default: no limit. */
        private @Nullable Duration maxLifetime;

        /** {@return {@code minoro.database.pool.min-size}} */
        public @Nullable Integer getMinSize() {
            return minSize;
        }

        /**
         * Sets {@code minoro.database.pool.min-size}.
         *
         * @param minSize the value
         */
        public void setMinSize(@Nullable Integer minSize) {
            this.minSize = minSize;
        }

        /** {@return {@code minoro.database.pool.max-size}} */
        public @Nullable Integer getMaxSize() {
            return maxSize;
        }

        /**
         * Sets {@code minoro.database.pool.max-size}.
         *
         * @param maxSize the value
         */
        public void setMaxSize(@Nullable Integer maxSize) {
            this.maxSize = maxSize;
        }

        /** {@return {@code minoro.database.pool.acquire-timeout}} */
        public @Nullable Duration getAcquireTimeout() {
            return acquireTimeout;
        }

        /**
         * Sets {@code minoro.database.pool.acquire-timeout}.
         *
         * @param acquireTimeout the value
         */
        public void setAcquireTimeout(@Nullable Duration acquireTimeout) {
            this.acquireTimeout = acquireTimeout;
        }

        /** {@return {@code minoro.database.pool.max-idle-time}} */
        public @Nullable Duration getMaxIdleTime() {
            return maxIdleTime;
        }

        /**
         * Sets {@code minoro.database.pool.max-idle-time}.
         *
         * @param maxIdleTime the value
         */
        public void setMaxIdleTime(@Nullable Duration maxIdleTime) {
            this.maxIdleTime = maxIdleTime;
        }

        /** {@return {@code minoro.database.pool.max-lifetime}} */
        public @Nullable Duration getMaxLifetime() {
            return maxLifetime;
        }

        /**
         * Sets {@code minoro.database.pool.max-lifetime}.
         *
         * @param maxLifetime the value
         */
        public void setMaxLifetime(@Nullable Duration maxLifetime) {
            this.maxLifetime = maxLifetime;
        }

        @Override
        public String toString() {
            return "Pool{minSize=" + minSize + ", maxSize=" + maxSize + ", acquireTimeout=" + acquireTimeout
                    + ", maxIdleTime=" + maxIdleTime + ", maxLifetime=" + maxLifetime + '}';
        }
    }

    /**
     * {@code minoro.sessions.*}: how long the sessions of {@code Minoro.sessions()} last. A timeout of {@code 0}
     * means none.
     */
    public static class Sessions {
        /** Every property of this group at its default, for Spring Boot to bind onto. */
        public Sessions() {
        }

        /** How long after its creation a session ends however active it is; 0 for no absolute end. */
        private Duration absoluteTimeout = MinoroConfig.DEFAULT_SESSION_ABSOLUTE_TIMEOUT;

        /** How long a session may go unused before it ends; 0 for sessions that never end for being idle. */
        private Duration idleTimeout = MinoroConfig.DEFAULT_SESSION_IDLE_TIMEOUT;

        /**
         * How often at most a validation writes a session's renewal (its last use and idle deadline); shorter than
         * the idle timeout.
         */
        private Duration renewalInterval = MinoroConfig.DEFAULT_SESSION_RENEWAL_INTERVAL;

        /** {@return {@code minoro.sessions.absolute-timeout}} */
        public Duration getAbsoluteTimeout() {
            return absoluteTimeout;
        }

        /**
         * Sets {@code minoro.sessions.absolute-timeout}.
         *
         * @param absoluteTimeout the value
         */
        public void setAbsoluteTimeout(Duration absoluteTimeout) {
            this.absoluteTimeout = absoluteTimeout;
        }

        /** {@return {@code minoro.sessions.idle-timeout}} */
        public Duration getIdleTimeout() {
            return idleTimeout;
        }

        /**
         * Sets {@code minoro.sessions.idle-timeout}.
         *
         * @param idleTimeout the value
         */
        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        /** {@return {@code minoro.sessions.renewal-interval}} */
        public Duration getRenewalInterval() {
            return renewalInterval;
        }

        /**
         * Sets {@code minoro.sessions.renewal-interval}.
         *
         * @param renewalInterval the value
         */
        public void setRenewalInterval(Duration renewalInterval) {
            this.renewalInterval = renewalInterval;
        }

        @Override
        public String toString() {
            return "Sessions{absoluteTimeout=" + absoluteTimeout + ", idleTimeout=" + idleTimeout
                    + ", renewalInterval=" + renewalInterval + '}';
        }
    }

    /** {@code minoro.lockout.*}: when repeated failed logins lock an account. */
    public static class Lockout {
        /** Every property of this group at its default, for Spring Boot to bind onto. */
        public Lockout() {
        }


        /**
         * Failed logins in a row that lock an account; also the most password checks an account gets per lock
         * period, however many logins arrive at once.
         */
        private int maxFailedLogins = MinoroConfig.DEFAULT_MAX_FAILED_LOGINS;

        /** How long a locked account stays locked. */
        private Duration duration = MinoroConfig.DEFAULT_LOCKOUT_DURATION;

        /** {@return {@code minoro.lockout.max-failed-logins}} */
        public int getMaxFailedLogins() {
            return maxFailedLogins;
        }

        /**
         * Sets {@code minoro.lockout.max-failed-logins}.
         *
         * @param maxFailedLogins the value
         */
        public void setMaxFailedLogins(int maxFailedLogins) {
            this.maxFailedLogins = maxFailedLogins;
        }

        /** {@return {@code minoro.lockout.duration}} */
        public Duration getDuration() {
            return duration;
        }

        /**
         * Sets {@code minoro.lockout.duration}.
         *
         * @param duration the value
         */
        public void setDuration(Duration duration) {
            this.duration = duration;
        }

        @Override
        public String toString() {
            return "Lockout{maxFailedLogins=" + maxFailedLogins + ", duration=" + duration + '}';
        }
    }

    /**
     * {@code minoro.argon2.*}: the Argon2id parameters of new password hashes. Stored hashes with weaker ones are
     * rehashed at the user's next successful login.
     */
    public static class Argon2 {
        /** Every property of this group at its default, for Spring Boot to bind onto. */
        public Argon2() {
        }


        /** Argon2id memory cost in KiB (1024 bytes), held by each hash while it runs. */
        private int memoryKib = MinoroConfig.DEFAULT_ARGON2_MEMORY_KIB;

        /** Argon2id iterations (time cost). */
        private int iterations = MinoroConfig.DEFAULT_ARGON2_ITERATIONS;

        /** Argon2id lanes (parallelism), 1 to 255. */
        private int parallelism = MinoroConfig.DEFAULT_ARGON2_PARALLELISM;

        /** {@return {@code minoro.argon2.memory-kib}} */
        public int getMemoryKib() {
            return memoryKib;
        }

        /**
         * Sets {@code minoro.argon2.memory-kib}.
         *
         * @param memoryKib the value
         */
        public void setMemoryKib(int memoryKib) {
            this.memoryKib = memoryKib;
        }

        /** {@return {@code minoro.argon2.iterations}} */
        public int getIterations() {
            return iterations;
        }

        /**
         * Sets {@code minoro.argon2.iterations}.
         *
         * @param iterations the value
         */
        public void setIterations(int iterations) {
            this.iterations = iterations;
        }

        /** {@return {@code minoro.argon2.parallelism}} */
        public int getParallelism() {
            return parallelism;
        }

        /**
         * Sets {@code minoro.argon2.parallelism}.
         *
         * @param parallelism the value
         */
        public void setParallelism(int parallelism) {
            this.parallelism = parallelism;
        }

        @Override
        public String toString() {
            return "Argon2{memoryKib=" + memoryKib + ", iterations=" + iterations + ", parallelism=" + parallelism
                    + '}';
        }
    }

    /** {@code minoro.hashing.*}: the threads that hash passwords, and their queue. */
    public static class Hashing {
        /** Every property of this group at its default, for Spring Boot to bind onto. */
        public Hashing() {
        }


        /** Threads of Minoro's password-hashing scheduler. Default: the number of cores. */
        private @Nullable Integer threads;

        /**
         * Hashes that may wait for a thread; beyond it a login or password change fails at once with
         * OverloadedException.
         */
        private int queueCapacity = MinoroConfig.DEFAULT_HASHING_QUEUE_CAPACITY;

        /** {@return {@code minoro.hashing.threads}} */
        public @Nullable Integer getThreads() {
            return threads;
        }

        /**
         * Sets {@code minoro.hashing.threads}.
         *
         * @param threads the value
         */
        public void setThreads(@Nullable Integer threads) {
            this.threads = threads;
        }

        /** {@return {@code minoro.hashing.queue-capacity}} */
        public int getQueueCapacity() {
            return queueCapacity;
        }

        /**
         * Sets {@code minoro.hashing.queue-capacity}.
         *
         * @param queueCapacity the value
         */
        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        @Override
        public String toString() {
            return "Hashing{threads=" + threads + ", queueCapacity=" + queueCapacity + '}';
        }
    }

    /** {@code minoro.password.*}: which passwords Minoro accepts, and which imported hashes. */
    public static class Password {
        /** Every property of this group at its default, for Spring Boot to bind onto. */
        public Password() {
        }


        /** The shortest password accepted, in characters. */
        private int minLength = MinoroConfig.DEFAULT_MIN_PASSWORD_LENGTH;

        /** The longest password accepted, in characters (at most 4096). */
        private int maxLength = MinoroConfig.DEFAULT_MAX_PASSWORD_LENGTH;

        /**
         * How costly a password hash imported from another system may be, as a multiple of one hash with the
         * configured Argon2id parameters (or OWASP's, when those are cheaper); 1 to 1024.
         */
        private int importedHashCostFactor = MinoroConfig.DEFAULT_IMPORTED_HASH_COST_FACTOR;

        /**
         * Whether an imported password hash may be Spring Security's {noop} form, a password in plain text, which is
         * then hashed with Argon2id at import; refused when false.
         */
        private boolean importPlaintext;

        /** {@return {@code minoro.password.import-plaintext}} */
        public boolean isImportPlaintext() {
            return importPlaintext;
        }

        /**
         * Sets {@code minoro.password.import-plaintext}.
         *
         * @param importPlaintext the value
         */
        public void setImportPlaintext(boolean importPlaintext) {
            this.importPlaintext = importPlaintext;
        }

        /**
         * How long a password stays valid after it was set; once older, a login with the right password fails with
         * PasswordExpiredException (Spring Security's CredentialsExpiredException). Unset: passwords never expire.
         */
        private @Nullable Duration maxAge;

        /** {@return {@code minoro.password.max-age}, or null when passwords never expire} */
        public @Nullable Duration getMaxAge() {
            return maxAge;
        }

        /**
         * Sets {@code minoro.password.max-age}.
         *
         * @param maxAge the value, or null for passwords that never expire
         */
        public void setMaxAge(@Nullable Duration maxAge) {
            this.maxAge = maxAge;
        }

        /** {@return {@code minoro.password.min-length}} */
        public int getMinLength() {
            return minLength;
        }

        /**
         * Sets {@code minoro.password.min-length}.
         *
         * @param minLength the value
         */
        public void setMinLength(int minLength) {
            this.minLength = minLength;
        }

        /** {@return {@code minoro.password.max-length}} */
        public int getMaxLength() {
            return maxLength;
        }

        /**
         * Sets {@code minoro.password.max-length}.
         *
         * @param maxLength the value
         */
        public void setMaxLength(int maxLength) {
            this.maxLength = maxLength;
        }

        /** {@return {@code minoro.password.imported-hash-cost-factor}} */
        public int getImportedHashCostFactor() {
            return importedHashCostFactor;
        }

        /**
         * Sets {@code minoro.password.imported-hash-cost-factor}.
         *
         * @param importedHashCostFactor the value
         */
        public void setImportedHashCostFactor(int importedHashCostFactor) {
            this.importedHashCostFactor = importedHashCostFactor;
        }

        @Override
        public String toString() {
            return "Password{minLength=" + minLength + ", maxLength=" + maxLength + ", importedHashCostFactor="
                    + importedHashCostFactor + ", maxAge=" + maxAge + ", importPlaintext=" + importPlaintext + '}';
        }
    }
}
