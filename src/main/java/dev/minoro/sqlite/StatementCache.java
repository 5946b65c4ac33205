package dev.minoro.sqlite;

import dev.minoro.sqlite.internal.BoundSql;
import dev.minoro.sqlite.internal.SqliteColumnMetadata;
import dev.minoro.sqlite.internal.SqliteResultCodes;
import dev.minoro.sqlite.internal.SqliteRowMetadata;
import dev.minoro.sqlite.internal.SqliteValues;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The prepared statements of one lane's JDBC connection, kept after use to run again, as r2dbc-postgresql's
 * {@code preparedStatementCacheQueries} keeps its server-side statements: a statement run often is compiled
 * by SQLite once per lane, not once per call. Its columns' metadata is kept with it while SQLite's schema cookie
 * says the schema is the one they were described under (see {@link Prepared#columns}).
 *
 * <p>Only statements whose shape the schema cannot change are kept ({@link BoundSql#reusable()}: read-only queries
 * and data changes without a {@code *} such as {@code SELECT *} or {@code RETURNING *}); SQLite compiles a kept
 * statement again by itself when the schema changes. A statement that may change the schema, run on the lane,
 * empties the cache. At most {@code capacity} idle statements are kept, the least recently used closed first; a
 * statement in use (its rows being read) is out of the cache, so that a second use of the same SQL meanwhile gets a
 * statement of its own.
 *
 * <p>Only on the lane's worker, like the connection it prepares on, except {@link #interrupted()}: nothing else here
 * is synchronized.
 */
final class StatementCache {

    private static final long UNKNOWN = -1;

    /**
     * The size (chars of a String, bytes of a byte[]) above which a kept statement's bound value is freed in SQLite
     * too when the statement goes back to the cache, at the cost of a compilation at its next run (see
     * {@link Prepared#release}); smaller values stay in SQLite until the next run binds over them.
     */
    static final int LARGE_VALUE = 4096;

    private final int capacity;
    private final LinkedHashMap<String, Prepared> idle = new LinkedHashMap<>(16, 0.75f, true);
    private final LongAdder prepared;
    private final LongAdder reused;
    private volatile int interrupts; // counted by any thread, under its lane's guard
    private int interruptsSeen; // only on the worker
    private @Nullable PreparedStatement schemaVersionQuery; // PRAGMA schema_version, prepared at its first use
    private boolean ownSchemaChange; // the lane ran a schema change that a transaction may still roll back
    private int activeWrites; // data changes that gave rows not all read yet, and are not released or closed

    /**
     * @param capacity the most idle statements kept; 0 keeps none
     * @param prepared counts each statement prepared
     * @param reused   counts each run of a kept statement
     */
    StatementCache(int capacity, LongAdder prepared, LongAdder reused) {
        this.capacity = capacity;
        this.prepared = prepared;
        this.reused = reused;
    }

    /**
     * A statement of {@code step}'s SQL with {@code step}'s values bound, as {@link #take} gives it. A statement that
     * may change the schema empties the cache first: SQLite would compile the kept statements again itself, but those
     * of a dropped table or index are of no more use, and a lane that changes its schema is rarely a hot one.
     */
    Prepared bound(Connection jdbc, BoundSql step) throws SQLException {
        if (step.part().schemaChange()) {
            clear();
            ownSchemaChange = true;
        }
        Prepared prepared = take(jdbc, step);
        try {
            Object[] values = step.values();
            boolean large = false;
            for (int i = 0; i < values.length; i++) {
                bind(prepared.statement, i + 1, values[i]);
                large |= isLarge(values[i]);
            }
            prepared.boundValues = values.length;
            prepared.largeValues = large;
        } catch (SQLException | RuntimeException e) {
            prepared.close();
            throw e;
        }
        return prepared;
    }

    /**
     * A statement of {@code step}'s SQL ready to bind: a kept one, or one prepared now. Its user gives it back with
     * {@link Prepared#release(ResultSet, boolean)} when done, or {@link Prepared#close()} after a failure.
     */
    Prepared take(Connection jdbc, BoundSql step) throws SQLException {
        int interruptsNow = interrupts;
        boolean reusable = capacity > 0 && step.reusable();
        if (reusable) {
            Prepared kept = idle.remove(step.sql());
            if (kept != null) {
                reused.increment();
                kept.interruptsAtTake = interruptsNow;
                return kept;
            }
        }
        PreparedStatement statement = prepare(jdbc, step.sql());
        prepared.increment();
        try {
            int expected = step.part().parameterCount();
            int actual = statement.getParameterMetaData().getParameterCount();
            if (actual != expected) {
                throw new R2dbcNonTransientResourceException("SQLite counts " + actual + " parameters in this statement"
                        + " where the driver counted " + expected + "; bind by index with ?NNN placeholders", null, 0,
                        step.sql());
            }
        } catch (Throwable e) {
            closeQuietly(statement);
            throw e;
        }
        return new Prepared(step.sql(), statement, reusable, step.part().dataChange(), interruptsNow);
    }

    /**
     * {@code sqlite3_interrupt} was called on the lane's connection: statements kept or in use now are closed, not
     * kept, when next seen on the worker. From any thread, under the lane's guard.
     */
    void interrupted() {
        interrupts++;
    }

    /**
     * Closes the kept statements if the connection was interrupted since the last call: SQLite may go on failing
     * every statement of the connection with SQLITE_INTERRUPT while statements that ran before the interrupt stay
     * open. On the worker, before each task.
     */
    void closeIfInterrupted() {
        int interruptsNow = interrupts;
        if (interruptsNow != interruptsSeen) {
            clear();
            interruptsSeen = interruptsNow;
        }
    }

    /** Closes every idle statement: the schema may have changed, or the connection is closing. */
    void clear() {
        for (Iterator<Prepared> each = idle.values().iterator(); each.hasNext();) {
            Prepared prepared = each.next();
            each.remove();
            closeQuietly(prepared.statement);
        }
        PreparedStatement pragma = schemaVersionQuery;
        if (pragma != null) {
            schemaVersionQuery = null;
            closeQuietly(pragma);
        }
    }

    /**
     * Whether a schema change the lane ran may still be rolled back: its transaction is still open. Columns described
     * meanwhile are not kept, as the cookie they were described under goes back with a rollback, and a later change
     * by another connection could bring it to that same value over another schema. Asked only after the lane ran
     * one, until its transaction has ended (SQLite lets a pending read go on through the probe's ROLLBACK, which
     * changes no schema). Not probed while a data change that gives rows is running on the connection (its
     * {@code RETURNING} rows being read): in auto-commit SQLite accepts the probe's {@code BEGIN}, and its
     * {@code ROLLBACK} would undo that statement's changes; the answer stays "open" until a probe can be sent.
     */
    private boolean ownSchemaChangeOpen(Connection jdbc) throws SQLException {
        if (ownSchemaChange && activeWrites == 0 && !SqliteJdbc.inTransaction(jdbc)) {
            ownSchemaChange = false;
        }
        return ownSchemaChange;
    }

    /**
     * The schema cookie for a statement's columns, read now on the lane's connection; {@link #UNKNOWN} when a data
     * change's read fails, which then keeps no columns rather than failing a write that has been made (an
     * interrupt meant for the call can land on this read after the write's first step; one that lands on the
     * write's own next step still fails it and undoes it).
     */
    private long schemaVersion(Connection jdbc, boolean write) throws SQLException {
        if (!write) {
            return schemaVersion(jdbc);
        }
        try {
            return schemaVersion(jdbc);
        } catch (SQLException e) {
            return UNKNOWN;
        }
    }

    /** The schema cookie as the lane's connection reads it now; see {@link SqliteJdbc#schemaVersion}. */
    private long schemaVersion(Connection jdbc) throws SQLException {
        PreparedStatement pragma = schemaVersionQuery;
        if (pragma == null) {
            pragma = jdbc.prepareStatement("PRAGMA schema_version");
            schemaVersionQuery = pragma;
        }
        return SqliteJdbc.schemaVersion(pragma);
    }

    /**
     * Whether SQLite's copy of a bound value is large enough to free when its statement is kept: more than
     * {@value #LARGE_VALUE} chars or bytes.
     */
    private static boolean isLarge(Object value) {
        return value instanceof String && ((String) value).length() > LARGE_VALUE
                || value instanceof byte[] && ((byte[]) value).length > LARGE_VALUE;
    }

    /** Binds one value, in one of {@link SqliteValues}' bound forms, to parameter {@code parameter} (from 1). */
    private static void bind(PreparedStatement statement, int parameter, Object value) throws SQLException {
        if (value == SqliteValues.NULL) {
            statement.setNull(parameter, Types.NULL);
        } else if (value instanceof Long) {
            statement.setLong(parameter, (Long) value);
        } else if (value instanceof Double) {
            statement.setDouble(parameter, (Double) value);
        } else if (value instanceof String) {
            statement.setString(parameter, (String) value);
        } else if (value instanceof byte[]) {
            statement.setBytes(parameter, (byte[]) value);
        } else {
            throw new IllegalStateException("unresolved value of " + value.getClass().getName() + " for parameter ?"
                    + parameter);
        }
    }

    /**
     * Prepares {@code sql}. SQLite compiles against the schema it last read and checks the schema only when a
     * statement starts, so a table that another connection changed can fail to compile with a stale error
     * (such as "table t has 2 columns but 1 values were supplied"); after an SQLITE_ERROR, reading the schema
     * table (which checks the schema cookie) drops a stale schema, and the statement is prepared once more.
     */
    private static PreparedStatement prepare(Connection jdbc, String sql) throws SQLException {
        try {
            return jdbc.prepareStatement(sql);
        } catch (SQLException e) {
            if ((SqliteJdbc.extendedCode(e) & 0xff) != SqliteResultCodes.SQLITE_ERROR) {
                throw e;
            }
            try (Statement refresh = jdbc.createStatement();
                    ResultSet schema = refresh.executeQuery("SELECT 1 FROM sqlite_master LIMIT 1")) {
                while (schema.next()) {
                    // reading the schema table checks the schema cookie, which drops a stale schema
                }
            }
            return jdbc.prepareStatement(sql);
        }
    }

    private static void closeQuietly(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException e) {
            // the statement is finalized either way
        }
    }

    /** One prepared statement, taken from the cache (or made) for one run. */
    final class Prepared {

        private final String sql;
        final PreparedStatement statement;
        private final boolean reusable;
        private final boolean write; // a data change (SqlScript.Part#dataChange)
        private boolean activeWrite; // a data change that gave rows, counted in activeWrites until it ended
        private int interruptsAtTake; // only on the worker
        private @Nullable SqliteRowMetadata columns; // of a kept statement, described under the cookie below
        private long columnsSchemaVersion = UNKNOWN; // the schema cookie the kept columns were described under
        private long runSchemaVersion = UNKNOWN; // the schema cookie this run was compiled under, when read
        private boolean expressions; // a column without a declared type was seen: the columns are never kept
        private @Nullable ResultSet lastRows; // the statement's result at its last run (sqlite-jdbc reuses one)
        private String @Nullable [] columnNames; // as sqlite-jdbc read them for that result
        private int boundValues; // how many values this run bound
        private boolean largeValues; // one of them is large (see LARGE_VALUE)

        private Prepared(String sql, PreparedStatement statement, boolean reusable, boolean write,
                int interruptsAtTake) {
            this.sql = sql;
            this.statement = statement;
            this.reusable = reusable;
            this.write = write;
            this.interruptsAtTake = interruptsAtTake;
        }

        /** The statement's run has ended (its rows all read, or released or closed): no longer a running write. */
        private void ended() {
            if (activeWrite) {
                activeWrite = false;
                activeWrites--;
            }
        }

        /**
         * Done with the statement: a write of an auto-commit run whose RETURNING rows were not all read is stepped
         * through them first ({@link #stepToEnd}); then the statement is reset (ending the read it may hold open),
         * its bound values dropped, and it is kept for the next run of its SQL, or closed when it is not to be kept,
         * the connection was interrupted since it was taken, or the cache is full. The values are dropped from
         * sqlite-jdbc only ({@link SqliteJdbc#dropBoundValues}), not with {@code clearParameters()}: SQLite's
         * {@code sqlite3_clear_bindings} would make it compile the statement again at its next run whenever its plan
         * read a bound value, as a join's does, and that compilation cost more than the rest of the run. Only a
         * large value ({@link #LARGE_VALUE}) is cleared in SQLite too, so that an idle statement does not hold it.
         *
         * @param rows       the rows of its run, or null when it had none
         * @param autoCommit whether it ran in auto-commit mode, outside a transaction
         */
        void release(@Nullable ResultSet rows, boolean autoCommit) {
            if (activeWrite && rows != null && autoCommit && interruptsAtTake == interrupts) {
                stepToEnd(rows);
            }
            ended();
            if (!reusable || interruptsAtTake != interrupts) {
                closeQuietly(statement);
                return;
            }
            try {
                if (rows != null) {
                    rows.close();
                }
                SqliteJdbc.reset(statement);
                if (largeValues) {
                    statement.clearParameters();
                } else {
                    SqliteJdbc.dropBoundValues(statement, boundValues);
                }
            } catch (SQLException e) {
                closeQuietly(statement);
                return;
            }
            Prepared other = idle.put(sql, this);
            if (other != null) {
                // the same SQL ran twice at once: keep one
                closeQuietly(other.statement);
            }
            if (idle.size() > capacity) {
                Iterator<Map.Entry<String, Prepared>> eldest = idle.entrySet().iterator();
                Prepared evicted = eldest.next().getValue();
                eldest.remove();
                closeQuietly(evicted.statement);
            }
        }

        /**
         * Runs the statement up to its first row: its rows, or null for a statement that gives none (not a query).
         * For a statement that may keep its columns and whose run has a row, the schema cookie is read while that
         * row holds the run's read transaction open: exactly the schema the run was compiled under, for
         * {@link #columns}. A kept statement's result opens with the column names sqlite-jdbc read at its last run.
         */
        @Nullable ResultSet execute() throws SQLException {
            runSchemaVersion = UNKNOWN;
            if (!statement.execute()) {
                return null;
            }
            if (write && !activeWrite) {
                activeWrite = true;
                activeWrites++;
            }
            ResultSet previous = lastRows;
            String @Nullable [] names = columnNames;
            if (reusable && previous != null && names != null) {
                // the columns are named in the SQL: their count is the last run's (see SqliteJdbc.reuseColumnNames)
                SqliteJdbc.reuseColumnNames(previous, names);
            }
            ResultSet rows = statement.getResultSet();
            if (reusable) {
                lastRows = rows;
                columnNames = SqliteJdbc.columnNames(rows);
            }
            if (reusable && !expressions && rows.isBeforeFirst()) {
                runSchemaVersion = schemaVersion(statement.getConnection(), write);
            }
            return rows;
        }

        /**
         * The columns of the rows this run returns, after {@link #execute}. SQLite compiles a kept statement again
         * after a schema change, by this connection or another, so a kept statement keeps them from run to run
         * only while the schema is the one they were described under, which the schema cookie
         * ({@code PRAGMA schema_version}) tells: SQLite raises it at every committed schema change, including a
         * table made again with the same types and other NOT NULL constraints (SQLite's only way to change those).
         * Columns are kept with the cookie read inside their run (see {@link #execute}); a run without rows reads it
         * after, which is at least the one it was compiled under, and uses the kept columns only when that is
         * theirs. A schema change run on the lane itself empties the cache (see {@link #bound}), and columns
         * described before its transaction has ended are not kept, so a change that the lane rolled back cannot
         * leave kept columns whose cookie another change brings back over another schema. Columns of
         * expressions (no declared type) are typed by the first row's value, so a statement with one is described
         * again at each run.
         *
         * @param first the first row's values, or null when there are no rows
         */
        SqliteRowMetadata columns(ResultSet rows, @Nullable Object @Nullable [] first) throws SQLException {
            if (activeWrite && rows.isAfterLast()) {
                // its rows are all read: SQLite has ended the write, which the probe can no longer undo
                ended();
            }
            SqliteRowMetadata kept = columns;
            if (kept != null) {
                long schema = runSchemaVersion != UNKNOWN ? runSchemaVersion
                        : schemaVersion(statement.getConnection(), write);
                if (schema != UNKNOWN && schema == columnsSchemaVersion) {
                    return kept;
                }
            }
            ResultSetMetaData meta = rows.getMetaData();
            int count = meta.getColumnCount();
            List<SqliteColumnMetadata> described = new ArrayList<>(count);
            boolean allDeclared = true;
            for (int i = 1; i <= count; i++) {
                String declared = SqliteJdbc.declaredType(statement, i - 1);
                allDeclared &= declared != null;
                String table = meta.getTableName(i);
                Nullability nullability = Nullability.UNKNOWN;
                if (table != null && !table.isEmpty()) {
                    int nullable = meta.isNullable(i);
                    nullability = nullable == ResultSetMetaData.columnNoNulls ? Nullability.NON_NULL
                            : nullable == ResultSetMetaData.columnNullable ? Nullability.NULLABLE : Nullability.UNKNOWN;
                }
                described.add(SqliteColumnMetadata.of(meta.getColumnLabel(i), declared, nullability,
                        first == null ? null : first[i - 1]));
            }
            expressions |= !allDeclared;
            SqliteRowMetadata metadata = new SqliteRowMetadata(described);
            if (allDeclared && runSchemaVersion != UNKNOWN && !ownSchemaChangeOpen(statement.getConnection())) {
                columns = metadata;
                columnsSchemaVersion = runSchemaVersion;
            } else {
                columns = null;
            }
            return metadata;
        }

        /**
         * Reads the RETURNING rows of an auto-commit write that its caller left (it cancelled, or took fewer than
         * there are), so that the write ends, and commits, in a step: SQLite checkpoints the write-ahead log into
         * the database file (once the log has grown past {@code wal_autocheckpoint} pages) after a write that ends
         * in a step, never after one that a reset ends, and a program whose writes all ended in the reset that
         * gives the statement back would grow the log without bound. SQLite ran the write at its first step and
         * keeps the rows it returns in a temporary table, so stepping through them costs no more than reading them.
         * Not done after an interrupt reached the connection since the statement was taken (the caller cancelled
         * while it ran): SQLite fails the next step of a statement an interrupt reached and rolls the write back,
         * where the reset commits it as before this step existed; the next write that ends in a step checkpoints
         * the whole log. Not done in a transaction either, whose COMMIT ends in a step. A step that fails anyway
         * (an interrupt that came during it) has ended the write, rolled back: the caller had cancelled it.
         */
        private static void stepToEnd(ResultSet rows) {
            try {
                while (rows.next()) {
                    // the rows are the caller's, who no longer wants them
                }
            } catch (SQLException e) {
                // ended below
            }
        }

        /** Closes the statement for good: after a failure, whatever state it was left in. */
        void close() {
            ended();
            closeQuietly(statement);
        }
    }
}
