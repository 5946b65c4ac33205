package dev.minoro.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.sqlite.internal.SqliteResultCodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * What the driver relies on in sqlite-jdbc beyond {@code java.sql}, all of it behind {@link SqliteJdbc}: run on
 * every sqlite-jdbc upgrade. Each test uses real SQLite files and plain threads, no lanes.
 */
final class SqliteJdbcIntegrationTests {

    @TempDir
    Path directory;

    private Connection open(String name) throws SQLException {
        return SqliteJdbc.open(directory.resolve(name).toString(), false);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void opensFilesAndMemoryAndReadOnlyRefusesWrites() throws SQLException {
        try (Connection writer = open("open.db")) {
            execute(writer, "CREATE TABLE t (v INTEGER)");
        }
        try (Connection memory = SqliteJdbc.open(SqliteConnectionConfiguration.MEMORY, false)) {
            execute(memory, "CREATE TABLE t (v INTEGER)");
        }
        try (Connection reader = SqliteJdbc.open(directory.resolve("open.db").toString(), true)) {
            SQLException refused = assertThrows(SQLException.class, () -> execute(reader, "INSERT INTO t VALUES (1)"));
            assertEquals(8, SqliteJdbc.extendedCode(refused), refused.getMessage()); // SQLITE_READONLY
        }
    }

    /**
     * sqlite-jdbc's generated keys are off: with them on, every execute matches a regex against the SQL and every
     * INSERT runs a {@code SELECT last_insert_rowid()} of its own, for keys the driver never reads (it returns
     * generated values with RETURNING).
     */
    @Test
    void opensWithoutSqliteJdbcsGeneratedKeys() throws SQLException {
        for (boolean readOnly : new boolean[] {false, true}) {
            try (Connection connection = SqliteJdbc.open(SqliteConnectionConfiguration.MEMORY, readOnly)) {
                assertFalse(connection.unwrap(SQLiteConnection.class).getConnectionConfig().isGetGeneratedKeys(),
                        "read-only " + readOnly);
            }
        }
    }

    /**
     * What the statement cache relies on to skip sqlite-jdbc's reading of every column name at each run: a
     * statement's result is one object from run to run, opened with the names it is given, which serve its column
     * count only; the names it reports come from SQLite.
     */
    @Test
    void aResultOpensWithTheColumnNamesOfItsLastRun() throws SQLException {
        try (Connection connection = open("names.db")) {
            execute(connection, "CREATE TABLE t (a INTEGER, b TEXT)");
            execute(connection, "INSERT INTO t VALUES (1, 'one')");
            try (PreparedStatement select = connection.prepareStatement("SELECT a, b AS label FROM t")) {
                assertTrue(select.execute());
                ResultSet first = select.getResultSet();
                String[] names = SqliteJdbc.columnNames(first);
                assertArrayEquals(new String[] {"a", "label"}, names);
                SqliteJdbc.reset(select);
                String[] given = {"given a", "given b"};
                assertTrue(select.execute());
                SqliteJdbc.reuseColumnNames(first, given);
                ResultSet second = select.getResultSet();
                assertSame(first, second, "sqlite-jdbc keeps one result per statement");
                assertSame(given, SqliteJdbc.columnNames(second), "the names given were not read again");
                assertEquals(2, second.getMetaData().getColumnCount());
                assertEquals("label", second.getMetaData().getColumnLabel(2), "reported names come from SQLite");
                assertTrue(second.next());
                assertEquals("one", second.getString(2));
            }
        }
    }

    /**
     * What the statement cache relies on to keep a join compiled from run to run: sqlite-jdbc binds a statement's
     * values in SQLite only when it runs, so {@link SqliteJdbc#dropBoundValues} drops them without SQLite, and the
     * next run binds NULL for a value not set again; {@code clearParameters()} calls {@code sqlite3_clear_bindings},
     * after which SQLite compiles a statement whose plan read its values (a join's) again at its next run. A
     * compilation shows as a failure once the connection's limit on parameter numbers is below the statement's.
     */
    @Test
    void droppingBoundValuesKeepsAJoinCompiledWhereClearingThemDoesNot() throws SQLException {
        String join = "SELECT p.name FROM owner o JOIN pet p ON p.owner_id = o.id WHERE o.token = ?1 AND p.born > ?2";
        for (boolean clear : new boolean[] {false, true}) {
            try (Connection connection = open("bindings-" + clear + ".db")) {
                execute(connection, "CREATE TABLE owner (id INTEGER PRIMARY KEY, token TEXT NOT NULL UNIQUE)");
                execute(connection, "CREATE TABLE pet (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL, name TEXT,"
                        + " born INTEGER)");
                execute(connection, "CREATE INDEX pet_owner ON pet (owner_id)");
                execute(connection, "INSERT INTO owner VALUES (1, 'a')");
                execute(connection, "INSERT INTO pet VALUES (1, 1, 'x', 10)");
                try (PreparedStatement select = connection.prepareStatement(join)) {
                    select.setString(1, "a");
                    select.setLong(2, 5);
                    assertEquals(List.of("x"), names(select));
                    SqliteJdbc.reset(select);
                    if (clear) {
                        select.clearParameters();
                    } else {
                        SqliteJdbc.dropBoundValues(select, 2);
                        assertEquals(List.of(), names(select), "NULL bound for the dropped values");
                        SqliteJdbc.reset(select);
                    }
                    connection.unwrap(SQLiteConnection.class).getDatabase().limit(9, 1); // SQLITE_LIMIT_VARIABLE_NUMBER
                    select.setString(1, "a");
                    select.setLong(2, 5);
                    if (clear) {
                        SQLException compiled = assertThrows(SQLException.class, () -> names(select));
                        assertTrue(compiled.getMessage().contains("variable number must be between ?1 and ?1"),
                                compiled.getMessage());
                    } else {
                        assertEquals(List.of("x"), names(select), "run again as compiled");
                    }
                }
            }
        }
    }

    private static List<String> names(PreparedStatement select) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    /**
     * Why a lane rolls back after an auto-commit statement that failed or was cancelled
     * ({@link SqliteJdbc#rollbackQuietly}): sqlite-jdbc follows each statement in auto-commit mode with a
     * {@code begin;} and a {@code commit;} of its own, and when a progress handler stops one of them, which it may
     * once its prepared statement's instructions, counted across runs, pass the handler's interval, the
     * transaction of that {@code begin;} stays open. Here the handler stops every statement that reaches its
     * interval; some of the 3,000 writes complete and leave a transaction open, which {@code rollbackQuietly} ends.
     * If sqlite-jdbc stops doing this, the first assertion fails: the lanes' clean-up may then go.
     */
    @Test
    void aStoppedAutoCommitStatementCanLeaveSqliteJdbcsOwnTransactionOpen() throws SQLException {
        try (Connection connection = open("autocommit.db")) {
            execute(connection, "CREATE TABLE t (v INTEGER)");
            AtomicBoolean stop = new AtomicBoolean();
            SqliteJdbc.setProgressHandler(connection, 1000, stop::get);
            int leftOpen = 0;
            for (int i = 0; i < 3000; i++) {
                stop.set(true);
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?)")) {
                    insert.setInt(1, i);
                    insert.execute();
                } catch (SQLException stopped) {
                    assertEquals(9, SqliteJdbc.extendedCode(stopped), stopped.getMessage()); // SQLITE_INTERRUPT
                }
                stop.set(false);
                try {
                    execute(connection, "BEGIN");
                    execute(connection, "ROLLBACK");
                } catch (SQLException inTransaction) {
                    assertTrue(inTransaction.getMessage().contains("within a transaction"), inTransaction.getMessage());
                    leftOpen++;
                    SqliteJdbc.rollbackQuietly(connection);
                    execute(connection, "BEGIN");
                    execute(connection, "ROLLBACK");
                }
            }
            assertTrue(leftOpen > 0, "no stopped statement left a transaction open");
            // and with nothing open, rollbackQuietly is quiet
            SqliteJdbc.rollbackQuietly(connection);
        }
    }

    /**
     * What the lanes' statement cache relies on: a statement reset with {@link SqliteJdbc#reset} runs again, and a
     * reset statement does not hold an interrupt; but while a statement that ran before an interrupt is still active
     * (stepped and not reset, such as a result not read to its end), SQLite goes on failing the connection's new
     * statements with SQLITE_INTERRUPT, until that statement is reset or closed. So a lane closes the statements it
     * kept once it has interrupted one (see {@code StatementCache.closeIfInterrupted}). sqlite-jdbc's generated keys,
     * off on the lanes' connections ({@link #opensWithoutSqliteJdbcsGeneratedKeys}), left such an active statement
     * (its {@code SELECT last_insert_rowid()}) after every INSERT.
     */
    @Test
    void anActiveStatementHoldsAnInterruptUntilItIsResetAndAResetOneDoesNot() throws Exception {
        try (Connection connection = open("reset.db")) {
            execute(connection, "CREATE TABLE t (v INTEGER)");
            PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (1)");
            assertFalse(insert.execute());
            SqliteJdbc.reset(insert);
            assertFalse(insert.execute(), "a reset statement runs again");
            SqliteJdbc.reset(insert);
            PreparedStatement active = connection.prepareStatement("SELECT v FROM t");
            ResultSet unread = active.executeQuery();
            assertTrue(unread.next(), "the first of two rows");
            interruptAnEndlessStatement(connection);
            SQLException still = assertThrows(SQLException.class, () -> execute(connection, "SELECT count(*) FROM t"));
            assertEquals(9, SqliteJdbc.extendedCode(still), still.getMessage());
            SqliteJdbc.reset(active);
            // the kept INSERT, reset, is still open: it does not hold the interrupt
            assertEquals(2, count(connection));
            interruptAnEndlessStatement(connection);
            assertEquals(2, count(connection), "with only reset statements open, the interrupt ends with its statement");
            insert.close();
            active.close();
        }
    }

    /**
     * What the lanes' statement cache relies on for writes that return rows ({@code StatementCache}'s count of
     * running writes): while an auto-commit write's RETURNING rows are still to be read, SQLite accepts the
     * {@link SqliteJdbc#inTransaction} probe's {@code BEGIN}, sqlite-jdbc's own {@code commit;} after the probe's
     * {@code ROLLBACK} is refused (SQLITE_BUSY, "SQL statements in progress"), leaving its {@code begin;} open, and
     * the write does not survive; once sqlite-jdbc has read past the write's last row ({@code isAfterLast()}),
     * SQLite has ended the write and the same probe leaves it written.
     */
    @Test
    void aProbeUndoesAWriteWhoseRowsAreStillToBeReadButNotOneReadToItsEnd() throws Exception {
        try (Connection connection = open("returning.db")) {
            execute(connection, "CREATE TABLE t (v INTEGER)");
            PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (1), (2) RETURNING v");
            assertTrue(insert.execute());
            ResultSet rows = insert.getResultSet();
            assertTrue(rows.next());
            assertFalse(rows.isAfterLast(), "a row is still to be read");
            SQLException refused = assertThrows(SQLException.class, () -> SqliteJdbc.inTransaction(connection));
            assertEquals(5, SqliteJdbc.extendedCode(refused) & 0xff, refused.getMessage()); // SQLITE_BUSY
            SqliteJdbc.reset(insert);
            SqliteJdbc.rollbackQuietly(connection); // sqlite-jdbc's own begin, left open
            assertEquals(0, count(connection), "the write did not outlive the probe");
            assertTrue(insert.execute());
            rows = insert.getResultSet();
            while (rows.next()) {
                assertFalse(rows.isAfterLast());
            }
            assertTrue(rows.isAfterLast(), "read past its last row");
            assertFalse(SqliteJdbc.inTransaction(connection));
            SqliteJdbc.reset(insert);
            assertEquals(2, count(connection), "the probe after the last row left the write");
            insert.close();
        }
    }

    private static long count(Connection connection) throws SQLException {
        try (Statement next = connection.createStatement();
                ResultSet count = next.executeQuery("SELECT count(*) FROM t")) {
            assertTrue(count.next());
            return count.getLong(1);
        }
    }

    /** Runs an endless statement and interrupts it from another thread until it has ended with SQLITE_INTERRUPT. */
    private static void interruptAnEndlessStatement(Connection connection) throws Exception {
        try (PreparedStatement endless = connection.prepareStatement("WITH RECURSIVE n(i) AS (SELECT 1"
                + " UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n")) {
            // interrupts until the endless statement has ended: one interrupt may come before it starts
            AtomicBoolean ended = new AtomicBoolean();
            Thread interrupter = new Thread(() -> {
                try {
                    while (!ended.get()) {
                        SqliteJdbc.interrupt(connection);
                        Thread.sleep(1);
                    }
                } catch (InterruptedException | SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            interrupter.start();
            SQLException interrupted = assertThrows(SQLException.class, endless::execute);
            ended.set(true);
            interrupter.join();
            assertEquals(9, SqliteJdbc.extendedCode(interrupted), interrupted.getMessage()); // SQLITE_INTERRUPT
        }
    }

    @Test
    void extendedCodesNameTheConstraint() throws SQLException {
        try (Connection connection = open("codes.db")) {
            execute(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE, r INTEGER REFERENCES t (id))");
            execute(connection, "PRAGMA foreign_keys = ON");
            execute(connection, "INSERT INTO t (id, v) VALUES (1, 'a')");
            assertEquals(2067, code(connection, "INSERT INTO t (id, v) VALUES (2, 'a')")); // UNIQUE
            assertEquals(1555, code(connection, "INSERT INTO t (id, v) VALUES (1, 'b')")); // PRIMARY KEY
            assertEquals(787, code(connection, "INSERT INTO t (id, v, r) VALUES (3, 'c', 99)")); // FOREIGN KEY
            assertEquals(1, code(connection, "SELECT * FROM missing")); // SQLITE_ERROR
        }
    }

    private static int code(Connection connection, String sql) {
        return SqliteJdbc.extendedCode(assertThrows(SQLException.class, () -> execute(connection, sql)));
    }

    /** The driver trusts changes() only when total_changes() moved: changes() keeps the last DML's count. */
    @Test
    void changeCountsAreThoseOfTheConnection() throws SQLException {
        try (Connection connection = open("changes.db")) {
            execute(connection, "CREATE TABLE t (v INTEGER)");
            long before = SqliteJdbc.totalChanges(connection);
            execute(connection, "INSERT INTO t VALUES (1), (2), (3)");
            assertEquals(3, SqliteJdbc.changes(connection));
            assertEquals(before + 3, SqliteJdbc.totalChanges(connection));
            execute(connection, "CREATE TABLE u (v INTEGER)");
            assertEquals(3, SqliteJdbc.changes(connection), "kept after DDL");
            assertEquals(before + 3, SqliteJdbc.totalChanges(connection), "DDL changes no rows");
        }
    }

    @Test
    void declaredTypesOfTableColumnsAndNoneForExpressions() throws SQLException {
        try (Connection connection = open("types.db")) {
            execute(connection, "CREATE TABLE t (a VARCHAR(10), b BIGINT)");
            try (PreparedStatement statement = connection.prepareStatement("SELECT a, b, a || 'x' FROM t")) {
                assertEquals("VARCHAR(10)", SqliteJdbc.declaredType(statement, 0));
                assertEquals("BIGINT", SqliteJdbc.declaredType(statement, 1));
                assertNull(SqliteJdbc.declaredType(statement, 2));
            }
        }
    }

    /** The busy handler is called on the thread that meets the lock, with its attempts counted, until it says stop. */
    @Test
    void theSchemaCookieGrowsWithEveryCommittedSchemaChangeOfAnyConnectionAndAStepStopsAtARefusal()
            throws SQLException {
        try (Connection connection = open("cookie.db"); Connection other = open("cookie.db");
                PreparedStatement pragma = connection.prepareStatement("PRAGMA schema_version")) {
            long empty = SqliteJdbc.schemaVersion(pragma);
            execute(connection, "CREATE TABLE t (v INTEGER)");
            long created = SqliteJdbc.schemaVersion(pragma);
            assertTrue(created > empty, created + " after " + empty);
            assertEquals(created, SqliteJdbc.schemaVersion(pragma), "read again, unchanged");
            execute(other, "ALTER TABLE t RENAME COLUMN v TO w");
            long renamed = SqliteJdbc.schemaVersion(pragma);
            assertTrue(renamed > created, renamed + " after " + created);
            execute(connection, "BEGIN");
            execute(connection, "DROP TABLE t");
            assertTrue(SqliteJdbc.schemaVersion(pragma) > renamed, "inside the transaction that changed it");
            execute(connection, "ROLLBACK");
            assertEquals(renamed, SqliteJdbc.schemaVersion(pragma), "rolled back");
            SqliteJdbc.setProgressHandler(connection, 1, () -> true);
            SQLException stopped = assertThrows(SQLException.class, () -> SqliteJdbc.schemaVersion(pragma));
            assertEquals(SqliteResultCodes.SQLITE_INTERRUPT, SqliteJdbc.extendedCode(stopped) & 0xff);
        }
    }

    @Test
    void theBusyHandlerDecidesHowLongToWaitForALock() throws SQLException {
        try (Connection holder = open("busy.db"); Connection waiter = open("busy.db")) {
            execute(holder, "CREATE TABLE t (v INTEGER)");
            List<Integer> attempts = new CopyOnWriteArrayList<>();
            List<Thread> threads = new CopyOnWriteArrayList<>();
            SqliteJdbc.setBusyHandler(waiter, attempt -> {
                attempts.add(attempt);
                threads.add(Thread.currentThread());
                return attempt < 3;
            });
            execute(holder, "BEGIN IMMEDIATE");
            SQLException busy = assertThrows(SQLException.class, () -> execute(waiter, "INSERT INTO t VALUES (1)"));
            assertEquals(5, SqliteJdbc.extendedCode(busy) & 0xff, busy.getMessage()); // SQLITE_BUSY
            assertEquals(List.of(0, 1, 2, 3), attempts);
            assertTrue(threads.stream().allMatch(t -> t == Thread.currentThread()), threads.toString());
            execute(holder, "COMMIT");
            execute(waiter, "INSERT INTO t VALUES (1)");
        }
    }

    /** Interrupting from another thread stops the statement that runs, with SQLITE_INTERRUPT. */
    @Test
    void interruptStopsTheRunningStatementFromAnotherThread() throws Exception {
        try (Connection connection = open("interrupt.db")) {
            CountDownLatch running = new CountDownLatch(1);
            Function.create(connection, "running", new Function() {
                @Override
                protected void xFunc() throws SQLException {
                    running.countDown();
                    result(1);
                }
            });
            CompletableFuture<SQLException> failure = CompletableFuture.supplyAsync(() -> {
                try (Statement statement = connection.createStatement();
                        ResultSet rows = statement.executeQuery("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
                                + " SELECT i + 1 FROM n) SELECT count(*) FROM n WHERE running() = 1")) {
                    rows.next();
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            assertTrue(running.await(30, TimeUnit.SECONDS), "the statement started");
            SqliteJdbc.interrupt(connection);
            SQLException interrupted = failure.get(30, TimeUnit.SECONDS);
            assertEquals(9, SqliteJdbc.extendedCode(interrupted), String.valueOf(interrupted)); // SQLITE_INTERRUPT
        }
    }
}
