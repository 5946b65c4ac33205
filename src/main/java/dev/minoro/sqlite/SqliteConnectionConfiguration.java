package dev.minoro.sqlite;

import dev.minoro.sqlite.internal.Timeouts;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;

/**
 * The configuration of a {@link SqliteConnectionFactory}: an immutable value, built and validated by
 * {@link #builder()}. {@link SqliteConnectionFactoryProvider} feeds {@code ConnectionFactoryOptions} through
 * the same builder, so a URL gets the same checks and the same messages.
 *
 * <p>Defaults: busy timeout 10 s (as Minoro's {@code DatabaseConfig}), foreign keys on, for a file {@link
 * JournalMode#WAL} with
 * {@link Synchronous#NORMAL} and 2 to 4 reader lanes ({@link #defaultReaderLanes()}), transactions begin
 * {@link BeginMode#IMMEDIATE}.
 */
public final class SqliteConnectionConfiguration {

    /** The {@code database} value of an in-memory database, one per connection factory. */
    public static final String MEMORY = ":memory:";

    /**
     * How long a call may wait in all for its lane and another connection's lock before it fails, unless
     * {@link Builder#busyTimeout} says otherwise: 10 seconds.
     */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

    /** The most reader lanes a factory may have: each is a thread and an open file. */
    public static final int MAX_READER_LANES = 64;

    /** Prepared statements each lane keeps for reuse, unless {@link Builder#statementCacheSize} says otherwise: 128. */
    public static final int DEFAULT_STATEMENT_CACHE_SIZE = 128;

    /** The most prepared statements a lane may keep: 65,536. */
    public static final int MAX_STATEMENT_CACHE_SIZE = 65_536;

    /**
     * SQLite's {@code PRAGMA journal_mode} values (<a
     * href="https://www.sqlite.org/pragma.html#pragma_journal_mode">SQLite</a>).
     */
    public enum JournalMode {
        /** The rollback journal is deleted at the end of each transaction (SQLite's default). */
        DELETE,
        /** The rollback journal is truncated to zero length at the end of each transaction. */
        TRUNCATE,
        /** The rollback journal stays, its header zeroed, at the end of each transaction. */
        PERSIST,
        /** The rollback journal is kept in memory: a crash during a write may corrupt the file. */
        MEMORY,
        /** A write-ahead log: readers and the writer do not block one another. */
        WAL,
        /** No journal: no rollback, and a crash during a write may corrupt the file. */
        OFF
    }

    /**
     * SQLite's {@code PRAGMA synchronous} values (<a
     * href="https://www.sqlite.org/pragma.html#pragma_synchronous">SQLite</a>).
     */
    public enum Synchronous {
        /** No sync: the fastest; a power loss may corrupt the file. */
        OFF,
        /** Syncs at the critical moments; in WAL mode, a power loss may lose the last transactions, not the file. */
        NORMAL,
        /** Syncs at the end of every transaction (SQLite's default). */
        FULL,
        /** As {@link #FULL}, and the directory too when a rollback journal is deleted. */
        EXTRA
    }

    /**
     * How {@code beginTransaction()} begins: {@code BEGIN DEFERRED}, {@code IMMEDIATE} or {@code EXCLUSIVE}
     * (<a href="https://www.sqlite.org/lang_transaction.html">SQLite: transactions</a>). IMMEDIATE takes the
     * write lock at once, so that a writer in another process makes it wait for the busy timeout instead of
     * failing later with SQLITE_BUSY when a read lock cannot be upgraded.
     */
    public enum BeginMode {
        /** {@code BEGIN DEFERRED}: locks are taken at the first read or write. */
        DEFERRED,
        /** {@code BEGIN IMMEDIATE}: the write lock is taken at once. */
        IMMEDIATE,
        /** {@code BEGIN EXCLUSIVE}: an exclusive lock at once (in WAL mode, the same as {@link #IMMEDIATE}). */
        EXCLUSIVE
    }

    private final String database;
    private final boolean readOnly;
    private final Duration busyTimeout;
    private final @Nullable JournalMode journalMode;
    private final @Nullable Synchronous synchronous;
    private final boolean foreignKeys;
    private final int readerLanes;
    private final int statementCacheSize;
    private final @Nullable Scheduler scheduler;
    private final BeginMode beginMode;

    private SqliteConnectionConfiguration(Builder builder, @Nullable JournalMode journalMode,
            @Nullable Synchronous synchronous, int readerLanes, BeginMode beginMode) {
        this.database = builder.database;
        this.readOnly = builder.readOnly;
        this.busyTimeout = builder.busyTimeout;
        this.journalMode = journalMode;
        this.synchronous = synchronous;
        this.foreignKeys = builder.foreignKeys;
        this.readerLanes = readerLanes;
        this.statementCacheSize = builder.statementCacheSize;
        this.scheduler = builder.scheduler;
        this.beginMode = beginMode;
    }

    /** {@return a builder with every option at its default and no database yet} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The number of reader lanes of a file database in WAL mode, and of a read-only factory, unless
     * {@link Builder#readerLanes} says otherwise: as many as the processors the JVM may use
     * ({@link Runtime#availableProcessors()}, which follows a container's CPU limit), at least 2 and at most 4.
     * A lane runs one statement at a time on a thread of its own, and reading pages SQLite has cached is work for
     * a processor: lanes beyond the processors add switches between threads, not reads. Two lanes let a long read
     * run beside short ones on a single processor. A result whose rows are read in batches, and a read-only
     * transaction, hold their lane until they end: an application that keeps more of them open at once, read slowly,
     * sets {@link Builder#readerLanes} higher, so that other reads do not wait behind them.
     *
     * @return 2, 3 or 4; the builder asks each time it builds a configuration without {@code readerLanes}
     */
    public static int defaultReaderLanes() {
        return Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /** {@return the database file's path as given, or {@link #MEMORY}} */
    public String database() {
        return database;
    }

    /** {@return whether this is an in-memory database: one per factory, on a single lane} */
    public boolean inMemory() {
        return MEMORY.equals(database);
    }

    /** {@return whether the factory opens the file read-only: it then has reader lanes only, and writes fail} */
    public boolean readOnly() {
        return readOnly;
    }

    /** {@return how long one call may wait in all, behind the factory's other writes and for another process's lock} */
    public Duration busyTimeout() {
        return busyTimeout;
    }

    /**
     * {@return the journal mode the writer lane sets, or null when the factory leaves it alone (read-only factories)}
     */
    public @Nullable JournalMode journalMode() {
        return journalMode;
    }

    /** {@return the {@code synchronous} setting of the writer lane, or null when the factory leaves it alone} */
    public @Nullable Synchronous synchronous() {
        return synchronous;
    }

    /** {@return whether foreign keys are enforced ({@code PRAGMA foreign_keys})} */
    public boolean foreignKeys() {
        return foreignKeys;
    }

    /** {@return the number of reader lanes: 0 for {@code :memory:} and for journal modes other than WAL} */
    public int readerLanes() {
        return readerLanes;
    }

    /** {@return the number of prepared statements each lane keeps for reuse; 0 when none are kept} */
    public int statementCacheSize() {
        return statementCacheSize;
    }

    /**
     * {@return the scheduler supplied by the application, or null when the lanes run on the driver's shared threads}
     */
    public @Nullable Scheduler scheduler() {
        return scheduler;
    }

    /** {@return how {@code beginTransaction()} begins} */
    public BeginMode beginMode() {
        return beginMode;
    }

    @Override
    public String toString() {
        return "SqliteConnectionConfiguration{database=" + database + ", readOnly=" + readOnly + ", busyTimeout="
                + busyTimeout + ", journalMode=" + journalMode + ", synchronous=" + synchronous + ", foreignKeys="
                + foreignKeys + ", readerLanes=" + readerLanes + ", statementCacheSize=" + statementCacheSize
                + ", scheduler=" + (scheduler == null ? "the driver's lane threads" : scheduler) + ", beginMode="
                + beginMode + "}";
    }

    /**
     * Builds a {@link SqliteConnectionConfiguration}. Each setter checks its argument; {@link #build()}
     * fills the defaults and checks the rules between options. Every message names the option and the
     * bad value.
     */
    public static final class Builder {

        private String database = MEMORY;
        private boolean readOnly;
        private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
        private @Nullable JournalMode journalMode;
        private @Nullable Synchronous synchronous;
        private boolean foreignKeys = true;
        private @Nullable Integer readerLanes;
        private int statementCacheSize = DEFAULT_STATEMENT_CACHE_SIZE;
        private @Nullable Scheduler scheduler;
        private @Nullable BeginMode beginMode;

        private Builder() {
        }

        /**
         * The database file, as a path (relative paths resolve against the working directory), or
         * {@link #MEMORY}. Default {@link #MEMORY}. The file is created if it does not exist (unless
         * read-only); its directory must exist.
         *
         * @param database the database file's path, or {@code :memory:}
         * @return this builder
         */
        public Builder database(String database) {
            Objects.requireNonNull(database, "database must not be null");
            if (database.isBlank()) {
                throw new IllegalArgumentException("database must be a file path or " + MEMORY + ", was '" + database
                        + "'");
            }
            if (database.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("database must not contain a NUL character, was '"
                        + database.replace('\0', '?') + "'");
            }
            if (database.startsWith("file:")) {
                throw new IllegalArgumentException("database must be a file path or " + MEMORY + ", not a URI; was '"
                        + database + "' (drop the 'file:' prefix)");
            }
            this.database = database;
            return this;
        }

        /**
         * Opens the database read-only: only reader lanes, writes fail with R2dbcPermissionDeniedException.
         *
         * @param readOnly true to open the file read-only
         * @return this builder
         */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /**
         * How long one call (a statement, {@code beginTransaction()}, a commit, the opening of a lane) may wait in
         * all: for its lane, behind the other statements and transactions of the factory, then for SQLite's lock,
         * held by other connections or processes. A call still waiting when it runs out fails with
         * {@code R2dbcTimeoutException}, error code 5 (SQLITE_BUSY), whose message says how long it waited and for
         * what. So a queue of writers behind a locked file fails within this time each, not one after the other,
         * and a lane that were never given back would show as that error, never as an endless wait. It also
         * bounds the waits SQLite does not do itself: where SQLite refuses a lock without calling its busy handler
         * (switching to WAL, BEGIN, COMMIT), the driver tries again until the timeout. 0 fails at once when the
         * lane or the lock is taken. R2DBC's {@code Connection.setLockWaitTimeout} and {@code LOCK_WAIT_TIMEOUT}
         * set it for one connection or transaction. The driver waits with its own busy handler on each lane, so
         * {@code PRAGMA busy_timeout} reads 0 and setting it has no lasting effect.
         *
         * @param busyTimeout the longest wait in all, from 0 to {@value Timeouts#MAX_MILLIS} milliseconds (about
         *                    24.8 days); default {@link #DEFAULT_BUSY_TIMEOUT}, 10 seconds
         * @return this builder
         * @throws IllegalArgumentException for null or a timeout out of that range, naming {@code busyTimeout}
         */
        public Builder busyTimeout(Duration busyTimeout) {
            this.busyTimeout = Timeouts.check(busyTimeout, "busyTimeout", true);
            return this;
        }

        /**
         * The journal mode of a file database; default {@link JournalMode#WAL}.
         *
         * @param journalMode the journal mode
         * @return this builder
         */
        public Builder journalMode(JournalMode journalMode) {
            this.journalMode = Objects.requireNonNull(journalMode, "journalMode must not be null");
            return this;
        }

        /**
         * The writer's {@code synchronous}; default {@link Synchronous#NORMAL} in WAL mode, else {@link
         * Synchronous#FULL}.
         *
         * @param synchronous the synchronous level
         * @return this builder
         */
        public Builder synchronous(Synchronous synchronous) {
            this.synchronous = Objects.requireNonNull(synchronous, "synchronous must not be null");
            return this;
        }

        /**
         * Whether every lane runs {@code PRAGMA foreign_keys = ON}; default true.
         *
         * @param foreignKeys whether foreign keys are enforced
         * @return this builder
         */
        public Builder foreignKeys(boolean foreignKeys) {
            this.foreignKeys = foreignKeys;
            return this;
        }

        /**
         * The number of reader lanes, each a JDBC connection with {@code PRAGMA query_only = ON} that runs
         * autocommit reads beside the writer; 0 to {@value #MAX_READER_LANES}. Default
         * {@link #defaultReaderLanes()} (2 to 4, after the processors) in WAL mode and for read-only factories,
         * else 0.
         *
         * @param readerLanes the number of reader lanes, 0 to {@value #MAX_READER_LANES} (at least 1 when read-only;
         *                    0 in memory and outside WAL mode)
         * @return this builder
         */
        public Builder readerLanes(int readerLanes) {
            this.readerLanes = upTo(MAX_READER_LANES, readerLanes, "readerLanes");
            return this;
        }

        /**
         * How many prepared statements each lane keeps after use, to run again without compiling them anew (each
         * lane is one JDBC connection): the least recently used is closed beyond that. Only read-only queries and
         * {@code INSERT}, {@code UPDATE}, {@code DELETE} and {@code REPLACE} statements without a {@code *} outside
         * quotes (other than in {@code count(*)}) are kept ({@code SELECT *}, {@code RETURNING *} and a
         * multiplication are prepared for each run), and a lane that runs DDL, {@code PRAGMA}, {@code ATTACH},
         * {@code VACUUM} or {@code ANALYZE} closes the ones it kept. 0 to {@value #MAX_STATEMENT_CACHE_SIZE}; 0
         * keeps none. Default {@value #DEFAULT_STATEMENT_CACHE_SIZE}.
         *
         * @param statementCacheSize the most statements kept per lane
         * @return this builder
         * @throws IllegalArgumentException for a size out of that range, naming {@code statementCacheSize}
         */
        public Builder statementCacheSize(int statementCacheSize) {
            this.statementCacheSize = upTo(MAX_STATEMENT_CACHE_SIZE, statementCacheSize, "statementCacheSize");
            return this;
        }

        /**
         * A scheduler of the application's to run the lanes on, instead of the driver's shared lane threads. It must
         * allow blocking calls (such as {@code Schedulers.boundedElastic()}), and the
         * factory does not dispose it. Each lane takes one of its workers for the factory's lifetime.
         *
         * @param scheduler the scheduler the blocking JDBC calls run on
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
            return this;
        }

        /**
         * How transactions begin; default {@link BeginMode#IMMEDIATE} ({@link BeginMode#DEFERRED} when read-only).
         *
         * @param beginMode how {@code beginTransaction} begins
         * @return this builder
         */
        public Builder beginMode(BeginMode beginMode) {
            this.beginMode = Objects.requireNonNull(beginMode, "beginMode must not be null");
            return this;
        }

        /**
         * Checks the rules between options and builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException when options contradict each other, naming them
         */
        public SqliteConnectionConfiguration build() {
            boolean memory = MEMORY.equals(database);
            if (memory) {
                if (readOnly) {
                    throw new IllegalArgumentException("readOnly cannot be used with database " + MEMORY
                            + ": an in-memory database starts empty");
                }
                if (readerLanes != null && readerLanes > 0) {
                    throw new IllegalArgumentException("readerLanes must be 0 for database " + MEMORY
                            + " (one database per factory, on a single lane), was " + readerLanes);
                }
                if (journalMode != null && journalMode != JournalMode.MEMORY && journalMode != JournalMode.OFF) {
                    throw new IllegalArgumentException("journalMode of database " + MEMORY
                            + " must be MEMORY or OFF, was " + journalMode);
                }
                return new SqliteConnectionConfiguration(this, journalMode, synchronous, 0,
                        beginMode == null ? BeginMode.IMMEDIATE : beginMode);
            }
            if (readOnly) {
                if (readerLanes != null && readerLanes == 0) {
                    throw new IllegalArgumentException("readerLanes must be at least 1 when readOnly is true"
                            + " (a read-only factory has only reader lanes), was 0");
                }
                if (journalMode != null) {
                    throw new IllegalArgumentException("journalMode cannot be set when readOnly is true (a read-only"
                            + " connection cannot change it), was " + journalMode);
                }
                if (synchronous != null) {
                    throw new IllegalArgumentException("synchronous cannot be set when readOnly is true (it applies"
                            + " to writes), was " + synchronous);
                }
                if (beginMode != null && beginMode != BeginMode.DEFERRED) {
                    throw new IllegalArgumentException("beginMode must be DEFERRED when readOnly is true (IMMEDIATE"
                            + " and EXCLUSIVE take a write lock), was " + beginMode);
                }
                return new SqliteConnectionConfiguration(this, null, null,
                        readerLanes == null ? defaultReaderLanes() : readerLanes, BeginMode.DEFERRED);
            }
            JournalMode journal = journalMode == null ? JournalMode.WAL : journalMode;
            if (journal != JournalMode.WAL && readerLanes != null && readerLanes > 0) {
                throw new IllegalArgumentException("readerLanes must be 0 when journalMode is " + journal
                        + " (reader lanes need WAL to read beside the writer), was " + readerLanes);
            }
            int readers = journal != JournalMode.WAL ? 0 : readerLanes == null ? defaultReaderLanes() : readerLanes;
            Synchronous sync = synchronous != null ? synchronous
                    : journal == JournalMode.WAL ? Synchronous.NORMAL : Synchronous.FULL;
            return new SqliteConnectionConfiguration(this, journal, sync, readers,
                    beginMode == null ? BeginMode.IMMEDIATE : beginMode);
        }

        /** {@code value}, checked to be from 0 to {@code max}; the message names the {@code option}. */
        private static int upTo(int max, int value, String option) {
            if (value < 0 || value > max) {
                throw new IllegalArgumentException(option + " must be between 0 and " + max + ", was " + value);
            }
            return value;
        }
    }
}
