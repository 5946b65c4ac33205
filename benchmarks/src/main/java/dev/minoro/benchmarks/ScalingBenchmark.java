package dev.minoro.benchmarks;

import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Cost as work grows: the latency of {@code users().findByEmail} for a user picked at random among 10^3, 10^5
 * and 10^6, one caller, Minoro and the raw driver (sqlite-jdbc with a reused statement on the calling thread;
 * r2dbc-postgresql over a pool as Minoro's). The lookup is by a unique index, so it should stay flat. The
 * seeded databases are made once and kept (see {@link SeededUsers}); the first run seeds them
 * (about a minute for 10^6 users on each database).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class ScalingBenchmark {

    @Param({"sqlite", "postgres"})
    public String db;

    @Param({"1000", "100000", "1000000"})
    public int users;

    private SeededUsers target;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws SQLException {
        target = SeededUsers.open(db, users, params.getBenchmark().endsWith("_minoro"));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        target.close();
    }

    private String anyEmail() {
        return Seed.email(ThreadLocalRandom.current().nextInt(users));
    }

    @Benchmark
    public Object findByEmail_minoro() throws SQLException {
        return target.findByEmail(anyEmail());
    }

    @Benchmark
    public Object findByEmail_raw() throws SQLException {
        return target.findByEmail(anyEmail());
    }
}
