package dev.minoro.sqlite;

import io.r2dbc.spi.Closeable;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Readable;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An R2DBC connection factory over sqlite-jdbc, for one database file (or one in-memory database). It owns
 * the lanes (JDBC connections, each on a worker of the factory's scheduler) that its connections use, and so
 * the threads on which all of its blocking work runs. Close it when done: {@link #close()} ends its threads.
 * Creating the factory does no I/O; {@link #metrics()} tells what its lanes are doing.
 *
 * <h2>Use</h2>
 * {@code ConnectionFactories.get("r2dbc:sqlite:///var/lib/app/auth.db")}, or {@code r2dbc:sqlite:///:memory:},
 * or {@code new SqliteConnectionFactory(SqliteConnectionConfiguration.builder().database(path).build())}. Options
 * are listed on {@link SqliteConnectionFactoryProvider} and {@link SqliteConnectionConfiguration}.
 *
 * <h2>Thread model: lanes</h2>
 * A <em>lane</em> is one sqlite-jdbc {@code java.sql.Connection} bound to one {@code Scheduler.Worker}. A
 * worker runs its tasks one at a time and in order, so a JDBC connection is only ever used by one task at a
 * time, and every JDBC call (open, prepare, bind, step, read, close) is a task on a lane's worker: never on the
 * subscriber's thread, never on a Reactor parallel thread or a Netty event loop. The one exception is
 * {@code sqlite3_interrupt}, which SQLite documents as safe from any thread and which only sets a flag; the
 * driver calls it from the cancelling thread to stop a running statement.
 *
 * <ul>
 *   <li><b>Threads.</b> Each open lane has a daemon thread to itself, named {@code minoro-sqlite-N}, from a pool
 *       that the factories of a class loader share: a lane takes a thread when it opens (lanes open lazily, so a
 *       factory that only reads a little takes one) and gives it back when it closes. A thread given back waits
 *       for the next lane, and ends once idle 60 to 120 s; so a program that opens a factory, reads a little and closes
 *       it again and again (a serverless boot) starts a thread only the first time. Two open lanes never share a
 *       thread. An application may supply a scheduler instead (option {@code scheduler}); it must allow blocking,
 *       each lane takes one of its workers, and the factory never disposes it.</li>
 *   <li><b>Lanes.</b> A file database has one <em>writer lane</em> and R <em>reader lanes</em> (option
 *       {@code readerLanes}, default 2 to 4 in WAL mode, after the processors the JVM may use, see
 *       {@link SqliteConnectionConfiguration#defaultReaderLanes()}; 0 otherwise). Reader lanes run with
 *       {@code PRAGMA query_only = ON} and, in WAL mode, read beside the writer without blocking it. So a
 *       factory holds at most 1 + R JDBC connections and threads, and 2 + R for as long as a writer lane lent
 *       to a read is replaced (below). {@code :memory:} is one database per factory:
 *       a single lane, the writer, and no readers. A read-only factory ({@code readOnly}) opens the file
 *       read-only and has reader lanes only. Lanes are opened lazily: the first {@code create()} opens the first
 *       lane and applies the pragmas ({@code foreign_keys}, and on the writer {@code journal_mode}, set only
 *       when the file is not in that mode already, and {@code synchronous}), so a bad path fails there, naming
 *       the path. Until the first reader lane is open, a read-only statement that finds the writer lane idle
 *       runs there: a factory that opens, reads a little and closes (a serverless boot) opens one JDBC
 *       connection. The lane is lent to that read, not held for writes: a write that comes while the read's rows
 *       are still being read (a stream read slowly) opens another writer lane rather than wait behind them, the
 *       lent one closes when its read ends, and reads are lent the writer lane no more. So state a statement sets
 *       on the writer's JDBC connection (a {@code PRAGMA}, a TEMP table, an {@code ATTACH}) may be gone by the next
 *       statement: set the journal mode, {@code synchronous}, foreign keys and the busy timeout through this
 *       configuration, and use anything else only within one transaction. The first read that finds the
 *       writer lane taken opens a reader lane, and from then on reads go to reader lanes only; transactions
 *       never borrow the writer lane to read.</li>
 *   <li><b>Connections.</b> An R2DBC {@code Connection} is logical and cheap: it holds no lane of its own. In
 *       auto-commit mode a statement leases a lane for as long as it runs and its rows are read. A statement
 *       that is clearly read-only (it starts with SELECT, VALUES or WITH and names no INSERT, UPDATE, DELETE or
 *       REPLACE outside quotes) goes to a reader lane, or to the writer when there are no readers; anything
 *       else goes to the writer. {@code beginTransaction()} (or a statement with auto-commit off) leases the
 *       writer lane and keeps it until commit, rollback or close; transactions begin with
 *       {@code BEGIN IMMEDIATE} by default, so that writers in other processes wait for the lock within the busy
 *       timeout instead of failing to upgrade a read lock.</li>
 *   <li><b>Contention.</b> All writes and transactions of a factory go through its one writer lane, so they
 *       are serialised without a thread ever blocking on SQLite's lock: a statement or transaction that finds
 *       the lane taken waits in a first-in-first-out queue of pending leases, asynchronously. A waiter that is
 *       cancelled leaves the queue and never takes or leaks a lane. Reads queue the same way for a reader lane.
 *       Writers in other factories or processes meet SQLite's own lock, which the lane's thread waits for. The
 *       busy timeout (default 10 s) bounds both waits together: a call that has waited that long, in the queue
 *       and at the lock, fails with {@code R2dbcTimeoutException} (error code 5, SQLITE_BUSY) saying how long it
 *       waited and, for a lane, what holds it. Where SQLite refuses a lock without waiting (switching to WAL,
 *       BEGIN, COMMIT), the driver tries again within the same time.</li>
 *   <li><b>Results.</b> Rows are read on the lane in batches ({@code Statement.fetchSize}, default 128) when
 *       the subscriber has demand; later batches are emitted on the lane's thread, so row mapping functions must
 *       not block. A subscriber that cancels closes the JDBC statement (interrupting it if it is running, or
 *       ending its wait for a lock) and gives the lane back. The RETURNING rows an auto-commit write's subscriber
 *       left unread are stepped through first, unless it was interrupted: SQLite checkpoints the write-ahead log
 *       after a write that ends in a step, not after one ended by a reset. An auto-commit write commits when its
 *       statement ends, after its last row, so {@code Flux.usingWhen(…).next()} emits a RETURNING row before
 *       other statements see the write; to act on the row only once the write has committed, use
 *       {@code Mono.usingWhen(factory.create(), c -> ….next(), Connection::close)}, which emits after the
 *       connection has closed. A result whose rows are not all read keeps its lane until it is read, cancelled,
 *       or its connection closed.</li>
 *   <li><b>Cancellation.</b> A lease always has one owner that gives it back: the run of an auto-commit
 *       statement, or the connection's transaction; a subscriber that cancels at any point, waiting for a lane
 *       or after, cannot leave a lane leased to nobody. A COMMIT or ROLLBACK that has started runs to its end
 *       and gives the lane back; one cancelled before it started leaves the transaction as it was. A
 *       {@code beginTransaction()} whose callers all cancel begins nothing (it rolls back a BEGIN that ran before
 *       anyone heard of it). Settings and transactions change only for a subscriber that has not cancelled, also
 *       when an operator such as {@code timeout} subscribes after cancelling.</li>
 *   <li><b>Closing.</b> {@code Connection.close()} closes the connection's unread results, rolls back an open
 *       transaction and gives back every lane it holds. {@code SqliteConnectionFactory.close()} makes later
 *       {@code create()}s and pending statements fail with a clear error, interrupts a running statement,
 *       closes every lane's JDBC connection on its own worker and gives the lane's thread back; the returned
 *       publisher completes once every lane has closed. The lane threads are daemons: nothing keeps the JVM alive
 *       after it.</li>
 * </ul>
 *
 * <h2>Statements, types and errors</h2>
 * Parameters are {@code ?}, {@code ?NNN} (index i binds {@code ?i+1}), {@code :name}, {@code @name} and
 * {@code $name}. SQL without parameters may hold several statements separated by {@code ;}: they run in order
 * with one result each. Values map to SQLite's storage classes both ways (String as TEXT, integers and Boolean
 * as INTEGER, Double as REAL, byte[] and ByteBuffer as BLOB, UUID as canonical TEXT, Instant as INTEGER epoch
 * milliseconds, java.time dates as ISO-8601 TEXT); {@code Row.get(i)} returns Integer (Long beyond 32 bits, and
 * in BIGINT columns), Double, String, ByteBuffer or null, and a type that a value cannot be read as fails with
 * {@code IllegalArgumentException} naming the column, its storage class and the type. SQLite's errors become
 * R2DBC's standard exceptions whose error code is SQLite's extended result code (2067 for a UNIQUE violation)
 * and whose {@code getSql()} is the failing statement.
 */
public final class SqliteConnectionFactory implements ConnectionFactory, Closeable {

    private static final ConnectionFactoryMetadata METADATA = () -> "SQLite";

    private final SqliteConnectionConfiguration configuration;
    private final Lanes lanes;
    private final SqliteMetrics metrics;
    private final Mono<Void> close;
    private volatile boolean closed;
    private volatile boolean opened;

    /**
     * A factory for the database {@code configuration} names; it opens nothing until a connection is created.
     *
     * @param configuration the file and its options
     */
    public SqliteConnectionFactory(SqliteConnectionConfiguration configuration) {
        this.configuration = Objects.requireNonNull(configuration, "configuration must not be null");
        this.lanes = new Lanes(configuration);
        this.metrics = lanes.metrics();
        this.close = Mono.defer(() -> {
            closed = true;
            return lanes.close();
        }).cache();
    }

    /**
     * A cold Mono that emits a new connection. The connection is logical and cheap: it leases a lane only
     * while a statement runs (or, in a transaction, until commit or rollback). The first subscription
     * opens the first lane on the factory's scheduler; later ones do no I/O.
     *
     * <p>Fails with {@link io.r2dbc.spi.R2dbcNonTransientResourceException} when the factory is closed or
     * the database cannot be opened (the message names the path), with SQLite's extended result code.
     */
    @Override
    public Mono<Connection> create() {
        return Mono.defer(() -> {
            if (closed) {
                return Mono.error(SqliteExceptionFactory.factoryClosed(configuration.database()));
            }
            if (opened) {
                return Mono.just((Connection) new SqliteConnection(this));
            }
            // open (or reopen after a failure) the first lane, so that a bad path fails here
            LockWait wait = new LockWait(configuration.busyTimeout());
            Mono<Lease> first = configuration.readOnly()
                    ? lanes.reader(wait, () -> "the opening of the database")
                    : lanes.writer(wait, () -> "the opening of the database");
            return Mono.usingWhen(first, lease -> Mono.empty(), Lease::release)
                    .then(Mono.fromSupplier(() -> {
                        opened = true;
                        return (Connection) new SqliteConnection(this);
                    }));
        });
    }

    /**
     * A cold Flux of the rows of one SQL statement run in auto-commit mode outside any connection, each mapped by
     * {@code mapper}: the cheapest way to run a lookup. A read-only statement runs on a reader lane (or the idle
     * writer lane, as an auto-commit statement of a connection does), anything else on the writer lane. One task of
     * that lane prepares the statement (or takes a kept one, see {@code statementCacheSize}), binds, executes, reads
     * every row and maps it, and gives the lane back; the mapped rows are then emitted on the lane's thread. So the
     * mapper runs on the lane's thread and must be quick and must not block, and every row is held in memory at
     * once: for large results, stream them through a connection's statement instead.
     *
     * <p>Each value binds to the parameter of its position ({@code parameters[0]} to {@code ?1} or the first named
     * parameter), converted as {@link io.r2dbc.spi.Statement#bind(int, Object)} converts it; bind a typed null with
     * {@link io.r2dbc.spi.Parameters#in(Class)}. Waiting for the lane and for SQLite's lock together takes at most
     * the factory's busy timeout. Cancelling interrupts the statement ({@code sqlite3_interrupt}) if it is running.
     *
     * <p>Signals {@link IllegalArgumentException} for SQL that is not exactly one statement, a statement that
     * controls a transaction ({@code BEGIN}, {@code COMMIT} …), a count of values other than the statement's
     * parameters, or a null or unbindable value; the R2DBC exceptions of a connection's statements for SQLite's
     * errors (the extended result code as the error code, the SQL named); {@link io.r2dbc.spi.R2dbcTimeoutException}
     * when the busy timeout runs out; {@link io.r2dbc.spi.R2dbcNonTransientResourceException} when the factory is
     * closed; and whatever {@code mapper} throws (it must not return null).
     *
     * @param <T>        what each row maps to
     * @param sql        one SQL statement
     * @param mapper     maps each row; it may read it only while it runs
     * @param parameters the values of the statement's parameters, in order
     * @return the mapped rows, in the statement's order
     */
    public <T> Flux<T> query(String sql, Function<? super Readable, ? extends T> mapper, Object... parameters) {
        return DirectStatement.query(lanes, configuration, sql, mapper, parameters);
    }

    /**
     * A cold Mono of the number of rows one SQL statement changed, run in auto-commit mode outside any connection
     * on the writer lane (a reader lane for a read-only statement) in one task, as {@code query} runs it; it emits
     * 0 for a statement that changes no rows, such as DDL or a query, and discards any rows the statement returns.
     * The count is emitted on the lane's thread.
     *
     * <p>Signals {@link IllegalArgumentException} for SQL that is not exactly one statement, a statement that
     * controls a transaction, a count of values other than the statement's parameters, or a null or unbindable
     * value; the R2DBC exceptions of a connection's statements for SQLite's errors (the extended result code as
     * the error code, the SQL named); {@link io.r2dbc.spi.R2dbcTimeoutException} when the busy timeout runs out;
     * and {@link io.r2dbc.spi.R2dbcNonTransientResourceException} when the factory is closed.
     *
     * @param sql        one SQL statement
     * @param parameters the values of the statement's parameters, in order
     * @return the number of rows changed
     */
    public Mono<Long> update(String sql, Object... parameters) {
        return DirectStatement.update(lanes, configuration, sql, parameters);
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return METADATA;
    }

    /**
     * A cold Mono that closes the factory: later {@link #create()}s and statements fail with a clear error,
     * a running statement is interrupted, every lane's JDBC connection is closed on its own worker and the lane's
     * thread is given back to the shared pool (or its worker to the application's scheduler). It completes once
     * every lane has closed. Idempotent.
     */
    @Override
    public Mono<Void> close() {
        return close;
    }

    /** {@return the configuration this factory was made with} */
    public SqliteConnectionConfiguration configuration() {
        return configuration;
    }

    /**
     * {@return what the factory's lanes are doing: leased, idle and open lanes and waiting calls, for the writer lane
     * and the reader lanes (counts, see {@link SqliteMetrics})} A live view, the same object on every call, safe to
     * read from any thread; reading it does no I/O and never blocks.
     */
    public SqliteMetrics metrics() {
        return metrics;
    }

    Lanes lanes() {
        return lanes;
    }

    boolean isClosed() {
        return closed;
    }

    String database() {
        return configuration.database();
    }

    @Nullable String sqliteVersion() {
        return lanes.sqliteVersion();
    }

    @Override
    public String toString() {
        return "SqliteConnectionFactory{" + configuration.database() + (closed ? ", closed" : "") + "}";
    }
}
