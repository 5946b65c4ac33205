package dev.minoro.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.sqlite.BusyHandler;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.core.CoreResultSet;
import org.sqlite.core.CoreStatement;
import org.sqlite.jdbc4.JDBC4Connection;

/**
 * Everything the driver uses of sqlite-jdbc beyond {@code java.sql}: its connection class, its native handle's
 * calls (interrupt, change counts, declared types, the schema cookie, statement reset, the busy and progress
 * handlers), the column names its results read, when it binds values, its result codes, and the transaction state
 * its auto-commit mode may leave behind ({@link #rollbackQuietly}, {@link #inTransaction}). Review this class, and
 * run its test ({@code SqliteJdbcIntegrationTests}), on every sqlite-jdbc upgrade: nothing else in the driver names
 * {@code org.sqlite}.
 *
 * <p>Every call here is a JDBC call on a lane's worker, except {@link #interrupt}, which SQLite allows from any
 * thread, and {@link #extendedCode}, which reads an exception.
 */
final class SqliteJdbc {

    private static final int SQLITE_ROW = 100;

    private SqliteJdbc() {
    }

    /**
     * Opens a JDBC connection to {@code database}, a file path or {@code :memory:}, read-only if asked (then SQLite
     * refuses writes with SQLITE_READONLY). The connection is made directly, not through {@code DriverManager},
     * whose driver lookup may scan the class path.
     */
    static Connection open(String database, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        // The driver returns generated values with RETURNING; sqlite-jdbc's own generated keys would match a regex
        // against the SQL at every execute, and run SELECT last_insert_rowid() after every INSERT.
        config.setGetGeneratedKeys(false);
        if (readOnly) {
            config.setReadOnly(true);
        }
        Properties properties = config.toProperties();
        return new JDBC4Connection("jdbc:sqlite:" + database, database, properties);
    }

    /** SQLite's busy handler ({@code sqlite3_busy_handler}), called on the thread of the JDBC call that met a lock. */
    @FunctionalInterface
    interface BusyCallback {

        /** Whether to try for the lock again; {@code attempts} counts the calls for this lock, from 0. */
        boolean tryAgain(int attempts);
    }

    /**
     * Installs {@code callback} as the connection's busy handler, in place of SQLite's {@code busy_timeout} (which
     * {@code PRAGMA busy_timeout} would set again, replacing it).
     */
    static void setBusyHandler(Connection connection, BusyCallback callback) throws SQLException {
        BusyHandler.setHandler(connection, new BusyHandler() {
            @Override
            protected int callback(int attempts) {
                return callback.tryAgain(attempts) ? 1 : 0;
            }
        });
    }

    /**
     * Installs SQLite's progress handler ({@code sqlite3_progress_handler}): every {@code instructions} virtual
     * machine instructions of a statement running on {@code connection}, on that statement's thread, {@code stop} is
     * asked, and true ends the statement with SQLITE_INTERRUPT. Unlike {@link #interrupt}, which SQLite ignores
     * when no statement is running yet, this also stops a statement that starts after its stop was asked.
     */
    static void setProgressHandler(Connection connection, int instructions, LockWait.StopSignal stop)
            throws SQLException {
        ProgressHandler.setHandler(connection, instructions, new ProgressHandler() {
            @Override
            protected int progress() {
                return stop.stopped() ? 1 : 0;
            }
        });
    }

    /**
     * SQLite's {@code sqlite3_interrupt}: the statement running on {@code connection} stops with SQLITE_INTERRUPT.
     * Safe from any thread while the connection is open; it only sets a flag.
     */
    static void interrupt(Connection connection) throws SQLException {
        ((SQLiteConnection) connection).getDatabase().interrupt();
    }

    /**
     * SQLite's {@code sqlite3_total_changes}: rows changed by INSERT, UPDATE and DELETE since the connection opened.
     */
    static long totalChanges(Connection connection) throws SQLException {
        return ((SQLiteConnection) connection).getDatabase().total_changes();
    }

    /**
     * SQLite's {@code sqlite3_changes}: rows changed by the connection's last INSERT, UPDATE or DELETE, kept through
     * later statements of other kinds (DDL, SELECT).
     */
    static long changes(Connection connection) throws SQLException {
        return ((SQLiteConnection) connection).getDatabase().changes();
    }

    /**
     * The rows changed by the statement that ran since {@link #totalChanges} read {@code totalBefore}:
     * {@link #changes} keeps the count of the last INSERT, UPDATE or DELETE even after DDL or a query, so it is
     * trusted only when the total moved.
     */
    static long changesSince(Connection connection, long totalBefore) throws SQLException {
        return totalChanges(connection) == totalBefore ? 0 : changes(connection);
    }

    /**
     * SQLite's {@code sqlite3_column_decltype}: the declared type of result column {@code column} (from 0) of a
     * prepared statement, as written in its table's definition; null for an expression.
     */
    static @Nullable String declaredType(PreparedStatement statement, int column) throws SQLException {
        if (!(statement instanceof CoreStatement)) {
            return null;
        }
        return ((CoreStatement) statement).pointer.safeRun((db, pointer) -> db.column_decltype(pointer, column));
    }

    /**
     * SQLite's schema cookie ({@code PRAGMA schema_version}) as the connection reads it now, with {@code pragma}, a
     * prepared {@code PRAGMA schema_version} of that connection: stepped once and reset through the native handle,
     * without a result set. SQLite adds to it with every schema change, so a statement compiled after one reading
     * and run before another that gives the same value was compiled against that schema.
     *
     * @throws SQLException when SQLite answers the step with no row (such as SQLITE_INTERRUPT), with its code
     */
    static long schemaVersion(PreparedStatement pragma) throws SQLException {
        return ((CoreStatement) pragma).pointer.safeRunLong((db, pointer) -> {
            try {
                int code = db.step(pointer);
                if (code != SQLITE_ROW) {
                    throw new SQLiteException("PRAGMA schema_version answered with result code " + code,
                            SQLiteErrorCode.getErrorCode(code));
                }
                return db.column_long(pointer, 0);
            } finally {
                db.reset(pointer);
            }
        });
    }

    /**
     * The column names sqlite-jdbc read when {@code rows} opened, or null for a result that is not sqlite-jdbc's.
     * sqlite-jdbc reads every name (a native call and a decoded String per column) each time a statement's result
     * opens, and uses them only to count the columns and find one by name; {@link #reuseColumnNames} gives them
     * back to the next run of a kept statement.
     */
    static String @Nullable [] columnNames(ResultSet rows) {
        return rows instanceof CoreResultSet ? ((CoreResultSet) rows).colsMeta : null;
    }

    /**
     * Gives {@code names}, read at the last run of the statement {@code rows} belongs to, to its result before
     * {@code getResultSet()} opens it again (sqlite-jdbc keeps one result object per statement, and reads the names
     * only when it has none): only for a statement whose columns are named in its text, whose count the schema
     * cannot change. The names a result reports ({@code getColumnName}, {@code getColumnLabel}) are still read
     * from SQLite; these serve its column count.
     */
    static void reuseColumnNames(ResultSet rows, String[] names) {
        if (rows instanceof CoreResultSet) {
            ((CoreResultSet) rows).colsMeta = names;
        }
    }

    /**
     * SQLite's {@code sqlite3_reset} on a prepared statement, to run it again: it ends the statement's run, which
     * sqlite-jdbc leaves open after a statement without rows, so that the statement no longer counts as active
     * (SQLite clears an interrupt only once no statement of the connection is active). A statement that is not
     * sqlite-jdbc's is left as it is.
     */
    static void reset(PreparedStatement statement) throws SQLException {
        if (statement instanceof CoreStatement) {
            ((CoreStatement) statement).pointer.safeRunInt((db, pointer) -> db.reset(pointer));
        }
    }

    /**
     * Drops the values bound to {@code statement}'s first {@code count} parameters from sqlite-jdbc, which binds them
     * in SQLite only when the statement runs and holds them until then; SQLite keeps its copies of the last run's
     * values until the next run binds over them, or the statement closes. Unlike {@code clearParameters()}, this does
     * not call SQLite's {@code sqlite3_clear_bindings}, which marks a statement whose plan read a bound value (its
     * {@code expmask}: a join, a {@code LIKE}) as expired, so that SQLite compiles it again at its next run.
     */
    static void dropBoundValues(PreparedStatement statement, int count) throws SQLException {
        for (int parameter = 1; parameter <= count; parameter++) {
            statement.setNull(parameter, Types.NULL);
        }
    }

    /**
     * Rolls back the transaction open on {@code connection}, if any; quietly, as none is the usual case. sqlite-jdbc
     * ends each statement it runs in JDBC auto-commit mode with a {@code begin;} and a {@code commit;} of its own
     * ({@code DB.ensureAutoCommit}). When SQLite stops the {@code begin;} at its end (it has begun by then) or the
     * {@code commit;}, as a lane's progress handler does for a cancelled call, sqlite-jdbc leaves that
     * transaction open, silently for the {@code begin;}. The lane's next lessee would then meet "cannot start a
     * transaction within a transaction", or have its writes held uncommitted.
     */
    static void rollbackQuietly(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("ROLLBACK");
        } catch (SQLException e) {
            // no transaction was open
        }
    }

    /**
     * Whether a transaction is open on {@code connection}, found by sending {@code BEGIN}: SQLite refuses it inside
     * one (sqlite-jdbc has no {@code sqlite3_get_autocommit}); the transaction it begins otherwise is rolled back.
     * Also true when SQLite refuses the {@code BEGIN} for another reason, as nothing is known then.
     */
    static boolean inTransaction(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            try {
                statement.execute("BEGIN");
            } catch (SQLException refused) {
                return true;
            }
            statement.execute("ROLLBACK");
            return false;
        }
    }

    /**
     * SQLite's extended result code of {@code error}, such as 2067 for SQLITE_CONSTRAINT_UNIQUE: sqlite-jdbc keeps it
     * in the exception's result code, and only the primary code in its error code.
     */
    static int extendedCode(SQLException error) {
        if (error instanceof SQLiteException) {
            SQLiteErrorCode result = ((SQLiteException) error).getResultCode();
            if (result != null && result != SQLiteErrorCode.UNKNOWN_ERROR) {
                return result.code;
            }
        }
        return error.getErrorCode();
    }
}
