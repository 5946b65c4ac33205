package dev.minoro.internal.database;

import dev.minoro.DatabaseType;
import dev.minoro.MinoroException;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;

/**
 * SQLite's dialect: {@code ?NNN} placeholders, SQLite's scripts, a database's own migration lock, no schema step
 * (a database is its file), and SQLite's extended result codes. A local file and a remote libSQL server (which is
 * SQLite) share it and differ in their migration lock and in how their driver's errors read.
 */
final class SqliteDialect implements Dialect {

    private final MigrationLock lock;
    private final BiFunction<Throwable, String, MinoroException> errors;

    /** A local SQLite database's SQL, migrated under {@code lock}, its errors read by {@link SqliteErrorTranslator}. */
    SqliteDialect(MigrationLock lock) {
        this(lock, SqliteErrorTranslator::translate);
    }

    /**
     * SQLite's SQL, migrated under {@code lock}, its errors turned into Minoro's by {@code errors} (error, what Minoro
     * was doing): a remote libSQL server's are {@link LibsqlErrorTranslator}'s.
     */
    SqliteDialect(MigrationLock lock, BiFunction<Throwable, String, MinoroException> errors) {
        this.lock = lock;
        this.errors = errors;
    }

    @Override
    public DatabaseType type() {
        return DatabaseType.SQLITE;
    }

    /**
     * SQLite binds {@code ?NNN} to parameter NNN, so {@code $n} maps onto it one to one: every {@code $} followed by
     * an ASCII digit becomes {@code ?}. A loop, not a regular expression: a boot rewrites every statement of the
     * repositories once, and on a cold JVM, still interpreting, {@code replaceAll} took tens of milliseconds.
     */
    @Override
    public String sql(String portableSql) {
        int dollar = portableSql.indexOf('$');
        if (dollar < 0) {
            return portableSql;
        }
        StringBuilder sql = new StringBuilder(portableSql.length());
        int copied = 0;
        while (dollar >= 0) {
            int next = dollar + 1;
            if (next < portableSql.length() && portableSql.charAt(next) >= '0' && portableSql.charAt(next) <= '9') {
                sql.append(portableSql, copied, dollar).append('?');
                copied = next;
            }
            dollar = portableSql.indexOf('$', next);
        }
        return sql.append(portableSql, copied, portableSql.length()).toString();
    }

    @Override
    public String newSecurityStamp() {
        return "lower(hex(randomblob(16)))";
    }

    @Override
    public String lock(RowLock kind, String table) {
        return "";
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
    public Mono<Void> prepareSchema(StatementSource statements) {
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
        return errors.apply(error, doing);
    }
}
