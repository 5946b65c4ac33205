package dev.minoro.internal.migration;

import dev.minoro.DatabaseConfig;
import dev.minoro.MigrationReport;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import java.time.Clock;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * What a Minoro release at schema version 1 does with a database, for the tests of later versions' compatibility:
 * its migrator (the shipped scripts cut after version 1) and the statements it ran, copied from that release
 * (commit 58e7d19) with PostgreSQL's placeholders. The migrator of a release at any older version (the scripts cut
 * after it) is here too: {@link #migrate(DatabaseConfig, int)}, {@link #boot(DatabaseConfig, int)}.
 */
public final class SchemaOneCode {

    /** Schema 1's user insert: no column of a later version. */
    public static final String INSERT_USER = "INSERT INTO minoro_users (id, email, email_norm, display_name,"
            + " password_hash, disabled, failed_attempts, created_at, updated_at, version)"
            + " VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7, 0)";

    /** Schema 1's assignment of a role. */
    public static final String ASSIGN = "INSERT INTO minoro_user_roles (user_id, role_id, assigned_at)"
            + " SELECT u.id, r.id, $3 FROM minoro_users u, minoro_roles r WHERE u.id = $1 AND r.name_norm = $2"
            + " ON CONFLICT (user_id, role_id) DO NOTHING";

    /** Schema 1's role insert. */
    public static final String INSERT_ROLE = "INSERT INTO minoro_roles (id, name, name_norm, description, created_at)"
            + " VALUES ($1, $2, $3, $4, $5)";

    /** Schema 1's password change. */
    public static final String SET_PASSWORD = "UPDATE minoro_users SET password_hash = $2, failed_attempts = 0,"
            + " locked_until = NULL, updated_at = $3, version = version + 1 WHERE id = $1";

    /** Schema 1's profile update (its RETURNING left out): a new email when {@code $4} differs. */
    public static final String UPDATE_PROFILE = "UPDATE minoro_users SET email = $3, email_norm = $4,"
            + " display_name = $5, updated_at = $6, version = version + 1 WHERE id = $1 AND version = $2";

    /** Schema 1's disable and enable (its RETURNING left out). */
    public static final String SET_DISABLED = "UPDATE minoro_users SET disabled = $2, updated_at = $3,"
            + " version = version + 1 WHERE id = $1";

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private SchemaOneCode() {
    }

    /** Migrates {@code database} as schema-1 code does: to version 1, whatever later versions exist. */
    public static MigrationReport migrate(DatabaseConfig database) {
        return migrate(database, 1);
    }

    /** Migrates {@code database} as code at schema version {@code codeVersion} does: to that version at most. */
    public static MigrationReport migrate(DatabaseConfig database, int codeVersion) {
        return withMigrator(database, codeVersion, Migrator::migrate);
    }

    /**
     * Boots on {@code database} as schema-1 code does, without migrating: the report when this code may run on it,
     * or the error that would stop its boot.
     */
    public static MigrationReport boot(DatabaseConfig database) {
        return boot(database, 1);
    }

    /** {@link #boot(DatabaseConfig)} as code at schema version {@code codeVersion} does it. */
    public static MigrationReport boot(DatabaseConfig database, int codeVersion) {
        return withMigrator(database, codeVersion, migrator -> migrator.boot(false));
    }

    private static MigrationReport withMigrator(DatabaseConfig database, int codeVersion,
            java.util.function.Function<Migrator, Mono<MigrationReport>> work) {
        return Mono.usingWhen(MinoroRuntime.open(database),
                db -> MigrationScripts.forFolder(db.dialect().migrationFolder())
                        .map(shipped -> new MigrationScripts(shipped.all().subList(0, codeVersion),
                                shipped.ledgerDdl()))
                        .flatMap(schemaOne -> work.apply(new Migrator(db, schemaOne, db.dialect().migrationLock(),
                                TIMEOUT, Clock.systemUTC()))),
                Database::close).block(TIMEOUT);
    }
}
