package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.SqliteTrial.PASSWORD;
import static dev.minoro.benchmarks.Workload.TIMEOUT;

import dev.minoro.NewUser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Logins on a SQLite file at the default Argon2id parameters, with 1, 2 and 16 callers at once (JMH threads,
 * each a different user, each waiting for its answer): throughput, and latency percentiles (SampleTime).
 * The ceiling is {@code min(callers, cores) / hash time}, with the hash time of
 * {@code argon2idOnTheCallingThread} (the bare Bouncy Castle call) measured in the same run; Minoro hashes on
 * as many threads as there are cores. Run with {@code -prof gc -prof dev.minoro.benchmarks.HeapProfiler} for
 * the heap: 16 callers must not hold more than hashing threads x 19 MiB beyond what 1 caller holds.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(2)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
public class LoginBenchmark {

    static final int MOST_CALLERS = 16;

    private SqliteTrial trial;

    @Setup(Level.Trial)
    public void setUp() {
        trial = SqliteTrial.open("login");
        for (int i = 0; i < MOST_CALLERS; i++) {
            trial.minoro.users().create(NewUser.of(Seed.email(i), PASSWORD)).block(TIMEOUT);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        trial.close();
    }

    /** One caller: a user of its own, so that no two callers meet on one account's lockout bookkeeping. */
    @State(Scope.Thread)
    public static class Caller {

        private static final AtomicInteger NEXT = new AtomicInteger();

        String email;

        @Setup(Level.Trial)
        public void setUp() {
            email = Seed.email(NEXT.getAndIncrement() % MOST_CALLERS);
        }
    }

    @Benchmark
    @Threads(1)
    public Object authenticate1(Caller caller) {
        return trial.minoro.authenticate(caller.email, PASSWORD).block(TIMEOUT);
    }

    @Benchmark
    @Threads(2)
    public Object authenticate2(Caller caller) {
        return trial.minoro.authenticate(caller.email, PASSWORD).block(TIMEOUT);
    }

    @Benchmark
    @Threads(MOST_CALLERS)
    public Object authenticate16(Caller caller) {
        return trial.minoro.authenticate(caller.email, PASSWORD).block(TIMEOUT);
    }

    /** The hash time of the ceiling: the bare Bouncy Castle call, one thread. */
    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.AverageTime)
    public byte[] argon2idOnTheCallingThread() {
        return Argon2Floor.hash(PASSWORD);
    }
}
