package dev.minoro.libsql;

import dev.minoro.sqlite.internal.SqlScript;
import dev.minoro.sqlite.internal.SqliteResult;
import dev.minoro.sqlite.internal.SqliteValues;
import io.r2dbc.spi.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * A statement of a {@link LibsqlConnection}: one SQL statement with {@code ?}, {@code ?NNN}, {@code :name},
 * {@code @name} or {@code $name} parameters, or a script of several statements without parameters.
 *
 * <p>Index {@code i} of {@link #bind(int, Object)} is SQLite's parameter number {@code i + 1}; names bind with
 * or without their prefix. sqld binds a statement's values either all by position or all by name, so a
 * statement mixing {@code ?} and named parameters is refused when it is created.
 *
 * <p>All of it goes to the server in one request, as one Hrana batch whose steps each run only if the one
 * before succeeded; a script emits one result per statement, and several sets of bindings one result each.
 */
final class LibsqlStatement implements Statement {

    private final LibsqlConnection connection;
    private final SqlScript script;
    private final List<@Nullable Object[]> bindings = new ArrayList<>();
    private final int parameterCount;
    private final boolean named;
    private @Nullable Object[] current;
    private String @Nullable [] generatedColumns;

    LibsqlStatement(LibsqlConnection connection, String sql) {
        this.connection = connection;
        this.script = SqlScript.parse(sql);
        if (script.statements().isEmpty()) {
            throw new IllegalArgumentException("sql must hold a statement, was only white space and comments: '"
                    + sql + "'");
        }
        if (script.statements().size() > 1 && script.hasParameters()) {
            throw new IllegalArgumentException("parameters can be bound to a single SQL statement only; this SQL holds "
                    + script.statements().size() + " statements");
        }
        SqlScript.Part part = script.statements().get(0);
        this.parameterCount = part.parameterCount();
        this.named = !part.names().isEmpty();
        if (named && part.names().size() != parameterCount) {
            throw new IllegalArgumentException("libSQL binds a statement's parameters either all by position (?, ?NNN)"
                    + " or all by name (:name, @name, $name), and this statement mixes them; use one kind");
        }
        this.current = new Object[parameterCount];
    }

    @Override
    public LibsqlStatement add() {
        requireComplete(current);
        bindings.add(current);
        current = new Object[parameterCount];
        return this;
    }

    @Override
    public LibsqlStatement bind(int index, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("value bound to parameter " + (index + 1)
                    + " must not be null; use bindNull");
        }
        checkIndex(index);
        current[index] = bindable(value, "?" + (index + 1));
        return this;
    }

    @Override
    public LibsqlStatement bind(String name, Object value) {
        int index = indexOf(name);
        if (value == null) {
            throw new IllegalArgumentException("value bound to parameter " + name + " must not be null; use bindNull");
        }
        current[index] = bindable(value, name);
        return this;
    }

    @Override
    public LibsqlStatement bindNull(int index, Class<?> type) {
        SqliteValues.checkNullType(type, "?" + (index + 1));
        checkIndex(index);
        current[index] = SqliteValues.NULL;
        return this;
    }

    @Override
    public LibsqlStatement bindNull(String name, Class<?> type) {
        int index = indexOf(name);
        SqliteValues.checkNullType(type, name);
        current[index] = SqliteValues.NULL;
        return this;
    }

    /** SQLite's binding rules, and one of Hrana's: JSON has no Infinity or NaN. */
    private static Object bindable(Object value, String parameter) {
        Object bound = SqliteValues.bindable(value, parameter);
        if (bound instanceof Double && !Double.isFinite((Double) bound)) {
            throw new IllegalArgumentException("cannot bind an infinite or NaN floating-point value to parameter "
                    + parameter + ": Hrana's JSON carries finite numbers only");
        }
        return bound;
    }

    /**
     * Makes an INSERT, UPDATE, DELETE or REPLACE emit the rows it changed: the driver appends {@code RETURNING}
     * with the given columns (quoted), or {@code RETURNING *} when none are given.
     *
     * @throws IllegalStateException when the SQL is not a single such statement, or has its own RETURNING
     */
    @Override
    public LibsqlStatement returnGeneratedValues(String... columns) {
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

    /** Accepted and checked, but without effect: the server sends all of a statement's rows in one response. */
    @Override
    public LibsqlStatement fetchSize(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("fetchSize must be >= 0, was " + rows);
        }
        return this;
    }

    /**
     * A cold Flux that sends the statement (once per set of bindings, or the script) in one request when
     * subscribed, and emits one result for each SQL statement and set of bindings.
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
        List<LibsqlConnection.Call> calls = new ArrayList<>();
        if (script.statements().size() > 1) {
            for (SqlScript.Part part : script.statements()) {
                calls.add(new LibsqlConnection.Call(part.sql(), part, new Object[0], false));
            }
        } else {
            SqlScript.Part part = script.statements().get(0);
            String sql = generatedColumns == null ? part.sql() : part.sql() + "\nRETURNING " + returning(generatedColumns);
            for (@Nullable Object[] set : sets) {
                calls.add(new LibsqlConnection.Call(sql, part, set.clone(), named));
            }
        }
        return connection.execute(calls);
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
            sql.append('"').append(column.replace("\"", "\"\"")).append('"');
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
        return "LibsqlStatement{" + script.sql() + "}";
    }
}
