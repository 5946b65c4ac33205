package dev.minoro.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.User;
import dev.minoro.contract.MigrationContract;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresInstance;
import dev.minoro.testing.PostgresMigrationDatabases;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.RawSql;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration contract on PostgreSQL, each test on new databases of its own; and what only PostgreSQL
 * can show: the fast path seen from the server's own log, and Minoro's tables in a schema of their own.
 */
@Tag(PostgresServer.BOTH_MAJORS)
final class PostgresMigrationIntegrationTests implements MigrationContract {

    /** What the server logs for a statement: {@code statement: SQL} (simple) or {@code execute NAME: SQL}. */
    private static final Pattern LOGGED_STATEMENT = Pattern.compile("LOG:  (?:statement|execute [^:]*): (.*)");

    /** What r2dbc-postgresql runs on each new connection, before Minoro sees it. */
    private static final String DRIVER_CONNECTION_SETUP = "SHOW TRANSACTION ISOLATION LEVEL";

    @RegisterExtension
    static final PostgresMigrationDatabases DATABASES = PostgresMigrationDatabases.direct();

    @TempDir
    Path directory;

    @Override
    public DatabaseConfig freshDatabase() {
        return DATABASES.config(DATABASES.database());
    }

    @Override
    public boolean tableExists(DatabaseConfig database, String table) {
        return PostgresMigrationDatabases.tableExists(database, table);
    }

    @Override
    public Path scratch() {
        return directory;
    }

    @Override
    public int concurrentBoots() {
        return 32;
    }

    private static MinoroConfig config(DatabaseConfig database) {
        return MinoroConfig.builder().database(database).argon2(64, 1, 1).build();
    }

    @Test
    void theServerRunsExactlyTheOneLedgerStatementWhenTheSchemaIsUpToDate() throws Exception {
        PostgresDatabase db = DATABASES.database();
        Minoro.migrateDatabase(db.config()).block(TIMEOUT);
        boolean seen = false;
        if (DATABASES.server().hasLog()) {
            assertOnlyTheHeadQuery(fromTheLog(db), HEAD_QUERY);
            seen = true;
        }
        if (hasStatementStatistics(db)) {
            // pg_stat_statements shows constants as parameters.
            assertOnlyTheHeadQuery(fromStatementStatistics(db), HEAD_QUERY.replace("LIMIT 1", "LIMIT $1"));
            seen = true;
        }
        assertTrue(seen, "the server from " + DATABASES.server().source() + " has no readable log and no pg_stat_statements"
                + " (shared_preload_libraries) to show what it ran");
    }

    private static void assertOnlyTheHeadQuery(List<String> statements, String headQuery) {
        List<String> minoros = new ArrayList<>(statements);
        minoros.removeIf(DRIVER_CONNECTION_SETUP::equals);
        assertEquals(List.of(headQuery), minoros, "everything the server ran for the boot: " + statements);
        assertTrue(statements.size() <= 2, "at most one connection was opened: " + statements);
    }

    /** A boot's statements as the server logs them with {@code log_statement = 'all'}. */
    private List<String> fromTheLog(PostgresDatabase db) throws InterruptedException {
        PostgresInstance server = DATABASES.server();
        server.execute("ALTER DATABASE " + db.name() + " SET log_statement = 'all'");
        PostgresInstance.ServerLog log = server.log();
        long mark = log.mark();
        Minoro.create(config(db.config())).flatMap(Minoro::close).block(TIMEOUT);
        // The helpers' own statement, logged after the boot's: once it is in the log, so is the boot.
        String end = "SELECT 'end of boot " + System.nanoTime() + "'";
        db.execute(end);
        return awaitStatements(log, mark, db.name(), end);
    }

    private static boolean hasStatementStatistics(PostgresDatabase db) {
        try {
            db.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            db.queryStrings("SELECT count(*) FROM pg_stat_statements");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A boot's statements as {@code pg_stat_statements} counts them (the module must be preloaded). */
    private List<String> fromStatementStatistics(PostgresDatabase db) {
        db.execute("SELECT pg_stat_statements_reset()");
        Minoro.create(config(db.config())).flatMap(Minoro::close).block(TIMEOUT);
        List<String> statements = new ArrayList<>();
        for (String row : db.queryStrings("SELECT calls || ' ' || query FROM pg_stat_statements WHERE dbid ="
                + " (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND query NOT LIKE '%pg_stat_statements%'")) {
            String[] callsAndQuery = row.split(" ", 2);
            for (int i = 0; i < Integer.parseInt(callsAndQuery[0]); i++) {
                statements.add(callsAndQuery[1].strip());
            }
        }
        // The helper connection that reads the statistics set itself up after the reset, too.
        statements.remove(DRIVER_CONNECTION_SETUP);
        return statements;
    }

    @Test
    void aSchemaOfItsOwnIsCreatedAndHoldsEveryTable() {
        PostgresDatabase db = DATABASES.database();
        DatabaseConfig database = db.config().withSchema("auth");
        Minoro minoro = Minoro.create(config(database)).block(TIMEOUT);
        try {
            assertEquals(0L, minoro.users().count().block(TIMEOUT));
            // Schema 2's trigger functions find the tables in the schema they were made in.
            User ada = minoro.users().create(NewUser.of("ada@example.com", null)).block(TIMEOUT);
            minoro.roles().create("admin", null).block(TIMEOUT);
            minoro.roles().assign(ada.id(), "admin").block(TIMEOUT);
            assertNotEquals(ada.securityStamp(), minoro.users().findById(ada.id()).block(TIMEOUT).securityStamp());
        } finally {
            minoro.close().block(TIMEOUT);
        }
        assertEquals(List.of("auth.minoro_migrations", "auth.minoro_role_permissions", "auth.minoro_roles",
                "auth.minoro_session_attributes", "auth.minoro_sessions", "auth.minoro_user_roles", "auth.minoro_users"), db.queryStrings("SELECT schemaname || '.' || tablename"
                + " FROM pg_tables WHERE tablename LIKE 'minoro%' ORDER BY 1"));
        assertEquals(List.of("auth.minoro_renew_security_stamp", "auth.minoro_users_fill_schema_two",
                        "auth.minoro_users_renew_stamp_for_older_code"),
                db.queryStrings("SELECT n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n"
                        + " ON n.oid = p.pronamespace WHERE p.proname LIKE 'minoro%' ORDER BY 1"));
        assertTrue(tableExists(database, "minoro_users"), "unqualified names resolve to the schema");
        assertEquals((long) LATEST, RawSql.value(database, Long.class, "SELECT COUNT(*) FROM minoro_migrations"));
    }

    /** The statements the server logged for {@code database} by Minoro's connections, once {@code end} is logged. */
    private static List<String> awaitStatements(PostgresInstance.ServerLog log, long mark, String database, String end)
            throws InterruptedException {
        List<String> statements = new ArrayList<>();
        for (String line : log.sinceOnceItShows(mark, end).split("\n")) {
            if (!line.contains("db=" + database + ",") || !line.contains(",app=minoro ")) {
                continue;
            }
            Matcher m = LOGGED_STATEMENT.matcher(line);
            if (m.find()) {
                statements.add(m.group(1).strip());
            }
        }
        return statements;
    }
}
