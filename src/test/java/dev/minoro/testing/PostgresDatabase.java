package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import java.time.Duration;
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

    /**
     * Polls the server every 10 ms until at least {@code count} backends of this database wait for a heavyweight
     * lock ({@code pg_stat_activity.wait_event_type = 'Lock'}); {@code and} narrows which (SQL starting with
     * {@code " AND "}, or empty). Fails after {@code timeout}, naming what never happened.
     */
    public void awaitLockWaiters(long count, String and, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (RawSql.value(config(), Long.class, "SELECT COUNT(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND wait_event_type = 'Lock'" + and) < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(count + " statement(s)" + (and.isEmpty() ? "" : " where" + and.substring(4))
                        + " never waited for a lock at once within " + timeout);
            }
            Thread.sleep(10);
        }
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
