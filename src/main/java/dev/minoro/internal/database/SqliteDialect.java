package dev.minoro.internal.database;

import dev.minoro.DatabaseType;
import dev.minoro.MinoroException;
import io.r2dbc.spi.Connection;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * SQLite's dialect: {@code ?NNN} placeholders, SQLite's scripts, a database's own migration lock, no schema step
 * (a database is its file), and SQLite's extended result codes.
 */
final class SqliteDialect implements Dialect {

    private static final Pattern NUMBERED_PLACEHOLDER = Pattern.compile("\\$(\\d+)");

    private final MigrationLock lock;

    /** SQLite's SQL, migrated under {@code lock}. */
    SqliteDialect(MigrationLock lock) {
        this.lock = lock;
    }

    @Override
    public DatabaseType type() {
        return DatabaseType.SQLITE;
    }

    /** SQLite binds {@code ?NNN} to parameter NNN, so {@code $n} maps onto it one to one. */
    @Override
    public String sql(String portableSql) {
        return numbered(portableSql);
    }

    /** {@code portableSql} with each {@code $n} written as SQLite's {@code ?n}. */
    static String numbered(String portableSql) {
        return NUMBERED_PLACEHOLDER.matcher(portableSql).replaceAll("?$1");
    }

    @Override
    public String migrationFolder() {
        return "sqlite";
    }

    @Override
    public MigrationLock migrationLock() {
        return lock;
    }

    @Override
    public Mono<Void> prepareSchema(Connection connection) {
        return Mono.empty();
    }

    @Override
    public boolean isUniqueViolation(Throwable error) {
        return SqliteErrorTranslator.isUniqueViolation(error);
    }

    @Override
    public boolean isForeignKeyViolation(Throwable error) {
        return SqliteErrorTranslator.isForeignKeyViolation(error);
    }

    @Override
    public boolean isUndefinedTable(Throwable error) {
        return SqliteErrorTranslator.isUndefinedTable(error);
    }

    @Override
    public MinoroException translate(Throwable error, String doing) {
        return SqliteErrorTranslator.translate(error, doing);
    }
}
