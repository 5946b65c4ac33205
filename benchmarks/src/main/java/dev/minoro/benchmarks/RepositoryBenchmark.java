package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.Workload.BATCH;
import static dev.minoro.benchmarks.Workload.TIMEOUT;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Minoro's side of the lookups and writes, the same on every database: for each operation, {@code _minoro1}, one
 * caller that waits for each result ({@code block()}), and {@code _minoro16}, 16 subscriptions in flight from one
 * thread ({@link Workload#concurrently}), throughput. JMH runs these methods as those of each subclass
 * ({@link SqliteRepositoryBenchmark}, {@link PostgresRepositoryBenchmark}), whose trial setup opens Minoro
 * ({@link #openMinoro}, for a {@code _minoro} benchmark) and fills {@link #tokens} (for {@code validate}), and
 * which add their raw-driver variants.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public abstract class RepositoryBenchmark {

    protected final Workload workload = new Workload();
    /** The tokens of the sessions {@code validate} reads. */
    protected String[] tokens;
    private Minoro minoro;
    private MinoroOperations viaMinoro;

    /** Opens Minoro on {@code database}, with its default configuration, for the {@code _minoro} benchmarks. */
    protected final void openMinoro(DatabaseConfig database) {
        minoro = Minoro.create(MinoroConfig.of(database)).block(TIMEOUT);
        viaMinoro = new MinoroOperations(minoro, workload);
    }

    /** Closes what {@link #openMinoro} opened, if it was called. */
    protected final void closeMinoro() {
        if (minoro != null) {
            minoro.close().block(TIMEOUT);
        }
    }

    /** A new JDBC connection to the benchmark's database, for the caller to close. */
    protected abstract Connection jdbc() throws SQLException;

    /** Every iteration assigns pairs not yet assigned. */
    @Setup(Level.Iteration)
    public void clearAssignments() throws SQLException {
        try (Connection connection = jdbc()) {
            Seed.clearAssignments(connection);
        }
        workload.restart();
    }

    // findByEmail

    @Benchmark
    public Object findByEmail_minoro1() {
        return viaMinoro.findByEmail(workload.next()).block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object findByEmail_minoro16() {
        return Workload.concurrently(16, workload.nextBatch(BATCH), BATCH, viaMinoro::findByEmail);
    }

    // hasPermission

    @Benchmark
    public Object hasPermission_minoro1() {
        return viaMinoro.hasPermission(workload.next()).block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object hasPermission_minoro16() {
        return Workload.concurrently(16, workload.nextBatch(BATCH), BATCH, viaMinoro::hasPermission);
    }

    // permissionsOf

    @Benchmark
    public Object permissionsOf_minoro1() {
        return viaMinoro.permissionsOf(workload.next()).block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object permissionsOf_minoro16() {
        return Workload.concurrently(16, workload.nextBatch(BATCH), BATCH, viaMinoro::permissionsOf);
    }

    // users().create, no password

    @Benchmark
    public Object create_minoro1() {
        return viaMinoro.create(workload.next()).block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object create_minoro16() {
        return Workload.concurrently(16, workload.nextBatch(BATCH), BATCH, viaMinoro::create);
    }

    // sessions().validate

    @Benchmark
    public Object validate_minoro1() {
        return viaMinoro.validate(tokens[Workload.session(workload.next())]).block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object validate_minoro16() {
        return Workload.concurrently(16, workload.nextBatch(BATCH), BATCH,
                k -> viaMinoro.validate(tokens[Workload.session(k)]));
    }

    // roles().assign

    @Benchmark
    public Object assign_minoro1() {
        return viaMinoro.assign(workload.next()).then().block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object assign_minoro16() {
        return Workload.concurrently(16, workload.nextBatch(BATCH), BATCH, viaMinoro::assign);
    }
}
