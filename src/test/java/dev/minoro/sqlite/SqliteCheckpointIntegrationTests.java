package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.bind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

/**
 * The write-ahead log stays bounded when writes' RETURNING rows are not all read. SQLite ends an auto-commit write
 * when its statement is stepped to its end or reset; it checkpoints the log (every 1,000 pages by default) only
 * when the write ends in a step, never in a reset. A write whose caller took one row of several and cancelled (a
 * Mono's {@code next()}) must still end in a step, or a program making only such writes grows the log without
 * bound, as raw sqlite-jdbc code that closes a RETURNING result after its first row does. The connection's
 * statements here read one row per batch ({@code fetchSize(1)}), so that rows are left unread when the subscriber
 * cancels; with the default of 128 the same happens to writes returning more rows than that.
 */
final class SqliteCheckpointIntegrationTests {

    /** A page and a half of text: every insert writes its table page and its index page anew. */
    private static final String PAD = "x".repeat(6_000);
    private static final int WRITES = 1_500;
    /** The log's bound when it is checkpointed: SQLite's 1,000 pages, and room to spare. */
    private static final long BOUNDED_LOG_BYTES = 8L << 20;

    @RegisterExtension
    final SqliteFileExtension sqlite = SqliteFileExtension.of("log.db", "CREATE TABLE item (id INTEGER PRIMARY KEY,"
            + " name TEXT NOT NULL UNIQUE, qty INTEGER NOT NULL, pad TEXT)");

    /** Runs {@code sql} on a connection of its own, reading its rows one at a time, and maps them. */
    private static <T> Flux<T> oneRowABatch(ConnectionFactory factory, String sql, Function<Readable, T> mapper,
            Object... values) {
        return Flux.usingWhen(factory.create(),
                c -> Flux.from(bind(c.createStatement(sql), values).fetchSize(1).execute())
                        .concatMap(r -> r.map(mapper)),
                Connection::close);
    }

    /** Each write inserts two rows and takes the first of the two it returns; the rows are all there after. */
    private void writeTakingTheFirstRowOfEach(BiFunction<String, Object[], Flux<Long>> run) throws IOException {
        for (int i = 0; i < WRITES; i++) {
            Long id = run.apply("INSERT INTO item (name, qty, pad) VALUES (?, 1, ?), (?, 2, ?) RETURNING id",
                    new Object[] {"a" + i, PAD, "b" + i, PAD}).next().block(SqliteTesting.TIMEOUT);
            assertTrue(id != null && id > 0);
        }
        Long kept = run.apply("SELECT count(*) FROM item", new Object[0]).next().block(SqliteTesting.TIMEOUT);
        assertEquals(2L * WRITES, kept);
        assertLogBounded();
    }

    private void assertLogBounded() throws IOException {
        Path log = Path.of(sqlite.file() + "-wal");
        long size = Files.size(log);
        assertTrue(size < BOUNDED_LOG_BYTES, "the log holds " + size + " bytes after " + WRITES + " writes of"
                + " about " + 4 * PAD.length() + " bytes each: it was not checkpointed");
        // the rows reached the database file itself
        assertTrue(Files.size(sqlite.file()) > (long) WRITES * PAD.length(), "database file: "
                + Files.size(sqlite.file()) + " bytes");
    }

    @Test
    void writesWhoseReturningRowsAreNotAllReadThroughAConnectionKeepTheLogBounded() throws IOException {
        ConnectionFactory factory = sqlite.open();
        writeTakingTheFirstRowOfEach((sql, values) -> oneRowABatch(factory, sql, r -> r.get(0, Long.class), values));
    }

    @Test
    void writesReturningRowsThroughTheDirectPathKeepTheLogBounded() throws IOException {
        SqliteConnectionFactory factory = sqlite.open();
        writeTakingTheFirstRowOfEach((sql, values) -> factory.query(sql, r -> r.get(0, Long.class), values));
    }

    @Test
    void updatesAndDeletesWhoseReturningRowsAreNotAllReadKeepTheLogBounded() throws IOException {
        SqliteConnectionFactory factory = sqlite.open();
        for (int i = 0; i < WRITES; i++) {
            factory.update("INSERT INTO item (name, qty, pad) VALUES (?, 1, ?), (?, 2, ?)", "a" + i, PAD, "b" + i,
                    PAD).block(SqliteTesting.TIMEOUT);
        }
        for (int i = 0; i < WRITES; i++) {
            String changed = oneRowABatch(factory, "UPDATE item SET qty = qty + 10, pad = ? WHERE name IN (?, ?)"
                    + " RETURNING name", r -> r.get(0, String.class), PAD + i, "a" + i, "b" + i)
                    .next().block(SqliteTesting.TIMEOUT);
            assertTrue(changed != null);
        }
        assertEquals(2L * WRITES, factory.query("SELECT count(*) FROM item WHERE qty > 10",
                r -> r.get(0, Long.class)).blockFirst(SqliteTesting.TIMEOUT));
        assertLogBounded();
        for (int i = 0; i < WRITES; i++) {
            oneRowABatch(factory, "DELETE FROM item WHERE name IN (?, ?) RETURNING name", r -> r.get(0, String.class),
                    "a" + i, "b" + i).next().block(SqliteTesting.TIMEOUT);
        }
        assertEquals(0L, factory.query("SELECT count(*) FROM item", r -> r.get(0, Long.class))
                .blockFirst(SqliteTesting.TIMEOUT));
        assertTrue(Files.size(Path.of(sqlite.file() + "-wal")) < BOUNDED_LOG_BYTES);
    }
}
