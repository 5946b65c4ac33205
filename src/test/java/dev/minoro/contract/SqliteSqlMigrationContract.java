package dev.minoro.contract;

import dev.minoro.DatabaseConfig;
import dev.minoro.testing.RawSql;

/**
 * The migration contract where Minoro's tables live in a SQLite database, a local file or one served by libSQL: the
 * tables looked up in {@code sqlite_master}, 16 boots at once in one JVM.
 */
public interface SqliteSqlMigrationContract extends MigrationContract {

    @Override
    default boolean tableExists(DatabaseConfig database, String table) {
        return RawSql.value(database, Long.class,
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1", table) > 0;
    }

    @Override
    default int concurrentBoots() {
        return 16;
    }
}
