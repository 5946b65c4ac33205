package dev.minoro.internal.database;

import dev.minoro.DatabaseType;
import dev.minoro.MinoroException;
import java.util.regex.Pattern;

/** SQLite's dialect: {@code ?NNN} placeholders, SQLite's scripts, and its extended result codes. */
final class SqliteDialect implements Dialect {

    static final SqliteDialect INSTANCE = new SqliteDialect();

    private static final Pattern NUMBERED_PLACEHOLDER = Pattern.compile("\\$(\\d+)");

    private SqliteDialect() {
    }

    @Override
    public DatabaseType type() {
        return DatabaseType.SQLITE;
    }

    /** SQLite binds {@code ?NNN} to parameter NNN, so {@code $n} maps onto it one to one. */
    @Override
    public String sql(String portableSql) {
        return NUMBERED_PLACEHOLDER.matcher(portableSql).replaceAll("?$1");
    }

    @Override
    public String migrationFolder() {
        return "sqlite";
    }

    @Override
    public boolean isUniqueViolation(Throwable error) {
        return SqliteExceptionFactory.isUniqueViolation(error);
    }

    @Override
    public boolean isForeignKeyViolation(Throwable error) {
        return SqliteExceptionFactory.isForeignKeyViolation(error);
    }

    @Override
    public boolean isUndefinedTable(Throwable error) {
        return SqliteExceptionFactory.isUndefinedTable(error);
    }

    @Override
    public MinoroException translate(Throwable error, String doing) {
        return SqliteExceptionFactory.translate(error, doing);
    }
}
