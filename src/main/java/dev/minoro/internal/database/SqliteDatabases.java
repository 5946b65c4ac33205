package dev.minoro.internal.database;

import dev.minoro.DatabaseConfig;
import dev.minoro.sqlite.SqliteConnectionConfiguration;
import dev.minoro.sqlite.SqliteConnectionFactory;
import io.r2dbc.spi.Readable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Opens a SQLite {@link Database} on Minoro's own R2DBC driver. */
final class SqliteDatabases {

    private SqliteDatabases() {
    }

    /**
     * Opens the file or in-memory database {@code target} names. To read only, a file is opened read-only, and
     * a file that does not exist is not created: it reads as the empty database it would be, in memory.
     */
    static Database open(DatabaseConfig config, SqliteConnectionString target, boolean toRead) {
        Path file = target.file();
        String description = file == null ? "in-memory SQLite database" : "SQLite file " + file;
        boolean missing = toRead && file != null && !Files.exists(file);
        Path opened = missing ? null : file;
        SqliteConnectionConfiguration.Builder builder = SqliteConnectionConfiguration.builder()
                .database(opened == null ? SqliteConnectionConfiguration.MEMORY : opened.toString())
                .busyTimeout(config.busyTimeout())
                // An in-memory database is new and private to this factory: nothing to protect.
                .readOnly(toRead && opened != null);
        Integer readerLanes = config.readerLanes();
        if (readerLanes != null && opened != null) {
            // a read-only factory has no writer lane to read on: one reader lane at least
            builder.readerLanes(toRead ? Math.max(1, readerLanes) : readerLanes);
        }
        SqliteConnectionConfiguration configuration = builder.build();
        SqliteConnectionFactory factory = new SqliteConnectionFactory(configuration);
        // An in-memory database is private to its factory, so its lock is too.
        String lockKey = opened == null ? "memory:" + UUID.randomUUID() : "file:" + canonical(opened);
        return Database.of(factory, new SqliteDialect(new SqliteMigrationLock(lockKey)), description, factory::close)
                .withDirectStatements(new DirectStatements() {
                    @Override
                    public <T> Flux<T> query(String sql, Function<? super Readable, ? extends T> mapper,
                            Object... parameters) {
                        return factory.query(sql, mapper, parameters);
                    }

                    @Override
                    public Mono<Long> update(String sql, Object... parameters) {
                        return factory.update(sql, parameters);
                    }
                });
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
