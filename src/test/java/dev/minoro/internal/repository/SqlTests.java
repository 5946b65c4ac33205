package dev.minoro.internal.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.minoro.DatabaseConfig;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/** The statements {@link Sql} writes per call for a count of values, and those it keeps. */
final class SqlTests {

    @TempDir
    Path directory;

    @Test
    void hasAnyPermissionBindsEachPermissionAndIsKeptPerCount() {
        Mono.usingWhen(MinoroRuntime.open(DatabaseConfig.sqlite("file:" + directory.resolve("sql.db"))), db -> {
            Sql sql = Sql.of(db.dialect());
            for (int round = 0; round < 2; round++) {
                // up and down across the bound of the kept counts
                for (int count : new int[] {3, 1, 2, Sql.KEPT_PERMISSION_COUNTS - 1, Sql.KEPT_PERMISSION_COUNTS,
                        Sql.KEPT_PERMISSION_COUNTS + 4, 2, 3}) {
                    String statement = sql.hasAnyPermission(count);
                    assertEquals(db.dialect().sql(Sql.placeholders(2, count)) + ") LIMIT 1",
                            statement.substring(statement.indexOf(" IN (") + 5), statement);
                    assertEquals(statement, sql.hasAnyPermission(count));
                    if (count < Sql.KEPT_PERMISSION_COUNTS) {
                        assertSame(statement, sql.hasAnyPermission(count), "kept for " + count);
                    }
                }
            }
            return Mono.empty();
        }, Database::close).block(Duration.ofSeconds(30));
    }
}
