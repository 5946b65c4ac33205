package dev.minoro.benchmarks;

import dev.minoro.DatabaseConfig;
import dev.minoro.MinoroConfig;
import dev.minoro.internal.password.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
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
 * The cost of one password hash and one verification at Minoro's defaults (Argon2id m=19456 KiB, t=2,
 * p=1), one caller at a time, through {@link PasswordHasher} and so including the hop to its
 * {@code minoro-password} thread and back; plus the bare Bouncy Castle call on the benchmark thread, to
 * show what that hop costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PasswordHashingBenchmark {

    private static final String PASSWORD = "correct horse battery staple";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private PasswordHasher hasher;
    private String stored;
    private final byte[] salt = new byte[16];

    @Setup(Level.Trial)
    public void setUp() {
        hasher = PasswordHasher.create(MinoroConfig.of(DatabaseConfig.sqlite(":memory:")));
        stored = Objects.requireNonNull(hasher.hash(PASSWORD).block(TIMEOUT));
        // The first dummy verification makes the dummy hash; the benchmark measures the later ones.
        hasher.verifyAgainstDummy(PASSWORD).block(TIMEOUT);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hasher.close().block(TIMEOUT);
    }

    @Benchmark
    public String hash() {
        return hasher.hash(PASSWORD).block(TIMEOUT);
    }

    @Benchmark
    public Boolean verify() {
        return hasher.verify(PASSWORD, stored).block(TIMEOUT);
    }

    @Benchmark
    public Boolean verifyAgainstDummy() {
        return hasher.verifyAgainstDummy(PASSWORD).block(TIMEOUT);
    }

    @Benchmark
    public byte[] bouncyCastleArgon2idOnTheCallingThread() {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(MinoroConfig.DEFAULT_ARGON2_MEMORY_KIB)
                .withIterations(MinoroConfig.DEFAULT_ARGON2_ITERATIONS)
                .withParallelism(MinoroConfig.DEFAULT_ARGON2_PARALLELISM)
                .withSalt(salt)
                .build());
        byte[] out = new byte[32];
        generator.generateBytes(PASSWORD.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
