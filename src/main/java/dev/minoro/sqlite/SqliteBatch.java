package dev.minoro.sqlite;

import dev.minoro.sqlite.internal.SqlScript;
import dev.minoro.sqlite.internal.SqliteResult;
import io.r2dbc.spi.Batch;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * SQL statements without parameters, run in order on one lane, one result each. A statement added as a
 * script of several statements counts as that many.
 */
final class SqliteBatch implements Batch {

    private final SqliteConnection connection;
    private final List<SqlScript.Part> parts = new ArrayList<>();

    SqliteBatch(SqliteConnection connection) {
        this.connection = connection;
    }

    @Override
    public SqliteBatch add(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        SqlScript script = SqlScript.parse(sql);
        if (script.statements().isEmpty()) {
            throw new IllegalArgumentException("sql must hold a statement, was only white space and comments: '"
                    + sql + "'");
        }
        if (script.hasParameters()) {
            throw new IllegalArgumentException("a Batch runs SQL without parameters; use a Statement to bind values,"
                    + " was '" + sql + "'");
        }
        parts.addAll(script.statements());
        return this;
    }

    /** Runs the statements in order, emitting one result for each when the subscriber asks for it. */
    @Override
    public Flux<SqliteResult> execute() {
        if (parts.isEmpty()) {
            throw new IllegalStateException("the batch is empty: add() SQL before execute()");
        }
        List<Execution.Step> steps = new ArrayList<>(parts.size());
        boolean readOnly = true;
        for (SqlScript.Part part : parts) {
            steps.add(new Execution.Step(part.sql(), part, new Object[0]));
            readOnly &= part.readOnly();
        }
        return connection.execute(steps, readOnly, 0);
    }

    @Override
    public String toString() {
        return "SqliteBatch{" + parts.size() + " statements}";
    }
}
