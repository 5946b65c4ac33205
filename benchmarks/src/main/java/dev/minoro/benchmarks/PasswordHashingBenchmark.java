package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.SqliteTrial.PASSWORD;
import static dev.minoro.benchmarks.Workload.TIMEOUT;

import dev.minoro.NewUser;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * What making a password hash costs through Minoro's public API, one caller at a time:
 * {@code users().changePassword} on a SQLite file (the hop to a {@code minoro-password} thread and back, NFKC,
 * a salt, Argon2id at the defaults, the PHC string, one {@code UPDATE}), against the bare Bouncy Castle call
 * on the calling thread ({@link Argon2Floor}). Verifying costs the same hash: see
 * {@link AuthenticationBenchmark} and {@link LoginBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(2)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
public class PasswordHashingBenchmark {


    private SqliteTrial trial;
    private UUID user;

    @Setup(Level.Trial)
    public void setUp() {
        trial = SqliteTrial.open("hashing");
        user = trial.minoro.users().create(NewUser.of("user@example.com", null)).block(TIMEOUT).id();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        trial.close();
    }

    @Benchmark
    public Object changePassword() {
        return trial.minoro.users().changePassword(user, PASSWORD).block(TIMEOUT);
    }

    @Benchmark
    public byte[] bouncyCastleArgon2idOnTheCallingThread() {
        return Argon2Floor.hash(PASSWORD);
    }
}
