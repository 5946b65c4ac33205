package dev.minoro.sqlite.internal;

import io.r2dbc.spi.Batch;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * A batch of either SQLite driver: SQL statements without parameters, run in order, one result each. A statement
 * added as a script of several statements counts as that many. How and where they run is the driver's
 * {@link SqlRunner}: the SQLite driver runs them on one lane; the libSQL driver sends them in one request, each
 * running only if the one before succeeded.
 */
final class SqliteBatch implements Batch {

    private final SqlRunner runner;
    private final List<SqlScript.Part> parts = new ArrayList<>();

    SqliteBatch(SqlRunner runner) {
        this.runner = runner;
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

    /** A cold Flux that runs the statements in order, emitting one result for each when the subscriber asks for it. */
    @Override
    public Flux<SqliteResult> execute() {
        if (parts.isEmpty()) {
            throw new IllegalStateException("the batch is empty: add() SQL before execute()");
        }
        List<BoundSql> statements = new ArrayList<>(parts.size());
        boolean readOnly = true;
        for (SqlScript.Part part : parts) {
            statements.add(BoundSql.of(part));
            readOnly &= part.readOnly();
        }
        return runner.run(statements, readOnly, 0);
    }

    @Override
    public String toString() {
        return "SqliteBatch{" + parts.size() + " statements}";
    }
}
