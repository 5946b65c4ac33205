package dev.minoro.libsql;

import dev.minoro.sqlite.internal.SqlScript;
import dev.minoro.sqlite.internal.SqliteResult;
import io.r2dbc.spi.Batch;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * SQL statements without parameters, sent in one request and run in order, one result each; each runs only
 * if the one before succeeded. A statement added as a script of several statements counts as that many.
 */
final class LibsqlBatch implements Batch {

    private final LibsqlConnection connection;
    private final List<SqlScript.Part> parts = new ArrayList<>();

    LibsqlBatch(LibsqlConnection connection) {
        this.connection = connection;
    }

    @Override
    public LibsqlBatch add(String sql) {
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

    /** A cold Flux that sends the statements in one request when subscribed and emits one result for each. */
    @Override
    public Flux<SqliteResult> execute() {
        if (parts.isEmpty()) {
            throw new IllegalStateException("the batch is empty: add() SQL before execute()");
        }
        List<LibsqlConnection.Call> calls = new ArrayList<>(parts.size());
        for (SqlScript.Part part : parts) {
            calls.add(new LibsqlConnection.Call(part.sql(), part, new Object[0], false));
        }
        return connection.execute(calls);
    }

    @Override
    public String toString() {
        return "LibsqlBatch{" + parts.size() + " statements}";
    }
}
