package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.Workload.BATCH;
import static dev.minoro.benchmarks.Workload.TIMEOUT;

import java.sql.Connection;
import java.sql.SQLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Lookups and writes on PostgreSQL (10,000 users, see {@link Seed#accounts}; the seeded schema is kept between
 * runs, and each trial removes what it wrote; for {@code validate}, {@link Workload#SESSIONS} sessions made in the
 * trial's setup), throughput, for each operation: Minoro ({@code _minoro1}, {@code _minoro16}, in
 * {@link RepositoryBenchmark}) and raw r2dbc-postgresql over an r2dbc-pool configured as Minoro's ({@code _raw1},
 * {@code _raw16}, see {@link R2dbcOperations}), the same SQL (checked by {@link SameSql}); one caller that waits
 * for each result, or 16 subscriptions in flight from one thread ({@link Workload#concurrently}). Both pools have
 * Minoro's default size, 10. Issue 11's target: Minoro at least 0.9 x raw, at 1 and at 16.
 */
public class PostgresRepositoryBenchmark extends RepositoryBenchmark {

    private BenchPostgres.Server server;
    private String schema;
    private R2dbcOperations raw;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws SQLException {
        server = BenchPostgres.server();
        schema = Seed.cachedPostgresAccounts(server);
        try (Connection connection = jdbc()) {
            Seed.clearWrites(connection);
        }
        if (params.getBenchmark().contains(".validate_")) {
            tokens = Seed.sessions(server.minoro(schema));
        }
        if (params.getBenchmark().contains("_minoro")) {
            openMinoro(server.minoro(schema));
        } else {
            SameSql.check(server.minoro(schema), RawSql.Flavour.POSTGRES);
            raw = new R2dbcOperations(server, schema, workload);
        }
    }

    @Override
    protected Connection jdbc() throws SQLException {
        return server.jdbc(schema);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        closeMinoro();
        if (raw != null) {
            raw.close();
        }
        try (Connection connection = jdbc()) {
            Seed.clearWrites(connection);
        }
    }

    // findByEmail

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
    public Object assign_raw1() {
        return raw.assign(workload.next()).block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object assign_raw16() {
        return Workload.concurrently(16, workload.nextBatch(BATCH), BATCH, raw::assign);
    }
}
