package dev.minoro.benchmarks;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewSession;
import dev.minoro.SessionOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Fills Minoro's tables with raw SQL, fast (batched inserts on SQLite, one {@code INSERT … SELECT … FROM
 * generate_series} on PostgreSQL), in the formats Minoro writes: what the benchmarks look up and write.
 * Users are numbered from 0: user {@code i} has {@link #userId(int)} and {@link #email(int)}, which the
 * benchmarks compute instead of reading back. Writes the schema-1 columns; columns added later must have
 * defaults (additive migrations do).
 */
final class Seed {

    /** 2025-01-01T00:00:00Z: users' creation times count up from here, one millisecond apart. */
    private static final long BASE_MILLIS = 1_735_689_600_000L;

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private static final int SQLITE_BATCH = 10_000;

    /** The benchmarks' accounts: roles, their permissions, and who holds them (see {@link #accounts}). */
    static final int ROLES = 4;
    static final int PERMISSIONS_PER_ROLE = 4;
    /** Roles without permissions that the assign benchmarks give out. */
    static final int ASSIGN_ROLES = 64;

    private Seed() {
    }

    /** The database kinds the benchmarks run on, as their {@code db} parameter names them. */
    enum Db {
        SQLITE, POSTGRES;

        static Db of(String name) {
            return Db.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        }

        /** An id as the driver binds it: text on SQLite, {@code uuid} on PostgreSQL. */
        Object id(UUID id) {
            return this == SQLITE ? id.toString() : id;
        }

        /** A time as the driver binds it: epoch milliseconds on SQLite, {@code timestamptz} on PostgreSQL. */
        Object time(long epochMillis) {
            return this == SQLITE ? (Object) epochMillis
                    : OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
        }
    }

    /** User {@code i}'s id: a version-7 UUID whose time is its creation time and whose low bits are {@code i}. */
    static UUID userId(int i) {
        return versionSevenId(BASE_MILLIS + i, i);
    }

    /**
     * A version-7 UUID (RFC 9562) whose time is {@code epochMillis} and whose low bits are {@code number}: the ids
     * of the seeded users and of the users the create benchmarks add (numbered by operation, created now).
     */
    static UUID versionSevenId(long epochMillis, long number) {
        return new UUID(epochMillis << 16 | 0x7000L, 0x8000_0000_0000_0000L | number);
    }

    static String email(int i) {
        return "user" + i + "@example.com";
    }

    static UUID roleId(String name) {
        return UUID.nameUUIDFromBytes(("role:" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static String role(int r) {
        return "role-" + r;
    }

    static String permission(int role, int k) {
        return "perm-" + role + "-" + k;
    }

    static String assignRole(int r) {
        return "assign-" + r;
    }

    /** A permission user {@code i} holds, through the first of its two roles. */
    static String heldPermission(int i) {
        return permission(i % ROLES, i % PERMISSIONS_PER_ROLE);
    }

    /**
     * Inserts users {@code 0 … count-1} (no password) into a migrated database, in one transaction.
     */
    static void users(Connection connection, Db db, int count) throws SQLException {
        inTransaction(connection, () -> {
            if (db == Db.POSTGRES) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO minoro_users (id, email,"
                        + " email_norm, display_name, password_hash, disabled, failed_attempts, created_at, updated_at,"
                        + " version) SELECT (lpad(to_hex(?::bigint + i), 12, '0') || '7000' || '8'"
                        + " || lpad(to_hex(i), 15, '0'))::uuid, 'user' || i || '@example.com', 'user' || i || '@example.com',"
                        + " NULL, NULL, false, 0, to_timestamp((?::bigint + i) / 1000.0),"
                        + " to_timestamp((?::bigint + i) / 1000.0), 0 FROM generate_series(0, ?) AS i")) {
                    insert.setLong(1, BASE_MILLIS);
                    insert.setLong(2, BASE_MILLIS);
                    insert.setLong(3, BASE_MILLIS);
                    insert.setInt(4, count - 1);
                    insert.executeUpdate();
                }
            } else {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO minoro_users (id,"
                        + " email, email_norm, display_name, password_hash, disabled, failed_attempts, created_at,"
                        + " updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?7, 0)")) {
                    for (int i = 0; i < count; i++) {
                        insert.setString(1, userId(i).toString());
                        insert.setString(2, email(i));
                        insert.setString(3, email(i));
                        insert.setNull(4, java.sql.Types.VARCHAR);
                        insert.setNull(5, java.sql.Types.VARCHAR);
                        insert.setInt(6, 0);
                        insert.setLong(7, BASE_MILLIS + i);
                        insert.addBatch();
                        if ((i + 1) % SQLITE_BATCH == 0) {
                            insert.executeBatch();
                        }
                    }
                    insert.executeBatch();
                }
            }
        });
        analyze(connection, db, "ANALYZE minoro_users");
    }

    /**
     * The accounts the lookup and write benchmarks use, over {@code users} seeded users: {@link #ROLES} roles
     * with {@link #PERMISSIONS_PER_ROLE} permissions each, user {@code i} holding roles {@code i % ROLES} and
     * {@code (i + 1) % ROLES}; and {@link #ASSIGN_ROLES} roles without permissions or members.
     */
    static void accounts(Connection connection, Db db, int users) throws SQLException {
        long now = BASE_MILLIS;
        inTransaction(connection, () -> {
            try (PreparedStatement role = connection.prepareStatement("INSERT INTO minoro_roles (id, name, name_norm,"
                            + " description, created_at) VALUES (?, ?, ?, NULL, ?)");
                    PreparedStatement permission = connection.prepareStatement("INSERT INTO minoro_role_permissions"
                            + " (role_id, permission, granted_at) VALUES (?, ?, ?)");
                    PreparedStatement member = connection.prepareStatement("INSERT INTO minoro_user_roles (user_id,"
                            + " role_id, assigned_at) VALUES (?, ?, ?)")) {
                for (int r = 0; r < ROLES + ASSIGN_ROLES; r++) {
                    String name = r < ROLES ? role(r) : assignRole(r - ROLES);
                    role.setObject(1, db.id(roleId(name)));
                    role.setString(2, name);
                    role.setString(3, name);
                    role.setObject(4, db.time(now));
                    role.addBatch();
                }
                role.executeBatch();
                for (int r = 0; r < ROLES; r++) {
                    for (int k = 0; k < PERMISSIONS_PER_ROLE; k++) {
                        permission.setObject(1, db.id(roleId(role(r))));
                        permission.setString(2, permission(r, k));
                        permission.setObject(3, db.time(now));
                        permission.addBatch();
                    }
                }
                permission.executeBatch();
                for (int i = 0; i < users; i++) {
                    for (int r : new int[] {i % ROLES, (i + 1) % ROLES}) {
                        member.setObject(1, db.id(userId(i)));
                        member.setObject(2, db.id(roleId(role(r))));
                        member.setObject(3, db.time(now));
                        member.addBatch();
                    }
                    if ((i + 1) % SQLITE_BATCH == 0) {
                        member.executeBatch();
                    }
                }
                member.executeBatch();
            }
        });
        analyze(connection, db, "ANALYZE");
    }

    /** What {@link #inTransaction} runs. */
    private interface SqlWork {
        void run() throws SQLException;
    }

    /** Runs {@code work} in one transaction on {@code connection}, then restores its auto-commit mode. */
    private static void inTransaction(Connection connection, SqlWork work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            work.run();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** On PostgreSQL, refreshes the planner's statistics after seeding with {@code analyze}. */
    private static void analyze(Connection connection, Db db, String analyze) throws SQLException {
        if (db == Db.POSTGRES) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(analyze);
            }
        }
    }

    /** Removes what the assign benchmarks added, so that every iteration assigns pairs not yet assigned. */
    static void clearAssignments(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM minoro_user_roles WHERE role_id IN"
                    + " (SELECT id FROM minoro_roles WHERE name_norm LIKE 'assign-%')");
        }
    }

    /** Fills a migrated database; the one seeding step {@link #cachedSqlite} and {@link #cachedPostgres} run. */
    interface Seeder {
        void seed(Connection connection) throws SQLException;
    }

    /** A SQLite file of {@code users} users: {@link #cachedSqlite} of {@link #users}. */
    static Path cachedSqliteUsers(int users) {
        return cachedSqlite("users-" + users, users, c -> users(c, Db.SQLITE, users));
    }

    /** A PostgreSQL schema of {@code users} users: {@link #cachedPostgres} of {@link #users}. */
    static String cachedPostgresUsers(BenchPostgres.Server server, int users) {
        return cachedPostgres(server, "minoro_bench_users_" + users, users, c -> users(c, Db.POSTGRES, users));
    }

    /** A SQLite file of the lookup and write benchmarks' accounts ({@link Workload#USERS}, {@link #accounts}). */
    static Path cachedSqliteAccounts() {
        return cachedSqlite("accounts", Workload.USERS, c -> {
            users(c, Db.SQLITE, Workload.USERS);
            accounts(c, Db.SQLITE, Workload.USERS);
        });
    }

    /**
     * A PostgreSQL schema of the lookup and write benchmarks' accounts. Shared by their trials: each removes what
     * it wrote ({@link #clearWrites}).
     */
    static String cachedPostgresAccounts(BenchPostgres.Server server) {
        return cachedPostgres(server, "minoro_bench_accounts", Workload.USERS, c -> {
            users(c, Db.POSTGRES, Workload.USERS);
            accounts(c, Db.POSTGRES, Workload.USERS);
        });
    }

    /**
     * A SQLite file migrated by Minoro and seeded, made once under {@code name} and kept in
     * {@code target/bench-data/} (seeding 10^6 users takes a while); migrated again at each use, so that it
     * follows the library's schema. Trials that write copy it.
     *
     * @param marker what the finished seeding records, to tell a complete file from one cut short
     */
    static Path cachedSqlite(String name, int marker, Seeder seeder) {
        Path file = BenchData.directory().resolve("sqlite-" + name + ".db");
        try {
            if (!Files.exists(file) || seededMarker(file) != marker) {
                Path building = BenchData.directory().resolve("sqlite-" + name + ".building.db");
                Files.createDirectories(building.getParent());
                Files.deleteIfExists(building);
                Minoro.migrateDatabase(DatabaseConfig.sqlite("file:" + building)).block(TIMEOUT);
                try (Connection connection = RawSql.openSqlite(building)) {
                    seeder.seed(connection);
                    markSeeded(connection, marker);
                }
                Files.move(building, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Minoro.migrateDatabase(DatabaseConfig.sqlite("file:" + file)).block(TIMEOUT);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not seed " + file, e);
        }
    }

    /**
     * A PostgreSQL schema migrated by Minoro and seeded, made once and kept on the server; migrated again at each
     * use.
     */
    static String cachedPostgres(BenchPostgres.Server server, String schema, int marker, Seeder seeder) {
        try {
            boolean seeded;
            try (Connection connection = server.jdbc(schema)) {
                seeded = seededMarker(connection) == marker;
            }
            if (!seeded) {
                server.dropSchema(schema);
                Minoro.migrateDatabase(server.minoro(schema)).block(TIMEOUT);
                try (Connection connection = server.jdbc(schema)) {
                    seeder.seed(connection);
                    markSeeded(connection, marker);
                }
            }
            Minoro.migrateDatabase(server.minoro(schema)).block(TIMEOUT);
            return schema;
        } catch (SQLException e) {
            throw new IllegalStateException("could not seed PostgreSQL schema " + schema, e);
        }
    }

    /** Removes what the write benchmarks added: created users, assigned roles and sessions. */
    static void clearWrites(Connection connection) throws SQLException {
        clearAssignments(connection);
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM minoro_users WHERE email_norm LIKE 'new-%'");
            statement.executeUpdate("DELETE FROM minoro_sessions");
        }
    }

    /**
     * Creates {@link Workload#SESSIONS} sessions in {@code database}, one for each of the first users, through a
     * Minoro of its own, closed afterwards, with the default timeouts (an idle timeout of 30 minutes, renewed at most
     * once a minute: a trial's validations read only, as most requests' do); returns their tokens.
     */
    static String[] sessions(DatabaseConfig database) {
        return Mono.usingWhen(Minoro.create(MinoroConfig.of(database)),
                        minoro -> Flux.range(0, Workload.SESSIONS)
                                .concatMap(i -> minoro.sessions().create(userId(i), SessionOptions.defaults()))
                                .map(NewSession::token)
                                .collectList(),
                        Minoro::close)
                .block(TIMEOUT)
                .toArray(String[]::new);
    }

    private static void markSeeded(Connection connection, int marker) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE bench_seed (marker INTEGER NOT NULL)");
            statement.executeUpdate("INSERT INTO bench_seed (marker) VALUES (" + marker + ")");
        }
    }

    private static int seededMarker(Path file) throws SQLException {
        try (Connection connection = RawSql.openSqlite(file)) {
            return seededMarker(connection);
        }
    }

    /** What a completed seeding recorded, or -1 when there is none. */
    private static int seededMarker(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT marker FROM bench_seed")) {
            return result.next() ? result.getInt(1) : -1;
        } catch (SQLException e) {
            // no bench_seed table: never seeded, or the seeding did not finish
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            return -1;
        }
    }
}
