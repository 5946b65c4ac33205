package dev.minoro.internal.database;

import dev.minoro.DatabaseType;
import dev.minoro.MigrationException;
import dev.minoro.MinoroException;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * PostgreSQL's dialect: Minoro's portable SQL is PostgreSQL's own ({@code $1 … $n}), its scripts live in
 * {@code migrations/postgres}, its migration lock is a transaction-scoped {@link AdvisoryLock} keyed by the
 * schema, the schema step creates a configured schema, and errors are translated by SQLSTATE. One per database,
 * so that messages can name its host, port, database and user.
 */
final class PostgresDialect implements Dialect {

    private final PostgresErrorTranslator errors;
    private final @Nullable String schema;
    private final String description;
    private final AdvisoryLock lock;

    /**
     * @param schema      the schema of Minoro's tables, created by the schema step when missing; null for the
     *                    connections' default schema
     * @param description what messages call the database
     */
    PostgresDialect(PostgresErrorTranslator errors, @Nullable String schema, String description) {
        this.errors = errors;
        this.schema = schema;
        this.description = description;
        this.lock = new AdvisoryLock(schema);
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
    public String newSecurityStamp() {
        return "md5(gen_random_uuid()::text || clock_timestamp()::text)";
    }

    /**
     * An explicit {@code ROLLBACK}: r2dbc-postgresql's {@code rollbackTransaction()} is skipped when the driver
     * believes no transaction is open, which it does after a cancellation that came between sending {@code BEGIN}
     * and reading its answer; the connection would then go back to the pool with the server's transaction open,
     * holding its row locks, and the next caller's statements would run inside it. Without a transaction the server
     * answers with a warning only.
     */
    @Override
    public Publisher<Void> rollbackWhateverIsOpen(Connection connection) {
        return Flux.from(connection.createStatement("ROLLBACK").execute())
                .flatMap(Result::getRowsUpdated)
                .then();
    }

    @Override
    public String lock(RowLock kind, String table) {
        return switch (kind) {
            case UPDATE -> " FOR NO KEY UPDATE OF " + table;
            case DELETE -> " FOR UPDATE OF " + table;
            case REFERENCE -> " FOR KEY SHARE OF " + table;
            case DELETE_SKIPPING_HELD -> " FOR UPDATE OF " + table + " SKIP LOCKED";
        };
    }

    @Override
    public String migrationFolder() {
        return "postgres";
    }

    @Override
    public MigrationLock migrationLock() {
        return lock;
    }

    /**
     * Creates the configured schema when it is missing, then checks that unqualified names resolve to it: a
     * pooler that drops the {@code search_path} startup parameter would otherwise send Minoro's tables elsewhere.
     * Nothing without a configured schema.
     *
     * @throws MigrationException (signalled) when the schema is not the connection's current schema
     */
    @Override
    public Mono<Void> prepareSchema(StatementSource statements) {
        String name = schema;
        if (name == null) {
            return Mono.empty();
        }
        // Looked up first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists.
        Mono<Boolean> exists = Mono.from(statements.createStatement("SELECT 1 FROM pg_namespace WHERE nspname = $1")
                        .bind(0, name).execute())
                .flatMap(result -> Mono.from(result.map((row, metadata) -> true)))
                .defaultIfEmpty(false);
        Mono<String> current = Mono.from(statements.createStatement("SELECT current_schema()").execute())
                .flatMap(result -> Mono.from(result.map((row, metadata) -> String.valueOf(row.get(0, String.class)))));
        return exists
                .flatMap(present -> present ? Mono.<Void>empty()
                        : Mono.from(statements.createStatement("CREATE SCHEMA \"" + name + "\"").execute())
                                .flatMap(result -> Mono.from(result.getRowsUpdated())).then())
                .then(current)
                .flatMap(found -> name.equals(found) ? Mono.<Void>empty() : Mono.error(new MigrationException(
                        "Minoro's schema '" + name + "' is not the current schema of connections to " + description
                                + " (it is '" + found + "'): the search_path startup parameter did not arrive; a"
                                + " connection pooler may drop it (PgBouncer 1.20+ passes it with"
                                + " track_extra_parameters = search_path), or set the role's own search_path with"
                                + " ALTER ROLE ... SET search_path")));
    }

    @Override
    public boolean isUniqueViolation(Throwable error) {
        return PostgresErrorTranslator.isUniqueViolation(error);
    }

    @Override
    public boolean isForeignKeyViolation(Throwable error) {
        return PostgresErrorTranslator.isForeignKeyViolation(error);
    }

    @Override
    public boolean isUndefinedTable(Throwable error) {
        return PostgresErrorTranslator.isUndefinedTable(error);
    }

    @Override
    public MinoroException translate(Throwable error, String doing) {
        return errors.translate(error, doing);
    }
}
