package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.Workload.TIMEOUT;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The serverless hot path, warm (the JVM has booted before: JMH's warm-up): a database that is already up to
 * date, booted and closed as a function invocation would, on SQLite and PostgreSQL, side by side with
 * <ul>
 *   <li>{@code flyway}: Flyway {@code migrate()} over the same schema applied by Flyway (Minoro's own scripts,
 *       see {@link Migrations}), configured and loaded per boot as a function would, from a {@code filesystem:}
 *       location (no class path scan), then the application opens its connection (sqlite-jdbc with Minoro's
 *       pragmas; pgjdbc) and closes it;</li>
 *   <li>{@code rawFloor}: the least any code does for Minoro's answer: connect (SQLite: sqlite-jdbc with
 *       Minoro's pragmas; PostgreSQL: r2dbc-postgresql, the factory made once, no extension discovery), the
 *       ledger statement Minoro's boot runs, close.</li>
 * </ul>
 * {@code migrations} is the number of applied migrations (see {@link Migrations} for what 50 means for
 * Minoro today). Issue 11's targets: SQLite, Minoro at most 0.1 x Flyway and 4 x the floor; PostgreSQL, at
 * most 0.3 x Flyway and 1.3 x the floor.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class BootBenchmark {

    private static final String MINORO_SCHEMA = "minoro_bench_boot";
    private static final String FLYWAY_SCHEMA = "minoro_bench_boot_flyway";

    @Param({"sqlite", "postgres"})
    public String db;

    /**
     * The fewest applied migrations a boot can have: Minoro's own (schema 4). Results of earlier runs have "1" or
     * "3", when Minoro shipped that many; {@link Report} and {@link Charts} read them all.
     */
    static final String FEWEST = "4";

    /** The fewest applied migrations of this run and of earlier runs, oldest first. */
    static final String[] FEWEST_EVER = {"1", "3", FEWEST};

    /** The values of {@link #migrations} that results may hold, fewest first. */
    static final String[] MIGRATIONS = {"1", "3", FEWEST, "50"};

    @Param({FEWEST, "50"})
    public int migrations;

    private Path directory;
    private MinoroConfig config;
    private FluentConfiguration flyway;

    // SQLite
    private Path minoroFile;
    private Path flywayFile;

    // PostgreSQL
    private BenchPostgres.Server server;
    private PostgresqlConnectionFactory floorFactory;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        directory = BenchData.trialDirectory("boot-");
        Seed.Db kind = Seed.Db.of(db);
        Path flywayMigrations = Migrations.writeFlywayMigrations(directory.resolve("flyway"), db, migrations);
        DatabaseConfig database;
        if (kind == Seed.Db.SQLITE) {
            minoroFile = directory.resolve("minoro.db");
            flywayFile = directory.resolve("flyway.db");
            database = DatabaseConfig.sqlite("file:" + minoroFile);
            Minoro.migrateDatabase(database).block(TIMEOUT);
            try (java.sql.Connection connection = RawSql.openSqlite(minoroFile)) {
                Migrations.fillLedger(connection, migrations);
            }
            flyway = Flyway.configure().dataSource("jdbc:sqlite:" + flywayFile, "", "");
        } else {
            server = BenchPostgres.server();
            server.dropSchema(MINORO_SCHEMA);
            server.dropSchema(FLYWAY_SCHEMA);
            database = server.minoro(MINORO_SCHEMA);
            Minoro.migrateDatabase(database).block(TIMEOUT);
            try (java.sql.Connection connection = server.jdbc(MINORO_SCHEMA)) {
                Migrations.fillLedger(connection, migrations);
            }
            flyway = Flyway.configure().dataSource(server.jdbcUrl(null), server.user(), server.password())
                    .schemas(FLYWAY_SCHEMA);
            floorFactory = new PostgresqlConnectionFactory(server.r2dbc(MINORO_SCHEMA));
        }
        flyway.locations("filesystem:" + flywayMigrations);
        config = MinoroConfig.of(database);
        int applied = flyway.load().migrate().migrationsExecuted;
        if (applied != migrations) {
            throw new IllegalStateException("Flyway applied " + applied + " migrations, expected " + migrations);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        if (server != null) {
            server.dropSchema(MINORO_SCHEMA);
            server.dropSchema(FLYWAY_SCHEMA);
        }
        BenchData.delete(directory);
    }

    /** {@code Minoro.create} on the up-to-date database, then {@code close}. */
    @Benchmark
    public Object minoro() {
        return Minoro.create(config).flatMap(minoro -> minoro.close().thenReturn(minoro)).block(TIMEOUT);
    }

    /** Flyway's {@code migrate()} on its up-to-date database, then the application's connection, opened and closed. */
    @Benchmark
    public Object flyway() throws SQLException {
        Object result = flyway.load().migrate();
        java.sql.Connection connection = server == null ? RawSql.openSqlite(flywayFile) : server.jdbc(FLYWAY_SCHEMA);
        connection.close();
        return result;
    }

    /** Connect, the ledger statement, close: on the calling thread (SQLite), on the driver's event loop (PostgreSQL). */
    @Benchmark
    public Object rawFloor() throws SQLException {
        if (server == null) {
            try (java.sql.Connection connection = RawSql.openSqlite(minoroFile);
                    Statement statement = connection.createStatement();
                    ResultSet head = statement.executeQuery(RawSql.LEDGER_HEAD)) {
                head.next();
                return head.getInt(1);
            }
        }
        return Mono.usingWhen(floorFactory.create(), (Connection c) -> Flux.from(R2dbcOperations.ledgerHead(c)).next(),
                Connection::close).block(TIMEOUT);
    }
}
