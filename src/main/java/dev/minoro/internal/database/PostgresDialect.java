package dev.minoro.internal.database;

import dev.minoro.DatabaseType;
import dev.minoro.MinoroException;

/**
 * PostgreSQL's dialect: Minoro's portable SQL is PostgreSQL's own ({@code $1 … $n}), its scripts live in
 * {@code migrations/postgres}, and errors are translated by SQLSTATE. One per database, so that messages
 * can name its host, port, database and user.
 */
final class PostgresDialect implements Dialect {

    private final PostgresExceptionFactory exceptions;

    PostgresDialect(PostgresExceptionFactory exceptions) {
        this.exceptions = exceptions;
    }

    @Override
    public DatabaseType type() {
        return DatabaseType.POSTGRES;
    }

    @Override
    public String sql(String portableSql) {
        return portableSql;
    }

    @Override
    public String migrationFolder() {
        return "postgres";
    }

    @Override
    public boolean isUniqueViolation(Throwable error) {
        return PostgresExceptionFactory.isUniqueViolation(error);
    }

    @Override
    public boolean isForeignKeyViolation(Throwable error) {
        return PostgresExceptionFactory.isForeignKeyViolation(error);
    }

    @Override
    public boolean isUndefinedTable(Throwable error) {
        return PostgresExceptionFactory.isUndefinedTable(error);
    }

    @Override
    public MinoroException translate(Throwable error, String doing) {
        return exceptions.translate(error, doing);
    }
}
