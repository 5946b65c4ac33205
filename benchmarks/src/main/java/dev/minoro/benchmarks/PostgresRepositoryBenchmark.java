package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.Workload.BATCH;
import static dev.minoro.benchmarks.Workload.TIMEOUT;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Lookups and writes on PostgreSQL (10,000 users, see {@link Seed#accounts}; the seeded schema is kept between
 * runs, and each trial removes what it wrote; for {@code validate}, {@link Workload#SESSIONS} sessions made in the
 * trial's setup), throughput, for each operation:
 * Minoro ({@code _minoro1}, {@code _minoro16}) and raw r2dbc-postgresql over an r2dbc-pool configured as
 * Minoro's ({@code _raw1}, {@code _raw16}, see {@link R2dbcOperations}), the same SQL; one caller that waits
 * for each result, or 16 subscriptions in flight from one thread ({@link Workload#concurrently}). Both pools
 * have Minoro's default size, 10. Issue 11's target: Minoro at least 0.9 x raw, at 1 and at 16.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class PostgresRepositoryBenchmark {

    private final Workload workload = new Workload();
    private BenchPostgres.Server server;
    private String schema;
    private Minoro minoro;
    private MinoroOperations viaMinoro;
    private R2dbcOperations raw;
    private String[] tokens;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws SQLException {
        server = BenchPostgres.server();
        schema = Seed.cachedPostgresAccounts(server);
        try (Connection connection = server.jdbc(schema)) {
            Seed.clearWrites(connection);
        }
        if (params.getBenchmark().contains(".validate_")) {
            tokens = Seed.sessions(server.minoro(schema));
        }
        if (params.getBenchmark().contains("_minoro")) {
            minoro = Minoro.create(MinoroConfig.of(server.minoro(schema))).block(TIMEOUT);
            viaMinoro = new MinoroOperations(minoro, workload);
        } else {
            raw = new R2dbcOperations(server, schema, workload);
        }
    }

    /** Every iteration assigns pairs not yet assigned. */
    @Setup(Level.Iteration)
    public void clearAssignments() throws SQLException {
        try (Connection connection = server.jdbc(schema)) {
            Seed.clearAssignments(connection);
        }
        workload.restart();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        if (minoro != null) {
            minoro.close().block(TIMEOUT);
        }
        if (raw != null) {
            raw.close();
        }
        try (Connection connection = server.jdbc(schema)) {
            Seed.clearWrites(connection);
        }
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

    @Benchmark
    public Object findByEmail_raw1() {
        return raw.findByEmail(workload.next()).block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object findByEmail_raw16() {
        return Workload.concurrently(16, workload.nextBatch(BATCH), BATCH, raw::findByEmail);
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

    @Benchmark
    public Object hasPermission_raw1() {
        return raw.hasPermission(workload.next()).block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object hasPermission_raw16() {
        return Workload.concurrently(16, workload.nextBatch(BATCH), BATCH, raw::hasPermission);
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

    @Benchmark
    public Object permissionsOf_raw1() {
        return raw.permissionsOf(workload.next()).block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object permissionsOf_raw16() {
        return Workload.concurrently(16, workload.nextBatch(BATCH), BATCH, raw::permissionsOf);
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

    @Benchmark
    public Object create_raw1() {
        return raw.create(workload.next()).block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object create_raw16() {
        return Workload.concurrently(16, workload.nextBatch(BATCH), BATCH, raw::create);
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

    @Benchmark
    public Object validate_raw1() {
        return raw.validate(tokens[Workload.session(workload.next())]).block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object validate_raw16() {
        return Workload.concurrently(16, workload.nextBatch(BATCH), BATCH,
                k -> raw.validate(tokens[Workload.session(k)]));
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

    @Benchmark
    public Object assign_raw1() {
        return raw.assign(workload.next()).block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object assign_raw16() {
        return Workload.concurrently(16, workload.nextBatch(BATCH), BATCH, raw::assign);
    }
}
