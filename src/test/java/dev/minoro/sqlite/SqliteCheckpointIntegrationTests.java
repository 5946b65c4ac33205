package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.bind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.sqlite.internal.BoundSql;
import dev.minoro.sqlite.internal.SqlScript;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The write-ahead log stays bounded when writes' RETURNING rows are not all read. SQLite ends an auto-commit write
 * when its statement is stepped to its end or reset; it checkpoints the log (every 1,000 pages by default) only
 * after a write that ends in a step, never after one a reset ends. A write whose caller took its first row and
 * cancelled (a Mono's {@code next()}) must still end in a step, or a program making only such writes grows the log
 * without bound, as raw sqlite-jdbc code that closes a RETURNING result after its first row does. The connection's
 * statements here read one row per batch ({@code fetchSize(1)}) and return three rows, so that rows are left in
 * SQLite when the subscriber cancels; with the default of 128 the same happens to writes returning more rows than
 * that. Stepping must not change what is committed: not after an interrupt, not in a transaction.
 */
final class SqliteCheckpointIntegrationTests {

    /** A page and a half of text: every insert writes its table pages and its index page anew. */
    private static final String PAD = "x".repeat(6_000);
    private static final int WRITES = 1_000;
    /** The log's bound when it is checkpointed: SQLite's 1,000 pages, and room to spare. */
    private static final long BOUNDED_LOG_BYTES = 8L << 20;

    @RegisterExtension
    final SqliteFileExtension sqlite = SqliteFileExtension.of("log.db", "CREATE TABLE item (id INTEGER PRIMARY KEY,"
            + " name TEXT NOT NULL UNIQUE, qty INTEGER NOT NULL, pad TEXT)");

    /**
     * The first row of {@code sql}, mapped, run on a connection of its own that reads its rows one at a time: the
     * subscriber cancels the rest. The row is emitted once the connection is closed, which is after the statement
     * was given back (and an auto-commit write committed): a row taken from an open write may be seen before the
     * write is committed, and a count on another connection right after it would then miss the write.
     */
    private static <T> Mono<T> firstRow(ConnectionFactory factory, String sql, Function<Readable, T> mapper,
            Object... values) {
        return Mono.usingWhen(factory.create(),
                c -> Flux.from(bind(c.createStatement(sql), values).fetchSize(1).execute())
                        .concatMap(r -> r.map(mapper))
                        .next(),
                Connection::close);
    }

    /** Each write inserts three rows and takes the first of the three it returns; the rows are all there after. */
    private void writeTakingTheFirstRowOfEach(BiFunction<String, Object[], Mono<Long>> run) throws IOException {
        for (int i = 0; i < WRITES; i++) {
            Long id = run.apply("INSERT INTO item (name, qty, pad) VALUES (?, 1, ?), (?, 2, ?), (?, 3, ?) RETURNING id",
                    new Object[] {"a" + i, PAD, "b" + i, PAD, "c" + i, PAD}).block(SqliteTesting.TIMEOUT);
            assertTrue(id != null && id > 0);
        }
        Long kept = run.apply("SELECT count(*) FROM item", new Object[0]).block(SqliteTesting.TIMEOUT);
        assertEquals(3L * WRITES, kept);
        assertLogBounded();
    }

    private void assertLogBounded() throws IOException {
        long size = Files.size(log());
        assertTrue(size < BOUNDED_LOG_BYTES, "the log holds " + size + " bytes after " + WRITES + " writes of"
                + " about " + 3 * PAD.length() + " bytes each: it was not checkpointed");
        // the rows reached the database file itself
        assertTrue(Files.size(sqlite.file()) > (long) WRITES * PAD.length(), "database file: "
                + Files.size(sqlite.file()) + " bytes");
    }

    private Path log() {
        return Path.of(sqlite.file() + "-wal");
    }

    @Test
    void writesWhoseReturningRowsAreNotAllReadThroughAConnectionKeepTheLogBounded() throws IOException {
        ConnectionFactory factory = sqlite.open();
        writeTakingTheFirstRowOfEach((sql, values) -> firstRow(factory, sql, r -> r.get(0, Long.class), values));
    }

    /** The direct path reads every row before it emits the first: a guard that it stays so. */
    @Test
    void writesReturningRowsThroughTheDirectPathKeepTheLogBounded() throws IOException {
        SqliteConnectionFactory factory = sqlite.open();
        writeTakingTheFirstRowOfEach((sql, values) -> factory.query(sql, r -> r.get(0, Long.class), values).next());
    }

    /** Rows a{@code i}, b{@code i} and c{@code i} for each write, its rows read whole. */
    private static void insertThreeRowsAWrite(SqliteConnectionFactory factory) {
        for (int i = 0; i < WRITES; i++) {
            factory.update("INSERT INTO item (name, qty, pad) VALUES (?, 1, ?), (?, 2, ?), (?, 3, ?)", "a" + i, PAD,
                    "b" + i, PAD, "c" + i, PAD).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void updatesWhoseReturningRowsAreNotAllReadKeepTheLogBounded() throws IOException {
        SqliteConnectionFactory factory = sqlite.open();
        insertThreeRowsAWrite(factory);
        for (int i = 0; i < WRITES; i++) {
            String changed = firstRow(factory, "UPDATE item SET qty = qty + 10, pad = ? WHERE name IN (?, ?, ?)"
                    + " RETURNING name", r -> r.get(0, String.class), PAD + i, "a" + i, "b" + i, "c" + i)
                    .block(SqliteTesting.TIMEOUT);
            assertTrue(changed != null);
        }
        assertEquals(3L * WRITES, factory.query("SELECT count(*) FROM item WHERE qty > 10",
                r -> r.get(0, Long.class)).blockFirst(SqliteTesting.TIMEOUT));
        assertLogBounded();
    }

    @Test
    void deletesWhoseReturningRowsAreNotAllReadKeepTheLogBounded() throws IOException {
        SqliteConnectionFactory factory = sqlite.open();
        insertThreeRowsAWrite(factory);
        // the inserts' own log, checkpointed by the last of them, left behind
        factory.update("PRAGMA wal_checkpoint(TRUNCATE)").block(SqliteTesting.TIMEOUT);
        for (int i = 0; i < WRITES; i++) {
            firstRow(factory, "DELETE FROM item WHERE name IN (?, ?, ?) RETURNING name",
                    r -> r.get(0, String.class), "a" + i, "b" + i, "c" + i).block(SqliteTesting.TIMEOUT);
        }
        assertEquals(0L, factory.query("SELECT count(*) FROM item", r -> r.get(0, Long.class))
                .blockFirst(SqliteTesting.TIMEOUT));
        assertTrue(Files.size(log()) < BOUNDED_LOG_BYTES, "the log holds " + Files.size(log()) + " bytes");
    }

    // Below the driver's lanes: one JDBC connection and its statement cache, as a lane's worker uses them.

    private static final String INSERT_THREE = "INSERT INTO item (name, qty) VALUES ('a', 1), ('b', 2), ('c', 3)"
            + " RETURNING id";

    private java.sql.Connection jdbc() throws SQLException {
        if (!Files.exists(sqlite.file())) {
            sqlite.open().close().block(SqliteTesting.TIMEOUT); // the table, and the file in WAL mode
        }
        return SqliteJdbc.open(sqlite.file().toString(), false);
    }

    /** Runs {@link #INSERT_THREE} and reads its first row and one ahead, as the driver's first batch of one does. */
    private static ResultSet insertThreeReadingOne(StatementCache.Prepared insert) throws SQLException {
        ResultSet rows = insert.execute();
        assertTrue(rows.next());
        rows.getLong(1);
        assertTrue(rows.next());
        return rows;
    }

    private static long count(java.sql.Connection jdbc) throws SQLException {
        try (Statement statement = jdbc.createStatement();
                ResultSet count = statement.executeQuery("SELECT count(*) FROM item")) {
            count.next();
            return count.getLong(1);
        }
    }

    /** A cancel that reached the statement after its last step leaves SQLite's interrupt pending. */
    private static void interruptPending(StatementCache cache, java.sql.Connection jdbc) throws SQLException {
        cache.interrupted();
        SqliteJdbc.interrupt(jdbc);
    }

    @Test
    void anAutoCommitWriteGivenBackAfterAnInterruptStaysCommitted() throws SQLException {
        try (java.sql.Connection jdbc = jdbc()) {
            StatementCache cache = new StatementCache(16, new LongAdder(), new LongAdder());
            StatementCache.Prepared insert = cache.bound(jdbc, BoundSql.of(SqlScript.parse(INSERT_THREE)
                    .statements().get(0)));
            ResultSet rows = insertThreeReadingOne(insert);
            interruptPending(cache, jdbc);
            insert.release(rows, true);
            assertEquals(3, count(jdbc));
            assertFalse(SqliteJdbc.inTransaction(jdbc));
        }
    }

    @Test
    void aWriteInATransactionGivenBackWithRowsUnreadLeavesTheTransactionAsItWas() throws SQLException {
        for (boolean interrupted : new boolean[] {false, true}) {
            try (java.sql.Connection jdbc = jdbc()) {
                try (Statement statement = jdbc.createStatement()) {
                    statement.execute("DELETE FROM item");
                    statement.execute("BEGIN IMMEDIATE");
                    statement.execute("INSERT INTO item (name, qty) VALUES ('before', 0)");
                }
                StatementCache cache = new StatementCache(16, new LongAdder(), new LongAdder());
                StatementCache.Prepared insert = cache.bound(jdbc, BoundSql.of(SqlScript.parse(INSERT_THREE)
                        .statements().get(0)));
                ResultSet rows = insertThreeReadingOne(insert);
                if (interrupted) {
                    interruptPending(cache, jdbc);
                }
                insert.release(rows, false);
                assertTrue(SqliteJdbc.inTransaction(jdbc), "interrupted: " + interrupted);
                assertEquals(4, count(jdbc), "interrupted: " + interrupted);
                try (Statement statement = jdbc.createStatement()) {
                    statement.execute("COMMIT");
                }
                assertEquals(4, count(jdbc), "interrupted: " + interrupted);
            }
        }
    }
}
