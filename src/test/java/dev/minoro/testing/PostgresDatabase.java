package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import java.util.List;

/**
 * A database of its own for one test (or one test class) on the shared {@link PostgresInstance}; dropped
 * when the test is done.
 */
public final class PostgresDatabase implements AutoCloseable {

    private final PostgresInstance server;
    private final String name;

    PostgresDatabase(PostgresInstance server, String name) {
        this.server = server;
        this.name = name;
    }

    public PostgresInstance server() {
        return server;
    }

    public String name() {
        return name;
    }

    /** A libpq URI for this database as the server's administrative user. */
    public String url() {
        return server.url(name);
    }

    /** A configuration for this database with Minoro's defaults. */
    public DatabaseConfig config() {
        return DatabaseConfig.postgres(url());
    }

    /** Runs statements, each on its own, in this database. */
    public void execute(String... statements) {
        server.executeIn(name, statements);
    }

    /** The first column of every row {@code sql} returns, as strings. */
    public List<String> queryStrings(String sql) {
        return server.queryStringsIn(name, sql);
    }

    @Override
    public void close() {
        server.dropDatabase(name);
    }

    @Override
    public String toString() {
        return "database " + name + " on " + server;
    }
}
