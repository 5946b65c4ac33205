package dev.minoro.benchmarks;

import dev.minoro.DatabaseConfig;
import dev.minoro.ImportResult;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
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
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;

/**
 * Bulk import (issue 13 item 3): {@code users().importAll(…)} of {@code users} users (default 100,000), each with
 * an imported bcrypt hash (parsed, never computed, as in a migration from another system), into an empty
 * database made fresh for every measured import: a SQLite file, or a PostgreSQL schema on the benchmark server.
 * The input is generated as it is read, so the figure includes no list held in memory. Seconds per whole import
 * ({@code SingleShotTime}); divide {@code users} by it for users per second.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class ImportBenchmark {

    private static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(30);
    private static final String SCHEMA = "minoro_bench_import";

    @Param({"sqlite", "postgres"})
    public String db;

    @Param({"100000"})
    public int users;

    private final String hash = OpenBSDBCrypt.generate("2b", "an imported password".toCharArray(), new byte[16], 10);
    private Path directory;
    private Minoro minoro;

    /** A fresh, empty, migrated database and an instance on it, for each measured import. */
    @Setup(Level.Iteration)
    public void freshDatabase() throws SQLException {
        DatabaseConfig database;
        if (db.equals("sqlite")) {
            directory = BenchData.trialDirectory("import-sqlite-");
            database = DatabaseConfig.sqlite("file:" + directory.resolve("import.db"));
        } else {
            BenchPostgres.Server server = BenchPostgres.server();
            server.dropSchema(SCHEMA);
            database = server.minoro(SCHEMA);
        }
        minoro = Minoro.create(MinoroConfig.of(database)).block(Workload.TIMEOUT);
    }

    @TearDown(Level.Iteration)
    public void close() {
        minoro.close().block(Workload.TIMEOUT);
        if (directory != null) {
            BenchData.delete(directory);
            directory = null;
        }
    }

    /** The whole import; emits how many were created, which must be all of them. */
    @Benchmark
    public long importAll() {
        Flux<NewUser> input = Flux.range(0, users)
                .map(i -> NewUser.of(Seed.email(i), null).withPasswordHash(hash));
        Long created = minoro.users().importAll(input)
                .filter(result -> result.status() == ImportResult.Status.CREATED)
                .count()
                .block(IMPORT_TIMEOUT);
        if (created == null || created != users) {
            throw new IllegalStateException("created " + created + " of " + users);
        }
        return created;
    }
}
