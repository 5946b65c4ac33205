package dev.minoro.internal.database;

import dev.minoro.DatabaseConfig;
import dev.minoro.sqlite.SqliteConnectionConfiguration;
import dev.minoro.sqlite.SqliteConnectionFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/** Opens a SQLite {@link Database} on Minoro's own R2DBC driver. */
final class SqliteDatabases {

    private SqliteDatabases() {
    }

    static Database open(DatabaseConfig config, boolean readOnly) {
        SqliteConnectionString target = SqliteConnectionString.parse(config.connection());
        Path file = target.file();
        SqliteConnectionConfiguration configuration = SqliteConnectionConfiguration.builder()
                .database(file == null ? SqliteConnectionConfiguration.MEMORY : file.toString())
                .busyTimeout(config.busyTimeout())
                // An in-memory database is new and private to this factory: nothing to protect.
                .readOnly(readOnly && file != null)
                .build();
        SqliteConnectionFactory factory = new SqliteConnectionFactory(configuration);
        String description = file == null ? "in-memory SQLite database" : "SQLite file " + file;
        // An in-memory database is private to its factory, so its lock is too.
        String lockKey = file == null ? "memory:" + UUID.randomUUID() : "file:" + canonical(file);
        return Database.of(factory, SqliteDialect.INSTANCE, description, lockKey, factory::close);
    }

    /** The path with symbolic links in its directory resolved, whether or not the file exists yet. */
    private static Path canonical(Path file) {
        Path parent = file.getParent();
        try {
            return parent == null ? file : parent.toRealPath().resolve(file.getFileName());
        } catch (IOException e) {
            return file;
        }
    }

}
