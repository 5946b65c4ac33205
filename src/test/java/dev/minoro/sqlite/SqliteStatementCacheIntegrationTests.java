package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.bind;
import static dev.minoro.testing.R2dbcCalls.query;
import static dev.minoro.testing.R2dbcCalls.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcType;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import java.nio.ByteBuffer;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sqlite.SQLiteConnection;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The prepared statements each lane keeps ({@code statementCacheSize}): a query run again is not compiled again,
 * gives the right rows for its new values, holds no read open between runs, and follows schema changes made by its
 * own lane and by other connections. The cancellation tests cover interrupts with kept statements.
 */
final class SqliteStatementCacheIntegrationTests {

    @RegisterExtension
    final SqliteFileExtension sqlite = SqliteFileExtension.of("cache.db", "CREATE TABLE item (id INTEGER PRIMARY KEY,"
            + " name TEXT NOT NULL, qty INTEGER); INSERT INTO item (name, qty) VALUES ('item1', 1), ('item2', 2),"
            + " ('item3', 3), ('item4', 4), ('item5', 5)").withOptions(b -> b.readerLanes(1));

    private SqliteConnectionFactory factory;

    private SqliteConnectionFactory open(int cacheSize) {
        factory = sqlite.open(b -> b.statementCacheSize(cacheSize));
        return factory;
    }

    private static List<String> namesWithQty(ConnectionFactory factory, long qty) {
        return query(factory, "SELECT name FROM item WHERE qty = ?", r -> r.get(0, String.class), qty)
                .collectList().block(SqliteTesting.TIMEOUT);
    }

    @Test
    void aStatementRunAgainIsNotPreparedAgainAndBindsItsNewValues() {
        open(SqliteConnectionConfiguration.DEFAULT_STATEMENT_CACHE_SIZE);
        assertEquals(List.of("item1"), namesWithQty(factory, 1));
        long prepared = factory.metrics().statementsPrepared();
        long reused = factory.metrics().statementsReused();
        for (int round = 0; round < 3; round++) {
            for (long qty = 1; qty <= 5; qty++) {
                assertEquals(List.of("item" + qty), namesWithQty(factory, qty));
            }
        }
        assertEquals(List.of(), namesWithQty(factory, 6));
        assertEquals(prepared, factory.metrics().statementsPrepared(), factory.metrics().toString());
        assertEquals(reused + 16, factory.metrics().statementsReused(), factory.metrics().toString());
    }

    @Test
    void aCacheSizeOfZeroPreparesEveryRun() {
        open(0);
        long prepared = factory.metrics().statementsPrepared();
        for (long qty = 1; qty <= 5; qty++) {
            assertEquals(List.of("item" + qty), namesWithQty(factory, qty));
        }
        assertEquals(prepared + 5, factory.metrics().statementsPrepared());
        assertEquals(0, factory.metrics().statementsReused());
    }

    @Test
    void theCacheSizeIsAnOptionOfTheUrl() {
        ConnectionFactory fromUrl = ConnectionFactories.get("r2dbc:sqlite:///" + sqlite.directory().resolve("url.db")
                + "?statementCacheSize=0");
        try {
            update(fromUrl, "CREATE TABLE t (a INTEGER)").block(SqliteTesting.TIMEOUT);
            for (int i = 0; i < 3; i++) {
                query(fromUrl, "SELECT count(a) FROM t", r -> r.get(0)).blockLast(SqliteTesting.TIMEOUT);
            }
            assertEquals(0, ((SqliteConnectionFactory) fromUrl).metrics().statementsReused());
        } finally {
            SqliteTesting.close((SqliteConnectionFactory) fromUrl).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void aKeptStatementHoldsNoReadOpenBetweenRuns() throws SQLException {
        open(SqliteConnectionConfiguration.DEFAULT_STATEMENT_CACHE_SIZE);
        // rows read in batches: the statement stops at its last row, and one that the reader cancels half-way
        List<Long> all = Flux.usingWhen(factory.create(),
                c -> Flux.from(c.createStatement("SELECT id FROM item ORDER BY id").fetchSize(2).execute())
                        .concatMap(r -> r.map(row -> row.get(0, Long.class))), Connection::close)
                .collectList().block(SqliteTesting.TIMEOUT);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), all);
        List<Long> some = Flux.usingWhen(factory.create(),
                c -> Flux.from(c.createStatement("SELECT id FROM item ORDER BY id").fetchSize(2).execute())
                        .concatMap(r -> r.map(row -> row.get(0, Long.class))), Connection::close)
                .take(3).collectList().block(SqliteTesting.TIMEOUT);
        assertEquals(List.of(1L, 2L, 3L), some);
        assertEquals(List.of("item2"), namesWithQty(factory, 2));
        assertTrue(factory.metrics().statementsReused() > 0, factory.metrics().toString());
        SqliteTesting.awaitNothingLeased(factory);
        // a statement left mid-read keeps its read transaction, and a checkpoint cannot truncate the WAL behind it
        try (java.sql.Connection other = DriverManager.getConnection("jdbc:sqlite:" + sqlite.file());
                java.sql.Statement checkpoint = other.createStatement()) {
            other.createStatement().execute("INSERT INTO item (name, qty) VALUES ('late', 9)");
            try (ResultSet result = checkpoint.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                result.next();
                assertEquals(0, result.getInt(1), "a kept statement still holds a read of the database");
            }
        }
        assertEquals(List.of("late"), namesWithQty(factory, 9));
    }

    /**
     * INSERT, UPDATE, DELETE and REPLACE, with and without RETURNING, through a connection's statements and the
     * factory's direct calls: each is prepared once per lane, and each run writes and returns what its own values
     * say.
     */
    @Test
    void aWriteRunAgainIsNotPreparedAgainAndWritesItsNewValues() {
        open(SqliteConnectionConfiguration.DEFAULT_STATEMENT_CACHE_SIZE);
        String insert = "INSERT INTO item (name, qty) VALUES (?, ?) RETURNING id, name, qty";
        String update = "UPDATE item SET qty = qty + ? WHERE name = ? RETURNING qty";
        String replace = "REPLACE INTO item (id, name, qty) VALUES (?, ?, ?)";
        String delete = "DELETE FROM item WHERE name = ?";
        long prepared = 0;
        long reused = 0;
        for (int round = 0; round < 4; round++) {
            if (round == 1) {
                // every statement has run once, each on the one lane that writes: none is prepared again
                prepared = factory.metrics().statementsPrepared();
                reused = factory.metrics().statementsReused();
            }
            String name = "new" + round;
            assertEquals(List.of(name + "/" + (10 + round)), query(factory, insert,
                    r -> r.get("name", String.class) + "/" + r.get("qty", Long.class), name, 10L + round)
                    .collectList().block(SqliteTesting.TIMEOUT));
            assertEquals(List.of(110L + round), query(factory, update, r -> r.get(0, Long.class), 100L, name)
                    .collectList().block(SqliteTesting.TIMEOUT));
            assertEquals(List.of(210L + round), factory.query(update, r -> r.get(0, Long.class), 100L, name)
                    .collectList().block(SqliteTesting.TIMEOUT));
            // below the rowids SQLite gives the inserts (the largest plus one)
            assertEquals(1L, update(factory, replace, -1L - round, "kept" + round, (long) round)
                    .block(SqliteTesting.TIMEOUT));
            assertEquals(1L, factory.update(replace, -1L - round, "replaced" + round, (long) round)
                    .block(SqliteTesting.TIMEOUT));
            assertEquals(1L, factory.update(delete, "item" + (round + 1)).block(SqliteTesting.TIMEOUT));
            assertEquals(0L, update(factory, delete, "item" + (round + 1)).block(SqliteTesting.TIMEOUT));
        }
        assertEquals(prepared, factory.metrics().statementsPrepared(), factory.metrics().toString());
        assertEquals(reused + 3 * 7, factory.metrics().statementsReused(), factory.metrics().toString());
        assertEquals(List.of("item5/5", "new0/210", "new1/211", "new2/212", "new3/213", "replaced0/0", "replaced1/1",
                "replaced2/2", "replaced3/3"), query(factory, "SELECT name, qty FROM item ORDER BY name",
                r -> r.get(0, String.class) + "/" + r.get(1, Long.class)).collectList().block(SqliteTesting.TIMEOUT));
    }

    /**
     * A kept write that fails (a primary key taken, a NOT NULL column given null; through a connection's statement
     * and the factory's direct call) is closed, not kept: its next run prepares it again, once, and writes, and the
     * run after that reuses it. Neither those failures nor a write refused for a lock another connection holds leave
     * a transaction or lock behind, which another connection's write and a checkpoint that truncates the WAL show.
     */
    @Test
    void aKeptWriteThatFailsLeavesNothingOpenAndItsNextRunWrites() throws SQLException {
        factory = sqlite.open(b -> b.busyTimeout(Duration.ofMillis(100)));
        for (long id = 10; id <= 11; id++) {
            assertEquals(List.of(id), insertReturning(id, "ok"));
            assertEquals(1L, insertDirect(id + 10, "ok"));
        }
        long prepared = factory.metrics().statementsPrepared();
        R2dbcException taken = assertThrows(R2dbcDataIntegrityViolationException.class,
                () -> insertReturning(10L, "again"));
        assertEquals(1555, taken.getErrorCode(), taken.getMessage()); // SQLITE_CONSTRAINT_PRIMARYKEY
        R2dbcException noName = assertThrows(R2dbcDataIntegrityViolationException.class,
                () -> insertDirect(30L, Parameters.in(R2dbcType.VARCHAR)));
        assertEquals(1299, noName.getErrorCode(), noName.getMessage()); // SQLITE_CONSTRAINT_NOTNULL
        assertEquals(prepared, factory.metrics().statementsPrepared(), "each failed on its kept statement");
        for (long id = 12; id <= 13; id++) {
            assertEquals(List.of(id), insertReturning(id, "after a failure"));
            assertEquals(1L, insertDirect(id + 10, "after a failure"));
        }
        assertEquals(prepared + 2, factory.metrics().statementsPrepared(), "each failed statement prepared once more");
        try (java.sql.Connection other = DriverManager.getConnection("jdbc:sqlite:" + sqlite.file());
                java.sql.Statement write = other.createStatement()) {
            write.execute("BEGIN IMMEDIATE");
            write.execute("INSERT INTO item (id, name, qty) VALUES (40, 'elsewhere', 40)");
            R2dbcException locked = assertThrows(R2dbcException.class, () -> insertDirect(14L, "locked"));
            assertEquals(5, locked.getErrorCode() & 0xff, locked.getMessage()); // SQLITE_BUSY
            write.execute("COMMIT");
        }
        assertEquals(List.of(14L), insertReturning(14L, "after a lock"));
        assertEquals(1L, insertDirect(24L, "after a lock"));
        SqliteTesting.awaitNothingLeased(factory);
        nothingHeldElsewhere(41);
        assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 20L, 21L, 22L, 23L, 24L, 40L, 41L), query(factory,
                "SELECT id FROM item WHERE id >= ?", r -> r.get(0, Long.class), 10L).collectList()
                .block(SqliteTesting.TIMEOUT));
    }

    private List<Long> insertReturning(long id, Object name) {
        return query(factory, "INSERT INTO item (id, name, qty) VALUES (?, ?, ?) RETURNING id",
                r -> r.get(0, Long.class), id, name, 1L).collectList().block(SqliteTesting.TIMEOUT);
    }

    private Long insertDirect(long id, Object name) {
        return factory.update("INSERT INTO item (id, name, qty) VALUES (?, ?, ?)", id, name, 1L)
                .block(SqliteTesting.TIMEOUT);
    }

    /**
     * Another connection writes row {@code id} without waiting for a lock, and a checkpoint then truncates the
     * WAL: no statement of the factory holds a transaction, a lock or a read.
     */
    private void nothingHeldElsewhere(long id) throws SQLException {
        try (java.sql.Connection other = DriverManager.getConnection("jdbc:sqlite:" + sqlite.file());
                java.sql.Statement write = other.createStatement()) {
            write.execute("PRAGMA busy_timeout = 0");
            write.execute("BEGIN IMMEDIATE");
            write.execute("INSERT INTO item (id, name, qty) VALUES (" + id + ", 'elsewhere', 0)");
            write.execute("COMMIT");
            try (ResultSet result = write.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                result.next();
                assertEquals(0, result.getInt(1), "a statement of the factory still holds the database");
            }
        }
    }

    /**
     * A write whose RETURNING rows are read in batches, on a lane that has run a schema change (which has the
     * lane ask SQLite whether that change's transaction is still open before it keeps columns: a BEGIN and a
     * ROLLBACK that, sent while the write runs, would undo it). Every row it wrote stays, run after run, and a
     * reader that takes only its first row leaves the write whole or undone, and nothing open.
     */
    @Test
    void aWriteWhoseReturnedRowsAreReadInBatchesAfterASchemaChangeStaysWritten() throws SQLException {
        open(SqliteConnectionConfiguration.DEFAULT_STATEMENT_CACHE_SIZE);
        String insert = "INSERT INTO item (name, qty) VALUES (?, 1), (?, 2), (?, 3) RETURNING name, qty";
        for (int round = 0; round < 3; round++) {
            update(factory, "CREATE TABLE IF NOT EXISTS other" + round + " (a INTEGER)").block(SqliteTesting.TIMEOUT);
            String name = "batch" + round;
            List<String> returned = Flux.usingWhen(factory.create(),
                    c -> Flux.from(bind(c.createStatement(insert), name, name, name).fetchSize(1).execute())
                            .concatMap(r -> r.map(row -> row.get("name", String.class) + row.get("qty", Long.class))),
                    Connection::close).collectList().block(SqliteTesting.TIMEOUT);
            assertEquals(List.of(name + "1", name + "2", name + "3"), returned);
            assertEquals(List.of(3L), query(factory, "SELECT count(*) FROM item WHERE name = ?",
                    r -> r.get(0, Long.class), name).collectList().block(SqliteTesting.TIMEOUT), name);
        }
        List<String> first = Flux.usingWhen(factory.create(),
                c -> Flux.from(bind(c.createStatement(insert), "cut", "cut", "cut").fetchSize(1).execute())
                        .concatMap(r -> r.map(row -> row.get("name", String.class))),
                Connection::close).take(1).collectList().block(SqliteTesting.TIMEOUT);
        assertEquals(List.of("cut"), first);
        SqliteTesting.awaitNothingLeased(factory);
        nothingHeldElsewhere(100);
        long cut = query(factory, "SELECT count(*) FROM item WHERE name = 'cut'", r -> r.get(0, Long.class))
                .blockLast(SqliteTesting.TIMEOUT);
        assertTrue(cut == 0 || cut == 3, "the write was cut in part: " + cut + " rows");
        assertEquals(List.of(3L, 3L, 3L), Flux.range(0, 3).concatMap(round -> query(factory,
                "SELECT count(*) FROM item WHERE name = ?", r -> r.get(0, Long.class), "batch" + round))
                .collectList().block(SqliteTesting.TIMEOUT));
    }

    /**
     * A kept write that ran in a transaction that rolled back runs again after it: the rollback undid its first run
     * and nothing else, and the kept statement did not hold the transaction open.
     */
    @Test
    void aKeptWriteRunsAgainAfterItsTransactionRolledBack() {
        open(SqliteConnectionConfiguration.DEFAULT_STATEMENT_CACHE_SIZE);
        String insert = "INSERT INTO item (name, qty) VALUES (?, ?)";
        Mono.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction())
                        .thenMany(Flux.range(0, 3).concatMap(i -> Flux.from(c.createStatement(insert)
                                .bind(0, "undone" + i).bind(1, 0L).execute()).concatMap(Result::getRowsUpdated)))
                        .then(Mono.from(c.rollbackTransaction())),
                Connection::close).block(SqliteTesting.TIMEOUT);
        long reusedBefore = factory.metrics().statementsReused();
        assertEquals(1L, factory.update(insert, "kept", 7L).block(SqliteTesting.TIMEOUT));
        assertTrue(factory.metrics().statementsReused() > reusedBefore, factory.metrics().toString());
        assertEquals(List.of("item1", "item2", "item3", "item4", "item5", "kept"), query(factory,
                "SELECT name FROM item ORDER BY id", r -> r.get(0, String.class)).collectList()
                .block(SqliteTesting.TIMEOUT));
    }

    /**
     * A kept INSERT … RETURNING after another connection made its table again with other declared types and NOT NULL
     * constraints: SQLite compiles it again, and the columns it returns are described again.
     */
    @Test
    void aKeptWritesReturnedColumnsFollowASchemaChangeByAnotherConnection() throws SQLException {
        open(SqliteConnectionConfiguration.DEFAULT_STATEMENT_CACHE_SIZE);
        String insert = "INSERT INTO item (name, qty) VALUES (?, ?) RETURNING name, qty";
        assertEquals("name TEXT NON_NULL=first, qty INTEGER NULLABLE=1", returned(insert, "first", 1L));
        assertEquals("name TEXT NON_NULL=second, qty INTEGER NULLABLE=2", returned(insert, "second", 2L));
        elsewhere(List.of("DROP TABLE item",
                "CREATE TABLE item (id INTEGER PRIMARY KEY, qty REAL NOT NULL, name TEXT, extra TEXT)"));
        assertEquals("name TEXT NULLABLE=third, qty REAL NON_NULL=3.0", returned(insert, "third", 3L));
        assertEquals("name TEXT NULLABLE=fourth, qty REAL NON_NULL=4.0", returned(insert, "fourth", 4L));
    }

    /** Each column of the one row that {@code sql} with {@code values} returns, as {@link #describe} shows them. */
    private String returned(String sql, Object... values) {
        return Flux.usingWhen(factory.create(), c -> Flux.from(bind(c.createStatement(sql), values).execute())
                        .concatMap((Result r) -> r.map((row, metadata) -> metadata.getColumnMetadatas().stream()
                                .map(column -> column.getName() + " " + column.getType().getName() + " "
                                        + column.getNullability() + "=" + row.get(column.getName()))
                                .collect(Collectors.joining(", ")))), Connection::close)
                .single().block(SqliteTesting.TIMEOUT);
    }

    @Test
    void theSameSqlReadTwiceAtOnceInOneTransactionGetsTwoStatements() {
        open(SqliteConnectionConfiguration.DEFAULT_STATEMENT_CACHE_SIZE);
        String sql = "SELECT id FROM item WHERE id >= ? ORDER BY id";
        for (int round = 0; round < 2; round++) {
            List<String> pairs = Flux.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction()).thenMany(
                    Flux.zip(ids(c, sql, 1), ids(c, sql, 2), (a, b) -> a + ":" + b)), Connection::close)
                    .collectList().block(SqliteTesting.TIMEOUT);
            assertEquals(List.of("1:2", "2:3", "3:4", "4:5"), pairs);
        }
    }

    private static Flux<Long> ids(Connection connection, String sql, long from) {
        return Flux.from(connection.createStatement(sql).bind(0, from).fetchSize(1).execute())
                .concatMap(r -> r.map(row -> row.get(0, Long.class)));
    }

    @Test
    void aSchemaChangeOnTheSameLaneIsSeenByTheStatementsItKept() {
        factory = sqlite.openFile("one-lane.db", b -> b.journalMode(
                SqliteConnectionConfiguration.JournalMode.DELETE));
        update(factory, "CREATE TABLE t (a INTEGER, b TEXT)").block(SqliteTesting.TIMEOUT);
        update(factory, "INSERT INTO t VALUES (1, 'one')").block(SqliteTesting.TIMEOUT);
        assertEquals("a INTEGER NULLABLE=1, b TEXT NULLABLE=one", describe(factory, "SELECT a, b FROM t"));
        update(factory, "DROP TABLE t").block(SqliteTesting.TIMEOUT);
        update(factory, "CREATE TABLE t (b BLOB NOT NULL, a TEXT NOT NULL)").block(SqliteTesting.TIMEOUT);
        update(factory, "INSERT INTO t VALUES (x'01', 'first')").block(SqliteTesting.TIMEOUT);
        assertEquals("a TEXT NON_NULL=first, b BLOB NON_NULL=bytes",
                describe(factory, "SELECT a, b FROM t"));
    }

    @Test
    void aSchemaChangeByAnotherConnectionIsSeenByTheStatementsALaneKept() throws SQLException {
        open(SqliteConnectionConfiguration.DEFAULT_STATEMENT_CACHE_SIZE);
        SqliteTesting.openReaderLane(factory);
        assertEquals("name TEXT NON_NULL=item1, qty INTEGER NULLABLE=1",
                describe(factory, "SELECT name, qty FROM item WHERE id = 1"));
        assertEquals(3, columns(factory, "SELECT * FROM item WHERE id = 1"));
        elsewhere(List.of("DROP TABLE item",
                "CREATE TABLE item (id INTEGER PRIMARY KEY, qty REAL NOT NULL, name TEXT, extra TEXT)",
                "INSERT INTO item VALUES (1, 2.5, NULL, 'more')"));
        assertEquals("name TEXT NULLABLE=null, qty REAL NON_NULL=2.5",
                describe(factory, "SELECT name, qty FROM item WHERE id = 1"));
        assertEquals(4, columns(factory, "SELECT * FROM item WHERE id = 1"));
    }

    /**
     * Schema changes that leave every column's declared type as it was: a column renamed (which a kept
     * {@code SELECT *} shows under its new name) and a table made again with other NOT NULL constraints; by this
     * lane and by another connection.
     */
    @Test
    void aSchemaChangeThatKeepsTheDeclaredTypesIsSeenByTheStatementsALaneKept() throws SQLException {
        open(SqliteConnectionConfiguration.DEFAULT_STATEMENT_CACHE_SIZE);
        SqliteTesting.openReaderLane(factory);
        String all = "SELECT * FROM item WHERE id = 1";
        assertEquals("id INTEGER NULLABLE=1, name TEXT NON_NULL=item1, qty INTEGER NULLABLE=1", describe(factory, all));
        update(factory, "ALTER TABLE item RENAME COLUMN qty TO quantity").block(SqliteTesting.TIMEOUT);
        assertEquals("id INTEGER NULLABLE=1, name TEXT NON_NULL=item1, quantity INTEGER NULLABLE=1",
                describe(factory, all));
        elsewhere(List.of("ALTER TABLE item RENAME COLUMN name TO title"));
        assertEquals("id INTEGER NULLABLE=1, title TEXT NON_NULL=item1, quantity INTEGER NULLABLE=1",
                describe(factory, all));
        elsewhere(remadeAs("(id INTEGER PRIMARY KEY, title TEXT, quantity INTEGER NOT NULL)"));
        assertEquals("id INTEGER NULLABLE=1, title TEXT NULLABLE=item1, quantity INTEGER NON_NULL=1",
                describe(factory, all));
        String named = "SELECT title, quantity FROM item WHERE id = 1"; // a statement the lane keeps
        assertEquals("title TEXT NULLABLE=item1, quantity INTEGER NON_NULL=1", describe(factory, named));
        elsewhere(remadeAs("(id INTEGER PRIMARY KEY, title TEXT NOT NULL, quantity INTEGER)"));
        assertEquals("title TEXT NON_NULL=item1, quantity INTEGER NULLABLE=1", describe(factory, named));
        // The same on the writer's lane, in a transaction rolled back: the cookie goes back, and the columns with it.
        List<String> nullabilities = Flux.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction())
                        .thenMany(Flux.fromIterable(remadeAs(
                                        "(id INTEGER PRIMARY KEY, title TEXT, quantity INTEGER NOT NULL)"))
                                .concatMap(ddl -> Flux.from(c.createStatement(ddl).execute())
                                        .concatMap(Result::getRowsUpdated)))
                        .thenMany(nullabilities(c, named, 3))
                        .concatWith(Mono.from(c.rollbackTransaction()).then(Mono.empty()))
                        .concatWith(nullabilities(c, named, 3)), Connection::close)
                .collectList().block(SqliteTesting.TIMEOUT);
        assertEquals(List.of("NULLABLE/NON_NULL", "NULLABLE/NON_NULL", "NULLABLE/NON_NULL", "NON_NULL/NULLABLE",
                "NON_NULL/NULLABLE", "NON_NULL/NULLABLE"), nullabilities);
        assertEquals("title TEXT NON_NULL=item1, quantity INTEGER NULLABLE=1", describe(factory, named));
    }

    /**
     * A schema change the lane rolled back brings the schema cookie back down; the same change by another connection
     * brings it to the value it had inside the transaction, over another schema. Columns described inside the
     * transaction must not be kept under that value.
     */
    @Test
    void columnsDescribedUnderARolledBackSchemaChangeAreNotKept() throws SQLException {
        open(SqliteConnectionConfiguration.DEFAULT_STATEMENT_CACHE_SIZE);
        SqliteTesting.openReaderLane(factory);
        String named = "SELECT name, qty FROM item WHERE id = 1";
        List<String> inside = Flux.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction())
                        .thenMany(Flux.fromIterable(remadeAs("(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER NOT NULL)"))
                                .concatMap(ddl -> Flux.from(c.createStatement(ddl).execute())
                                        .concatMap(Result::getRowsUpdated)))
                        .thenMany(nameAndQty(c, named, 2))
                        .concatWith(Mono.from(c.rollbackTransaction()).then(Mono.empty())), Connection::close)
                .collectList().block(SqliteTesting.TIMEOUT);
        assertEquals(List.of("NULLABLE/NON_NULL", "NULLABLE/NON_NULL"), inside);
        // the same number of schema changes elsewhere: the cookie has the value it had inside the transaction
        elsewhere(remadeAs("(id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL)"));
        List<String> after = Flux.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction())
                        .thenMany(nameAndQty(c, named, 2))
                        .concatWith(Mono.from(c.commitTransaction()).then(Mono.empty())), Connection::close)
                .collectList().block(SqliteTesting.TIMEOUT);
        assertEquals(List.of("NON_NULL/NON_NULL", "NON_NULL/NON_NULL"), after);
    }

    /** The nullability of the columns {@code name} and {@code qty} of {@code sql}'s row, run {@code times}. */
    private static Flux<String> nameAndQty(Connection c, String sql, int times) {
        return Flux.range(0, times).concatMap(i -> Flux.from(c.createStatement(sql).execute())
                .concatMap(r -> r.map((row, metadata) -> metadata.getColumnMetadata("name").getNullability() + "/"
                        + metadata.getColumnMetadata("qty").getNullability())));
    }

    /** The statements that make the table {@code item} again with {@code columns}, keeping its rows. */
    private static List<String> remadeAs(String columns) {
        return List.of("CREATE TABLE item2 " + columns, "INSERT INTO item2 SELECT * FROM item", "DROP TABLE item",
                "ALTER TABLE item2 RENAME TO item");
    }

    /** Runs {@code statements} on a JDBC connection of its own to the test's file. */
    private void elsewhere(List<String> statements) throws SQLException {
        try (java.sql.Connection other = DriverManager.getConnection("jdbc:sqlite:" + sqlite.file());
                java.sql.Statement ddl = other.createStatement()) {
            for (String statement : statements) {
                ddl.execute(statement);
            }
        }
    }

    /** The nullability of the columns {@code title} and {@code quantity} of {@code sql}'s row, run {@code times}. */
    private static Flux<String> nullabilities(Connection c, String sql, int times) {
        return Flux.range(0, times).concatMap(i -> Flux.from(c.createStatement(sql).execute())
                .concatMap(r -> r.map((row, metadata) -> metadata.getColumnMetadata("title").getNullability() + "/"
                        + metadata.getColumnMetadata("quantity").getNullability())));
    }

    /** Each column of the statement's one row: name, declared type, nullability and value. */
    private static String describe(ConnectionFactory factory, String sql) {
        return select(factory, sql, (row, metadata) -> metadata.getColumnMetadatas().stream()
                .map(column -> {
                    Object value = row.get(column.getName());
                    String shown = value instanceof ByteBuffer ? "bytes" : String.valueOf(value);
                    Nullability nullability = column.getNullability();
                    return column.getName() + " " + column.getType().getName() + " " + nullability + "=" + shown;
                })
                .collect(Collectors.joining(", ")));
    }

    private static int columns(ConnectionFactory factory, String sql) {
        return select(factory, sql, (row, metadata) -> metadata.getColumnMetadatas().size());
    }

    private static <T> T select(ConnectionFactory factory, String sql, BiFunction<Row, RowMetadata, T> mapper) {
        return Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement(sql).execute())
                        .concatMap((Result r) -> r.map(mapper)), Connection::close)
                .single().block(SqliteTesting.TIMEOUT);
    }

    /**
     * A kept query whose plan SQLite made with its bound values in view (a join, inner, outer or implicit, or a
     * correlated subquery it turns into one: SQLite's {@code expmask}) runs again without SQLite compiling it again.
     * Clearing its values with sqlite-jdbc's {@code clearParameters()} ({@code sqlite3_clear_bindings}) made SQLite
     * compile it at every run, which cost more than the rest of the run. To see a compilation, the lane's limit on
     * parameter numbers goes below the statements' {@code ?2} once they are kept: compiling one now fails. The last
     * query, on one table, was kept compiled before too.
     */
    @Test
    void aKeptQueryWhosePlanReadItsValuesIsNotCompiledAgainAtItsNextRun() {
        openOwnersAndPets();
        List<String> queries = List.of(
                OWNERS_PETS,
                "SELECT p.name FROM owner o LEFT JOIN pet p ON p.owner_id = o.id WHERE o.token = ?1"
                        + " AND (p.born IS NULL OR p.born > ?2) ORDER BY p.id",
                "SELECT p.name FROM owner o, pet p WHERE p.owner_id = o.id AND o.token = ?1 AND p.born > ?2"
                        + " ORDER BY p.id",
                "SELECT p.name FROM pet p WHERE EXISTS (SELECT 1 FROM owner o WHERE o.id = p.owner_id"
                        + " AND o.token = ?1) AND p.born > ?2 ORDER BY p.id",
                "SELECT p.name FROM pet p WHERE p.name >= ?1 AND p.born > ?2 ORDER BY p.id");
        for (String sql : queries) {
            assertEquals(sql.contains("p.name >=") ? List.of("x", "y", "z") : List.of("x", "y"), pets(sql, "a", 5),
                    sql);
            assertEquals(List.of(), pets(sql, "b", 30), sql);
        }
        long prepared = factory.metrics().statementsPrepared();
        onTheWriterLane(jdbc -> jdbc.unwrap(SQLiteConnection.class).getDatabase()
                .limit(SQLITE_LIMIT_VARIABLE_NUMBER, 1));
        for (String sql : queries) {
            assertEquals(sql.contains("p.name >=") ? List.of("y", "z") : List.of("y"), pets(sql, "a", 15), sql);
            assertEquals(List.of("z"), pets(sql, "b", 25), sql);
        }
        assertEquals(prepared, factory.metrics().statementsPrepared(), factory.metrics().toString());
    }

    /**
     * A kept query that bound a large value ({@link StatementCache#LARGE_VALUE}) has it cleared in SQLite too when it
     * goes back to the cache, so that an idle statement does not hold it: each next run binds its own values, and a
     * join is compiled again after such a run (seen as in the test above).
     */
    @Test
    void aKeptQueryThatBoundALargeValueHasItClearedInSqliteToo() {
        openOwnersAndPets();
        String large = "a".repeat(StatementCache.LARGE_VALUE + 1);
        for (int round = 0; round < 3; round++) {
            assertEquals(List.of(), pets(OWNERS_PETS, large, 5));
            assertEquals(List.of("x", "y"), pets(OWNERS_PETS, "a", 5));
        }
        assertTrue(factory.metrics().statementsReused() >= 5, factory.metrics().toString());
        assertEquals(List.of(), pets(OWNERS_PETS, large, 5));
        onTheWriterLane(jdbc -> jdbc.unwrap(SQLiteConnection.class).getDatabase()
                .limit(SQLITE_LIMIT_VARIABLE_NUMBER, 1));
        R2dbcException compiled = assertThrows(R2dbcException.class, () -> pets(OWNERS_PETS, "a", 5));
        assertTrue(compiled.getMessage().contains("variable number must be between ?1 and ?1"),
                compiled.getMessage());
    }

    /** A join of the tables {@link #openOwnersAndPets} makes: the pets of the owner of a token, born after a time. */
    private static final String OWNERS_PETS = "SELECT p.name FROM owner o JOIN pet p ON p.owner_id = o.id"
            + " WHERE o.token = ?1 AND p.born > ?2 ORDER BY p.id";

    /** Opens the factory with every statement on its writer lane, and makes two owners with three pets. */
    private void openOwnersAndPets() {
        factory = sqlite.open(b -> b.readerLanes(0));
        update(factory, "CREATE TABLE owner (id INTEGER PRIMARY KEY, token TEXT NOT NULL UNIQUE);"
                + " CREATE TABLE pet (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL REFERENCES owner (id),"
                + " name TEXT NOT NULL, born INTEGER); CREATE INDEX pet_owner ON pet (owner_id);"
                + " CREATE INDEX pet_born ON pet (born); INSERT INTO owner VALUES (1, 'a'), (2, 'b');"
                + " INSERT INTO pet VALUES (1, 1, 'x', 10), (2, 1, 'y', 20), (3, 2, 'z', 30)")
                .block(SqliteTesting.TIMEOUT);
    }

    /** SQLite's {@code SQLITE_LIMIT_VARIABLE_NUMBER}: the largest parameter number a statement may compile with. */
    private static final int SQLITE_LIMIT_VARIABLE_NUMBER = 9;

    private List<String> pets(String sql, String token, long bornAfter) {
        return query(factory, sql, r -> r.get(0, String.class), token, bornAfter).collectList()
                .block(SqliteTesting.TIMEOUT);
    }

    /** Runs {@code work} on the JDBC connection of the factory's writer lane, between two of its statements. */
    private void onTheWriterLane(Lane.Work<?> work) {
        factory.lanes().writer(new LockWait(SqliteTesting.TIMEOUT), () -> "the test")
                .flatMap(lease -> lease.lane().call(work).then(lease.release()))
                .block(SqliteTesting.TIMEOUT);
    }

    @Test
    void theCacheSizeIsChecked() {
        for (int bad : IntStream.of(-1, SqliteConnectionConfiguration.MAX_STATEMENT_CACHE_SIZE + 1).toArray()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SqliteConnectionConfiguration.builder().statementCacheSize(bad));
            assertEquals("statementCacheSize must be between 0 and 65536, was " + bad, e.getMessage());
        }
    }
}
