package dev.minoro.internal.database;

import dev.minoro.DatabaseType;
import dev.minoro.MinoroException;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * SQLite's dialect: {@code ?NNN} placeholders, SQLite's scripts, a database's own migration lock, no schema step
 * (a database is its file), and SQLite's extended result codes. A local file and a remote libSQL server (which is
 * SQLite) share it and differ in their migration lock and in how their driver's errors read.
 */
final class SqliteDialect implements Dialect {

    private static final Pattern NUMBERED_PLACEHOLDER = Pattern.compile("\\$(\\d+)");

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

    /** SQLite binds {@code ?NNN} to parameter NNN, so {@code $n} maps onto it one to one. */
    @Override
    public String sql(String portableSql) {
        return NUMBERED_PLACEHOLDER.matcher(portableSql).replaceAll("?$1");
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
