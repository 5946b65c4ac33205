package dev.minoro.spring.boot;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.MigrationStatus;
import dev.minoro.Minoro;
import dev.minoro.PendingMigration;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * The health of an application's {@link Minoro}: whether its database answers, through the instance's own
 * connections, and whether the schema is one this Minoro runs on.
 *
 * <p>UP when both hold, with the details {@code schemaVersion} (the database's), {@code latestVersion} (this
 * Minoro's) and {@code pendingMigrations}; a schema at a newer version that declares itself compatible is UP too.
 * DOWN, with the error, when the database does not answer, when migrations are pending (the database was replaced
 * or restored since startup), when a newer Minoro migrated it to a schema this one may not run on, or when the
 * check takes longer than the timeout.
 *
 * <p>The schema is read with {@link Minoro#migrationStatus(DatabaseConfig)}, which opens a connection of its own
 * for the check, reads the ledger and closes it; without a {@code DatabaseConfig}, and for an in-memory SQLite
 * database (which no other connection can see), only the instance's query runs.
 */
public final class MinoroHealthIndicator implements ReactiveHealthIndicator {

    /** An id no user has (Minoro's ids are UUIDv7): looking it up costs one primary-key read. */
    private static final UUID NO_USER = new UUID(0, 0);

    private final Minoro minoro;
    private final @Nullable DatabaseConfig database;
    private final Duration timeout;

    /**
     * An indicator for {@code minoro}, checking the schema of {@code database} (null: the instance's query only),
     * bounded by {@code timeout}.
     *
     * @param minoro the Minoro instance whose accounts it uses
     * @param database the database whose schema it checks, or null to check only that it answers
     * @param timeout how long one check may take
     * @throws IllegalArgumentException when {@code timeout} is not positive
     */
    public MinoroHealthIndicator(Minoro minoro, @Nullable DatabaseConfig database, Duration timeout) {
        this.minoro = Objects.requireNonNull(minoro, "minoro");
        this.database = database;
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be a positive duration, was " + timeout);
        }
        this.timeout = timeout;
    }

    /**
     * A cold {@code Mono}: on subscription it looks up a user by id through the instance, then reads the schema's
     * status; it emits UP or DOWN as described above, never an error. Emits on the database driver's thread (or on
     * Reactor's parallel scheduler when the timeout ends the check, cancelling its queries); nothing blocks.
     */
    @Override
    public Mono<Health> health() {
        return minoro.users().findById(NO_USER).then(schema())
                .timeout(timeout, Mono.fromSupplier(() -> Health.down()
                        .withDetail("error", "no answer within " + timeout.toMillis() + " ms").build()))
                .onErrorResume(e -> Mono.just(Health.down(e).build()));
    }

    private Mono<Health> schema() {
        DatabaseConfig checked = database;
        if (checked == null) {
            return Mono.just(Health.up().withDetail("schema", "not checked: no MinoroConfig bean").build());
        }
        if (inMemory(checked)) {
            return Mono.just(Health.up().withDetail("database", checked.type())
                    .withDetail("schema", "checked at startup: an in-memory database is seen by its instance only")
                    .build());
        }
        return Minoro.migrationStatus(checked).map(status -> health(checked, status));
    }

    private static Health health(DatabaseConfig database, MigrationStatus status) {
        Health.Builder health = status.upToDate() ? Health.up() : Health.down().withDetail("error",
                status.pending().size() + " migration(s) pending since startup: the database was replaced or restored");
        return health.withDetail("database", database.type())
                .withDetail("schemaVersion", status.currentVersion())
                .withDetail("latestVersion", status.latestVersion())
                .withDetail("pendingMigrations", status.pending().stream().map(PendingMigration::version)
                        .collect(Collectors.toList()))
                .build();
    }

    private static boolean inMemory(DatabaseConfig database) {
        String connection = database.connection().strip().toLowerCase(Locale.ROOT);
        return database.type() == DatabaseType.SQLITE
                && (connection.equals(":memory:") || connection.startsWith("file::memory:"));
    }

    @Override
    public String toString() {
        return "MinoroHealthIndicator{database=" + database + ", timeout=" + timeout + '}';
    }
}
