package dev.minoro.benchmarks;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The serverless hot path: booting Minoro on a SQLite file that is already up to date, then closing
 * it, as a function invocation would. The baseline is the least any Java code can do for the same
 * answer: open a sqlite-jdbc connection with the same pragmas, run the same ledger query, close.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BootBenchmark {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String HEAD =
            "SELECT version, checksum, compatible_from FROM minoro_migrations ORDER BY version DESC LIMIT 1";

    private Path directory;
    private Path file;
    private MinoroConfig config;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("minoro-boot-bench");
        file = directory.resolve("auth.db");
        DatabaseConfig database = DatabaseConfig.sqlite("file:" + file);
        Minoro.migrateDatabase(database).block(TIMEOUT);
        config = MinoroConfig.of(database);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** {@code Minoro.create} on the up-to-date file, then {@code close}. */
    @Benchmark
    public Object minoroBootAndClose() {
        return Minoro.create(config).flatMap(minoro -> minoro.close().thenReturn(minoro)).block(TIMEOUT);
    }

    /** The floor: a JDBC connection with Minoro's pragmas, the ledger query, close, on this thread. */
    @Benchmark
    public int jdbcOpenQueryClose() throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 10000");
            statement.execute("PRAGMA foreign_keys = ON");
            try (ResultSet head = statement.executeQuery(HEAD)) {
                head.next();
                return head.getInt(1);
            }
        }
    }
}
