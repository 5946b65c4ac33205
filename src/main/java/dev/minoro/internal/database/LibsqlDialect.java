package dev.minoro.internal.database;

import dev.minoro.DatabaseType;
import dev.minoro.MinoroException;
import io.r2dbc.spi.Connection;
import reactor.core.publisher.Mono;

/**
 * A remote libSQL server's dialect: SQLite's SQL and scripts (it is SQLite), the server's own migration lock
 * ({@link LibsqlMigrationLock}), no schema step, and the libSQL driver's errors, which carry SQLite's result codes
 * as the SQLite driver's do, plus what only a server reports (tokens refused, transactions it rolled back).
 */
final class LibsqlDialect implements Dialect {

    private final LibsqlMigrationLock lock = new LibsqlMigrationLock();
    private final LibsqlErrorTranslator errors;

    /** @param description what messages call the database; never holds the token */
    LibsqlDialect(String description) {
        this.errors = new LibsqlErrorTranslator(description);
    }

    @Override
    public DatabaseType type() {
        return DatabaseType.SQLITE;
    }

    /** SQLite binds {@code ?NNN} to parameter NNN, and so does sqld: the same SQL as a local file's. */
    @Override
    public String sql(String portableSql) {
        return SqliteDialect.numbered(portableSql);
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
        return errors.translate(error, doing);
    }
}
