package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.SqliteTrial.PASSWORD;
import static dev.minoro.benchmarks.Workload.TIMEOUT;

import dev.minoro.NewUser;
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
import reactor.core.publisher.Mono;

/**
 * What a login costs at the default Argon2id parameters on a SQLite file, for the three answers a
 * caller can get: success, a wrong password, an unknown email. The last two must cost about the same,
 * so that timing does not tell whether an email has an account. The lockout threshold is raised so
 * that the wrong-password runs never lock the account.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(2)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
public class AuthenticationBenchmark {


    private SqliteTrial trial;

    @Setup(Level.Trial)
    public void setUp() {
        trial = SqliteTrial.open("auth", options -> options.maxFailedLogins(Integer.MAX_VALUE));
        trial.minoro.users().create(NewUser.of("user@example.com", PASSWORD)).block(TIMEOUT);
        // The first unknown-email login makes the dummy hash; measure the later ones.
        login("nobody@example.com", PASSWORD);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        trial.close();
    }

    @Benchmark
    public Object rightPassword() {
        return login("user@example.com", PASSWORD);
    }

    @Benchmark
    public Object wrongPassword() {
        return login("user@example.com", "not the password");
    }

    @Benchmark
    public Object unknownEmail() {
        return login("nobody@example.com", PASSWORD);
    }

    private Object login(String email, String password) {
        return trial.minoro.authenticate(email, password).map(Object.class::cast)
                .onErrorResume(e -> Mono.just(e.getClass())).block(TIMEOUT);
    }
}
