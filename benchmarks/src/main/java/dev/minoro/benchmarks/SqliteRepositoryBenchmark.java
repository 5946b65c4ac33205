package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.Workload.TIMEOUT;

import dev.minoro.DatabaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Lookups and writes on a SQLite file (10,000 users, see {@link Seed#accounts}; a copy of the seeded file
 * per trial; for {@code validate}, {@link Workload#SESSIONS} sessions made in the trial's setup), throughput, for
 * each operation (Minoro's side in {@link RepositoryBenchmark}):
 * <ul>
 *   <li>{@code _minoro1}: Minoro, one caller that waits for each result ({@code block()});</li>
 *   <li>{@code _minoro16}: Minoro, 16 subscriptions in flight from one thread ({@link Workload#concurrently});</li>
 *   <li>{@code _minoro1afterBurst} (findByEmail and validate): {@code _minoro1} after the trial's setup ran the
 *       16-subscriber benchmark three times, which opens every reader lane: what a caller alone pays after a
 *       burst;</li>
 *   <li>{@code _raw}: raw sqlite-jdbc on the benchmark thread, the same SQL ({@link SameSql} checks it) on a
 *       statement prepared once and reused, on a connection with Minoro's pragmas: the most a single SQLite
 *       connection does;</li>
 *   <li>{@code _bridge1}: the same raw statement run on another thread and back
 *       ({@code Mono.fromCallable(…).subscribeOn(one thread).block()}): the floor of any non-blocking bridge
 *       over JDBC, one caller.</li>
 * </ul>
 * Issue 11's targets: {@code _minoro16} at least 0.8 x {@code _raw}; {@code _minoro1} at most 1.3 x the
 * time of {@code _bridge1}. A benchmark opens only what it measures.
 */
public class SqliteRepositoryBenchmark extends RepositoryBenchmark {

    private Path directory;
    private Path file;
    private JdbcOperations raw;
    private ExecutorService bridgeThread;
    private Scheduler bridge;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws IOException, SQLException {
        directory = BenchData.trialDirectory("repository-sqlite-");
        file = directory.resolve("accounts.db");
        Files.copy(Seed.cachedSqliteAccounts(), file);
        DatabaseConfig database = DatabaseConfig.sqlite("file:" + file);
        String variant = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('_') + 1);
        if (params.getBenchmark().contains(".validate_")) {
            tokens = Seed.sessions(database);
        }
        if (variant.startsWith("minoro")) {
            openMinoro(database);
            if (variant.endsWith("afterBurst")) {
                // 16 subscribers at once open every reader lane; the measured caller is then alone among them
                boolean validate = params.getBenchmark().contains(".validate_");
                for (int burst = 0; burst < 3; burst++) {
                    if (validate) {
                        validate_minoro16();
                    } else {
                        findByEmail_minoro16();
                    }
                }
            }
        } else {
            SameSql.check(database, RawSql.Flavour.SQLITE);
            raw = new JdbcOperations(RawSql.openSqlite(file), workload);
            if (variant.startsWith("bridge")) {
                bridgeThread = Executors.newSingleThreadExecutor(r -> {
                    Thread thread = new Thread(r, "bridge");
                    thread.setDaemon(true);
                    return thread;
                });
                bridge = Schedulers.fromExecutorService(bridgeThread);
            }
        }
    }

    @Override
    protected Connection jdbc() throws SQLException {
        return RawSql.openSqlite(file);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        closeMinoro();
        if (raw != null) {
            raw.close();
        }
        if (bridge != null) {
            bridge.dispose();
            bridgeThread.shutdownNow();
        }
        BenchData.delete(directory);
    }

    private <T> T bridged(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(bridge).block(TIMEOUT);
    }

    // findByEmail

    /** {@code findByEmail_minoro1} after a burst of 16 subscribers has opened every reader lane. */
    @Benchmark
    public Object findByEmail_minoro1afterBurst() {
        return findByEmail_minoro1();
    }

    @Benchmark
    public Object findByEmail_raw() throws SQLException {
        return raw.findByEmail(workload.next());
    }

    @Benchmark
    public Object findByEmail_bridge1() {
        long k = workload.next();
        return bridged(() -> raw.findByEmail(k));
    }

    // hasPermission

    @Benchmark
    public Object hasPermission_raw() throws SQLException {
        return raw.hasPermission(workload.next());
    }

    @Benchmark
    public Object hasPermission_bridge1() {
        long k = workload.next();
        return bridged(() -> raw.hasPermission(k));
    }

    // permissionsOf

    @Benchmark
    public Object permissionsOf_raw() throws SQLException {
        return raw.permissionsOf(workload.next());
    }

    @Benchmark
    public Object permissionsOf_bridge1() {
        long k = workload.next();
        return bridged(() -> raw.permissionsOf(k));
    }

    // users().create, no password

    @Benchmark
    public Object create_raw() throws SQLException {
        return raw.create(workload.next());
    }

    @Benchmark
    public Object create_bridge1() {
        long k = workload.next();
        return bridged(() -> raw.create(k));
    }

    // sessions().validate

    /** {@code validate_minoro1} after a burst of 16 subscribers has opened every reader lane. */
    @Benchmark
    public Object validate_minoro1afterBurst() {
        return validate_minoro1();
    }

    @Benchmark
    public Object validate_raw() throws SQLException {
        return raw.validate(tokens[Workload.session(workload.next())]);
    }

    @Benchmark
    public Object validate_bridge1() {
        String token = tokens[Workload.session(workload.next())];
        return bridged(() -> raw.validate(token));
    }

    // roles().assign

    @Benchmark
    public Object assign_raw() throws SQLException {
        return raw.assign(workload.next());
    }

    @Benchmark
    public Object assign_bridge1() {
        long k = workload.next();
        return bridged(() -> raw.assign(k));
    }
}
