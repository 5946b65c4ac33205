package dev.minoro.sqlite;

import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * What the lanes of a {@link SqliteConnectionFactory} are doing, by kind (the writer lane, the reader lanes), as
 * r2dbc-pool's {@code PoolMetrics} tells of a pool: how many lanes are open, leased and idle, and how many calls
 * wait for one; and how many statements were prepared and how many kept ones reused. Every figure is a count (of
 * lanes, of waiting calls, or of statements), never a duration.
 *
 * <p>A live view, safe to read from any thread: each method reads the count of that moment from the lanes'
 * pools and counters, without locking, without I/O and without blocking, so it suits monitoring (a Micrometer
 * gauge per count) as well as checks that nothing is left leased. Counts are read one at a time, so while calls come
 * and go two counts read one after the other (or a sum of both kinds) may be of slightly different moments.
 *
 * <p>A lane is leased by a statement in auto-commit mode while it runs and its rows are read, and by a
 * transaction from {@code beginTransaction()} until commit, rollback or close; a call that finds every lane of its
 * kind leased waits, in first-come-first-served order, within its busy timeout. A lane that stays leased with
 * nothing running shows a result left unread or a transaction left open.
 */
public final class SqliteMetrics {

    private final LaneMetrics writer;
    private final LaneMetrics readers;
    private final LongAdder prepared;
    private final LongAdder reused;

    SqliteMetrics(@Nullable LanePool writer, @Nullable LanePool readers,
            LongAdder prepared, LongAdder reused) {
        this.writer = new LaneMetrics(writer);
        this.readers = new LaneMetrics(readers);
        this.prepared = prepared;
        this.reused = reused;
    }

    /** {@return the writer lane: every write and transaction (none in a read-only factory, whose counts stay 0)} */
    public LaneMetrics writer() {
        return writer;
    }

    /**
     * {@return the reader lanes, which run auto-commit reads (and read-only transactions) beside the writer: none for
     * {@code :memory:} or when {@code readerLanes} is 0, whose reads use the writer lane}
     */
    public LaneMetrics readers() {
        return readers;
    }

    /** {@return the lanes leased now, of both kinds} */
    public int acquiredSize() {
        return writer.acquiredSize() + readers.acquiredSize();
    }

    /** {@return the calls waiting for a lane now, of both kinds} */
    public int pendingAcquireSize() {
        return writer.pendingAcquireSize() + readers.pendingAcquireSize();
    }

    /**
     * {@return the statements prepared for the factory's R2DBC statements, batches and scripts since it was made}
     * Each run of a statement that its lane did not keep from an earlier run (see
     * {@link SqliteConnectionConfiguration.Builder#statementCacheSize}) counts once; the driver's own statements
     * (pragmas, {@code BEGIN}, {@code COMMIT}) do not count.
     */
    public long statementsPrepared() {
        return prepared.sum();
    }

    /** {@return the runs of a statement that its lane had kept from an earlier run, since the factory was made} */
    public long statementsReused() {
        return reused.sum();
    }

    @Override
    public String toString() {
        return "SqliteMetrics{writer=" + writer + ", readers=" + readers + ", statementsPrepared="
                + statementsPrepared() + ", statementsReused=" + statementsReused() + "}";
    }

    /** The lanes of one kind; all counts are 0 for a kind that the factory does not have. */
    public static final class LaneMetrics {

        private final @Nullable LanePool pool;

        private LaneMetrics(@Nullable LanePool pool) {
            this.pool = pool;
        }

        /** {@return the lanes leased now, a writer lane lent to a read included (see {@link #allocatedSize()})} */
        public int acquiredSize() {
            return pool == null ? 0 : pool.acquiredSize();
        }

        /** {@return the lanes open and not leased now} */
        public int idleSize() {
            return pool == null ? 0 : pool.idleSize();
        }

        /**
         * {@return the lanes open now, leased or idle: each is a JDBC connection and a thread} Lanes open on first use.
         * The writer's count may be 2, one above its most, for as long as a read that found the writer lane idle
         * before any reader lane was open still has rows to read and a write came meanwhile: the write opens a
         * writer lane of its own rather than wait behind those rows, and the read's lane closes when the read ends
         * (after which reads are lent the writer lane no more).
         */
        public int allocatedSize() {
            return pool == null ? 0 : pool.allocatedSize();
        }

        /**
         * {@return the most lanes of this kind: 1 for the writer, {@code readerLanes} for the readers, 0 for none} A
         * writer lane lent to a read does not count (see {@link #allocatedSize()}).
         */
        public int maxAllocatedSize() {
            return pool == null ? 0 : pool.maxAllocatedSize();
        }

        /** {@return the calls waiting now for a lane of this kind} */
        public int pendingAcquireSize() {
            return pool == null ? 0 : pool.pendingAcquireSize();
        }

        @Override
        public String toString() {
            return "{acquired=" + acquiredSize() + ", idle=" + idleSize() + ", allocated=" + allocatedSize() + "/"
                    + maxAllocatedSize() + ", pending=" + pendingAcquireSize() + "}";
        }
    }
}
