package dev.minoro.internal.migration;

import dev.minoro.AppliedMigration;
import dev.minoro.internal.database.Dialect;
import dev.minoro.internal.database.StatementSource;
import io.r2dbc.spi.Readable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads and writes the ledger table {@code minoro_migrations}: the on-disk contract, with the same
 * column types on every database (integers, text, epoch-millisecond bigints).
 */
final class MigrationLedger {

    /** The fast path's one statement. */
    static final String SELECT_HEAD =
            "SELECT version, checksum, compatible_from FROM minoro_migrations ORDER BY version DESC LIMIT 1";

    private static final String SELECT_ALL = "SELECT version, name, checksum, compatible_from, applied_at,"
            + " execution_ms, applied_by FROM minoro_migrations ORDER BY version";

    private static final String INSERT = "INSERT INTO minoro_migrations (version, name, checksum, compatible_from,"
            + " applied_at, execution_ms, applied_by) VALUES ($1, $2, $3, $4, $5, $6, $7)";

    private final String insert;

    MigrationLedger(Dialect dialect) {
        this.insert = dialect.sql(INSERT);
    }

    /**
     * The newest row's version, checksum and compatibility.
     *
     * @param version        0 when there is no ledger or it is empty
     * @param checksum       null when there is no ledger
     * @param compatibleFrom 0 when there is no ledger
     */
    record Head(int version, @Nullable String checksum, int compatibleFrom) {

        static final Head NONE = new Head(0, null, 0);

        static Head of(AppliedMigration row) {
            return new Head(row.version(), row.checksum(), row.compatibleFrom());
        }
    }

    /** The newest row, or empty when the ledger is empty; fails when there is no ledger table. */
    Mono<Head> readHead(StatementSource statements) {
        return Flux.from(statements.createStatement(SELECT_HEAD).execute())
                .concatMap(result -> result.map(row -> new Head(intOf(row, "version"),
                        row.get("checksum", String.class), intOf(row, "compatible_from"))))
                .next();
    }

    /** Every row by ascending version; fails when there is no ledger table. */
    Mono<List<AppliedMigration>> readAll(StatementSource statements) {
        return Flux.from(statements.createStatement(SELECT_ALL).execute())
                .concatMap(result -> result.map(MigrationLedger::applied))
                .collectList();
    }

    /** Records an applied migration. */
    Mono<Void> insert(StatementSource statements, AppliedMigration row) {
        return Flux.from(statements.createStatement(insert)
                        .bind(0, row.version())
                        .bind(1, row.name())
                        .bind(2, row.checksum())
                        .bind(3, row.compatibleFrom())
                        .bind(4, row.appliedAt().toEpochMilli())
                        .bind(5, row.duration().toMillis())
                        .bind(6, row.appliedBy())
                        .execute())
                .concatMap(result -> result.getRowsUpdated())
                .then();
    }

    private static AppliedMigration applied(Readable row) {
        return new AppliedMigration(intOf(row, "version"), Objects.requireNonNull(row.get("name", String.class)),
                Objects.requireNonNull(row.get("checksum", String.class)), intOf(row, "compatible_from"),
                Instant.ofEpochMilli(longOf(row, "applied_at")), Duration.ofMillis(longOf(row, "execution_ms")),
                Objects.requireNonNull(row.get("applied_by", String.class)));
    }

    private static int intOf(Readable row, String column) {
        return Math.toIntExact(longOf(row, column));
    }

    /** Integers arrive as Integer or Long depending on the database and column type. */
    private static long longOf(Readable row, String column) {
        Number n = row.get(column, Number.class);
        if (n == null) {
            throw new IllegalStateException("minoro_migrations." + column + " is null");
        }
        return n.longValue();
    }
}
