package dev.minoro.internal.repository;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.UserQuery;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.TestConfigs;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The query plans of user searches: the pages read the index of {@code (created_at, id)} in order (no sort, so a page
 * deep in 10^6 users costs what the first does), and a search by email prefix reads a range of the unique index on
 * {@code email_norm}, on SQLite and on PostgreSQL (with 20 000 analysed users, so that its planner prefers an index
 * where it should).
 */
@ExtendWith(PostgresServer.class)
final class UserSearchPlanIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    private static String plan(DatabaseConfig config, String explain, UserQuery query) {
        Instant now = Instant.ofEpochMilli(1_700_000_000_000L);
        return Mono.usingWhen(MinoroRuntime.open(config), db -> {
            UserSearch search = new UserSearch(query, null, now, true);
            String sql = Sql.of(db.dialect()).rewritten(search.pageSql());
            return db.withConnection("explaining a search", c -> {
                Statement statement = c.createStatement(explain + sql);
                Object[] args = search.pageArgs(query.pageSize());
                for (int i = 0; i < args.length; i++) {
                    statement.bind(i, args[i]);
                }
                return Flux.from(statement.execute())
                        .concatMap(result -> result.map((Row row, RowMetadata metadata) -> String.valueOf(
                                row.get(metadata.getColumnMetadatas().size() - 1))))
                        .collectList()
                        .map(lines -> String.join("\n", lines));
            });
        }, Database::close).block(TIMEOUT);
    }

    private static String afterSomeone() {
        return UserSearch.cursorAfter(new dev.minoro.User(UUID.randomUUID(), "a@example.com", null, false,
                Instant.EPOCH, Instant.EPOCH, null, null, 0, "0".repeat(32), null));
    }

    @Test
    void sqlitePagesReadTheCreationIndexAndPrefixesTheEmailIndex() {
        DatabaseConfig config = TestConfigs.sqliteFile(directory, "plans.db");
        Minoro.migrateDatabase(config).block(TIMEOUT);
        String explain = "EXPLAIN QUERY PLAN ";

        String first = plan(config, explain, UserQuery.all());
        assertTrue(first.contains("USING INDEX minoro_users_created_at_id_idx"), first);
        assertFalse(first.contains("TEMP B-TREE"), first);

        String deep = plan(config, explain, UserQuery.all().after(afterSomeone()));
        assertTrue(deep.contains("USING INDEX minoro_users_created_at_id_idx ((created_at,id)>(?,?))"), deep);
        assertFalse(deep.contains("TEMP B-TREE"), deep);

        String prefix = plan(config, explain, UserQuery.all().withEmailPrefix("ann"));
        assertTrue(prefix.contains("(email_norm>? AND email_norm<?)"), prefix);
    }

    @Test
    void postgresPagesReadTheCreationIndexAndPrefixesTheEmailIndex(PostgresDatabase db) {
        DatabaseConfig config = db.config();
        Minoro.migrateDatabase(config).block(TIMEOUT);
        db.execute("INSERT INTO minoro_users (id, email, email_norm, created_at, updated_at)"
                        + " SELECT gen_random_uuid(), 'user' || i || '@example.com', 'user' || i || '@example.com',"
                        + " now() + i * interval '1 millisecond', now() FROM generate_series(1, 20000) AS i",
                "ANALYZE minoro_users");
        String explain = "EXPLAIN ";

        String first = plan(config, explain, UserQuery.all());
        assertTrue(first.contains("Index Scan using minoro_users_created_at_id_idx"), first);
        assertFalse(first.contains("Sort"), first);

        String deep = plan(config, explain, UserQuery.all().after(afterSomeone()));
        assertTrue(deep.contains("Index Scan using minoro_users_created_at_id_idx"), deep);
        assertFalse(deep.contains("Sort"), deep);

        String prefix = plan(config, explain, UserQuery.all().withEmailPrefix("user1234"));
        assertTrue(prefix.contains("minoro_users_email_norm_key"), prefix);
        assertTrue(List.of(prefix.split("\n")).stream().noneMatch(line -> line.contains("Seq Scan")), prefix);
    }
}
