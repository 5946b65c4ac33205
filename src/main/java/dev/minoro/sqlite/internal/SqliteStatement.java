package dev.minoro.sqlite.internal;

import io.r2dbc.spi.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * A statement of either SQLite driver: one SQL statement with {@code ?}, {@code ?NNN}, {@code :name},
 * {@code @name} or {@code $name} parameters, or a script of several statements without parameters.
 *
 * <p>Index {@code i} of {@link #bind(int, Object)} is SQLite's parameter number {@code i + 1}, so
 * {@code ?1 … ?n} bind with {@code bind(0 … n-1)}, and a number used twice takes one value. Names bind with
 * or without their prefix ({@code bind("id", …)} or {@code bind(":id", …)}). Values are checked and converted
 * when bound, on the caller's thread, by the driver's {@link BindingRules}.
 *
 * <p>A script (statements separated by {@code ;}, as in a migration) runs its statements in order and
 * emits one result per statement: DDL reports 0 rows updated, DML its count, a query its rows. How and where
 * they run is the driver's {@link SqlRunner}.
 */
final class SqliteStatement implements Statement {

    private final SqlScript script;
    private final BindingRules rules;
    private final SqlRunner runner;
    private final List<@Nullable Object[]> bindings = new ArrayList<>();
    private final int parameterCount;
    private @Nullable Object[] current;
    private int fetchSize;
    private String @Nullable [] generatedColumns;

    /**
     * @throws IllegalArgumentException when {@code sql} is null, holds no statement, binds parameters in a script
     *                                  of several statements, or has parameters that {@code rules} refuse
     */
    SqliteStatement(String sql, BindingRules rules, SqlRunner runner) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        this.script = SqlScript.parse(sql);
        this.rules = rules;
        this.runner = runner;
        if (script.statements().isEmpty()) {
            throw new IllegalArgumentException("sql must hold a statement, was only white space and comments: '"
                    + sql + "'");
        }
        if (script.statements().size() > 1 && script.hasParameters()) {
            throw new IllegalArgumentException("parameters can be bound to a single SQL statement only; this SQL holds "
                    + script.statements().size() + " statements");
        }
        SqlScript.Part part = script.statements().get(0);
        rules.check(part);
        this.parameterCount = part.parameterCount();
        this.current = new Object[parameterCount];
    }

    @Override
    public SqliteStatement add() {
        requireComplete(current);
        bindings.add(current);
        current = new Object[parameterCount];
        return this;
    }

    @Override
    public SqliteStatement bind(int index, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("value bound to parameter " + (index + 1)
                    + " must not be null; use bindNull");
        }
        checkIndex(index);
        current[index] = rules.bindable(value, "?" + (index + 1));
        return this;
    }

    @Override
    public SqliteStatement bind(String name, Object value) {
        int index = indexOf(name);
        if (value == null) {
            throw new IllegalArgumentException("value bound to parameter " + name + " must not be null; use bindNull");
        }
        current[index] = rules.bindable(value, name);
        return this;
    }

    @Override
    public SqliteStatement bindNull(int index, Class<?> type) {
        SqliteValues.checkNullType(type, "?" + (index + 1));
        checkIndex(index);
        current[index] = SqliteValues.NULL;
        return this;
    }

    @Override
    public SqliteStatement bindNull(String name, Class<?> type) {
        int index = indexOf(name);
        SqliteValues.checkNullType(type, name);
        current[index] = SqliteValues.NULL;
        return this;
    }

    /**
     * Makes an INSERT, UPDATE, DELETE or REPLACE emit the rows it changed: the driver appends
     * {@code RETURNING} with the given columns (quoted), or {@code RETURNING *} when none are given, as SQLite
     * 3.35 and later run it.
     *
     * @throws IllegalStateException when the SQL is not a single such statement, or has its own RETURNING
     */
    @Override
    public SqliteStatement returnGeneratedValues(String... columns) {
        if (columns == null) {
            throw new IllegalArgumentException("columns must not be null");
        }
        SqlScript.Part part = script.statements().get(0);
        if (script.statements().size() != 1 || !part.dataChange() || part.returning()) {
            throw new IllegalStateException("returnGeneratedValues needs a single INSERT, UPDATE, DELETE or REPLACE"
                    + " statement without a RETURNING clause of its own");
        }
        for (String column : columns) {
            if (column == null || column.isBlank()) {
                throw new IllegalArgumentException("column names must not be null or blank, were "
                        + Arrays.toString(columns));
            }
        }
        this.generatedColumns = columns.clone();
        return this;
    }

    /**
     * Rows read per batch while a result streams; 0 (the default) leaves it to the driver. The libSQL driver
     * receives all of a statement's rows in one response, and accepts it without effect.
     */
    @Override
    public SqliteStatement fetchSize(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("fetchSize must be >= 0, was " + rows);
        }
        this.fetchSize = rows;
        return this;
    }

    /**
     * A cold Flux that runs the statement once per set of bindings (or the script once), emitting one result for
     * each SQL statement and set of bindings, each when the subscriber asks for it.
     *
     * @throws IllegalStateException when a parameter is not bound, or {@link #add()} was called after the last
     *                               bindings (thrown here, at once, not signalled)
     */
    @Override
    public Flux<SqliteResult> execute() {
        List<@Nullable Object[]> sets = new ArrayList<>(bindings);
        if (parameterCount == 0 || bindings.isEmpty() || isPartlyBound(current)) {
            requireComplete(current);
            sets.add(current);
        } else {
            throw new IllegalStateException("add() was called after the last set of bindings: bind values for"
                    + " another execution or drop the trailing add()");
        }
        List<BoundSql> statements = new ArrayList<>();
        if (script.statements().size() > 1) {
            for (SqlScript.Part part : script.statements()) {
                statements.add(BoundSql.of(part));
            }
        } else {
            SqlScript.Part part = script.statements().get(0);
            String sql = generatedColumns == null ? part.sql()
                    : part.sql() + "\nRETURNING " + returning(generatedColumns);
            for (@Nullable Object[] set : sets) {
                statements.add(new BoundSql(sql, part, set.clone()));
            }
        }
        return runner.run(statements, script.readOnly() && generatedColumns == null, fetchSize);
    }

    private static String returning(String[] columns) {
        if (columns.length == 0) {
            return "*";
        }
        StringBuilder sql = new StringBuilder();
        for (String column : columns) {
            if (sql.length() > 0) {
                sql.append(", ");
            }
            sql.append(SqlScript.quote(column));
        }
        return sql.toString();
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= parameterCount) {
            throw new IndexOutOfBoundsException("parameter index " + index + " is out of range: the statement has "
                    + parameterCount + (parameterCount == 1 ? " parameter" : " parameters")
                    + " (index i binds ?i+1)");
        }
    }

    private int indexOf(@Nullable String name) {
        if (name == null) {
            throw new IllegalArgumentException("parameter name must not be null");
        }
        int index = script.statements().get(0).indexOf(name);
        if (index < 0) {
            throw new NoSuchElementException("no parameter named '" + name + "' in the statement; its named parameters"
                    + " are " + script.statements().get(0).names().keySet());
        }
        return index;
    }

    private static boolean isPartlyBound(@Nullable Object[] values) {
        for (Object value : values) {
            if (value != null) {
                return true;
            }
        }
        return false;
    }

    private static void requireComplete(@Nullable Object[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                throw new IllegalStateException("parameter ?" + (i + 1) + " (index " + i + ") is not bound");
            }
        }
    }

    @Override
    public String toString() {
        return "SqliteStatement{" + script.sql() + "}";
    }
}
