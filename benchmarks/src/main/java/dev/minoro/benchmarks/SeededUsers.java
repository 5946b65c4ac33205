package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.Workload.TIMEOUT;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a scaling benchmark's trial measures with: Minoro, or the raw driver (sqlite-jdbc on the calling thread, or
 * r2dbc-postgresql over a pool as Minoro's), on a database of {@code users} users seeded once and kept
 * ({@link Seed#cachedSqliteUsers}, {@link Seed#cachedPostgresUsers}). Exactly one of {@link #minoro}, {@link #sqlite}
 * and {@link #postgres} is set.
 */
final class SeededUsers implements AutoCloseable {

    final Minoro minoro;
    final JdbcOperations sqlite;
    final R2dbcOperations postgres;
    private final Path file;
    private final String schema;

    private SeededUsers(Minoro minoro, JdbcOperations sqlite, R2dbcOperations postgres, Path file, String schema) {
        this.minoro = minoro;
        this.sqlite = sqlite;
        this.postgres = postgres;
        this.file = file;
        this.schema = schema;
    }

    /** Opens {@code db} ({@code sqlite} or {@code postgres}) with {@code users} users, seeding it the first time. */
    static SeededUsers open(String db, int users, boolean viaMinoro) throws SQLException {
        Workload workload = new Workload();
        if (Seed.Db.of(db) == Seed.Db.SQLITE) {
            Path file = Seed.cachedSqliteUsers(users);
            return viaMinoro
                    ? new SeededUsers(Minoro.create(MinoroConfig.of(DatabaseConfig.sqlite("file:" + file))).block(TIMEOUT),
                            null, null, file, null)
                    : new SeededUsers(null, new JdbcOperations(RawSql.openSqlite(file), workload), null, file, null);
        }
        BenchPostgres.Server server = BenchPostgres.server();
        String schema = Seed.cachedPostgresUsers(server, users);
        return viaMinoro
                ? new SeededUsers(Minoro.create(MinoroConfig.of(server.minoro(schema))).block(TIMEOUT), null, null, null,
                        schema)
                : new SeededUsers(null, null, new R2dbcOperations(server, schema, workload), null, schema);
    }

    /**
     * Looks {@code email} up through whichever of Minoro and the raw driver this opened, on the calling thread (the
     * lookup of {@link ScalingBenchmark} and {@link ScalingSameJvm}).
     */
    Object findByEmail(String email) throws SQLException {
        if (minoro != null) {
            return minoro.users().findByEmail(email).block(TIMEOUT);
        }
        return sqlite != null ? sqlite.findByEmail(email) : postgres.findByEmail(email).block(TIMEOUT);
    }

    /**
     * Reads a SQLite database's file through once, so that the operating system's page cache holds it (see
     * {@link ScalingSameJvm}); nothing for PostgreSQL.
     */
    void readFileThrough() throws IOException {
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
    }

    /** A new JDBC connection to the same database, for the caller to close. */
    Connection jdbc() throws SQLException {
        return file != null ? RawSql.openSqlite(file) : BenchPostgres.server().jdbc(schema);
    }

    @Override
    public void close() throws SQLException {
        if (minoro != null) {
            minoro.close().block(TIMEOUT);
        }
        if (sqlite != null) {
            sqlite.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
