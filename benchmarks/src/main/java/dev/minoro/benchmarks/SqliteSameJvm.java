package dev.minoro.benchmarks;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.LongFunction;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Item 5's SQLite operations with every side in the same JVM, as {@link PostgresSameJvm} does for PostgreSQL: for
 * each operation, blocks of {@code calls} calls of four kinds, each on a copy of the seeded file of its side
 * ({@link Seed#cachedSqliteAccounts}, 10,000 users):
 * <ul>
 *   <li>{@code minoro1}: Minoro, one call waited for at a time;</li>
 *   <li>{@code minoro16}: Minoro, 16 calls in flight from one thread ({@link Workload#concurrently});</li>
 *   <li>{@code raw}: raw sqlite-jdbc on this thread, the statement prepared once ({@link JdbcOperations});</li>
 *   <li>{@code bridge1}: the same raw statement run on another thread and back, one call waited for at a time: the
 *       floor of any non-blocking bridge over JDBC.</li>
 * </ul>
 * Each round runs the four blocks once, in an order turned by one every round, after {@value #WARM_UP_BLOCKS} warm-up
 * blocks of each.
 * Prints microseconds per call for every block, then each round's ratios as means with their standard error against
 * issue 11's targets: {@code minoro16}'s throughput over {@code raw}'s (at least 0.8) and {@code minoro1}'s time
 * over {@code bridge1}'s (at most 1.3). JMH runs each of these in a JVM of its own, whose differences are as large as
 * the margins asked about.
 *
 * <pre>java -cp target/benchmarks.jar dev.minoro.benchmarks.SqliteSameJvm [calls] [rounds] [operation...]</pre>
 *
 * Defaults: 5000 calls a block, 10 rounds, every operation (findByEmail, hasPermission, permissionsOf, create,
 * assign).
 */
public final class SqliteSameJvm {

    /** The raw driver's side of an operation: one call on this thread. */
    private interface RawCall {
        Object call(JdbcOperations raw, long k) throws SQLException;
    }

    /** An operation by name, as each side runs it for a call number. */
    private record Operation(String name, BiFunction<MinoroOperations, Long, Mono<?>> minoro, RawCall raw) {
    }

    /**
     * One kind of block: its name, how many calls it has in flight, and how it runs a call number (through Reactor,
     * or directly on this thread) with the numbering of its side.
     */
    private record Kind(String name, int concurrency, LongFunction<Mono<?>> reactive, RawCall direct,
            Workload workload) {
    }

    private static final List<Operation> OPERATIONS = List.of(
            new Operation("findByEmail", MinoroOperations::findByEmail, JdbcOperations::findByEmail),
            new Operation("hasPermission", MinoroOperations::hasPermission, JdbcOperations::hasPermission),
            new Operation("permissionsOf", MinoroOperations::permissionsOf, JdbcOperations::permissionsOf),
            new Operation("create", MinoroOperations::create, JdbcOperations::create),
            new Operation("assign", MinoroOperations::assign, JdbcOperations::assign));

    /**
     * Warm-up blocks of each kind before the rounds: three (as {@link PostgresSameJvm} has) left the JIT still at
     * work through the first rounds here (a trial run of findByEmail's: raw from 28 to 13 µs a call over its first
     * four rounds).
     */
    private static final int WARM_UP_BLOCKS = 10;

    private SqliteSameJvm() {
    }

    public static void main(String[] args) throws SQLException, IOException {
        Rounds.Arguments arguments = Rounds.Arguments.parse("SqliteSameJvm", args,
                OPERATIONS.stream().map(Operation::name).toList(), 5000, 10, false);
        int calls = arguments.calls();
        int rounds = arguments.rounds();
        System.out.printf(Locale.ROOT, "%d calls a block, %d rounds; microseconds per call%n", calls, rounds);
        for (Operation operation : OPERATIONS) {
            if (arguments.runs(operation.name())) {
                measure(operation, calls, rounds);
            }
        }
    }

    /** Measures one operation on fresh copies of the seeded file, one for Minoro and one for the raw driver. */
    private static void measure(Operation operation, int calls, int rounds) throws SQLException, IOException {
        Path directory = BenchData.trialDirectory("same-jvm-sqlite-");
        ExecutorService bridgeThread = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "bridge");
            thread.setDaemon(true);
            return thread;
        });
        Scheduler bridge = Schedulers.fromExecutorService(bridgeThread);
        Minoro minoro = null;
        try {
            Path minoroFile = directory.resolve("minoro.db");
            Path rawFile = directory.resolve("raw.db");
            Files.copy(Seed.cachedSqliteAccounts(), minoroFile);
            Files.copy(Seed.cachedSqliteAccounts(), rawFile);
            minoro = Minoro.create(MinoroConfig.of(DatabaseConfig.sqlite("file:" + minoroFile)))
                    .block(Workload.TIMEOUT);
            Workload minoroWorkload = new Workload();
            MinoroOperations viaMinoro = new MinoroOperations(minoro, minoroWorkload);
            Workload rawWorkload = new Workload();
            try (JdbcOperations raw = new JdbcOperations(RawSql.openSqlite(rawFile), rawWorkload)) {
                LongFunction<Mono<?>> minoroCall = k -> operation.minoro().apply(viaMinoro, k);
                List<Kind> kinds = List.of(
                        new Kind("minoro1", 1, minoroCall, null, minoroWorkload),
                        new Kind("minoro16", 16, minoroCall, null, minoroWorkload),
                        new Kind("raw", 1, null, operation.raw(), rawWorkload),
                        new Kind("bridge1", 1, k -> Mono.fromCallable(() -> operation.raw().call(raw, k))
                                .subscribeOn(bridge), null, rawWorkload));
                double[][] micros = rounds(kinds, raw, calls, rounds);
                System.out.println(operation.name());
                for (int i = 0; i < kinds.size(); i++) {
                    System.out.printf(Locale.ROOT, "  %-9s %s%n", kinds.get(i).name(), Rounds.times(micros[i]));
                }
                System.out.printf(Locale.ROOT, "  minoro16 / raw throughput %s (target >= 0.8); minoro1 / bridge1"
                        + " time %s (target <= 1.3) (means of the rounds' ratios ± standard error)%n",
                        Rounds.meanWithError(Rounds.ratios(micros[2], micros[1])),
                        Rounds.meanWithError(Rounds.ratios(micros[0], micros[3])));
            }
        } finally {
            if (minoro != null) {
                minoro.close().block(Workload.TIMEOUT);
            }
            bridge.dispose();
            bridgeThread.shutdownNow();
            BenchData.delete(directory);
        }
    }

    /** The microseconds per call of each kind's blocks, round by round, after the warm-up blocks. */
    private static double[][] rounds(List<Kind> kinds, JdbcOperations raw, int calls, int rounds)
            throws SQLException {
        for (int warmUp = 0; warmUp < WARM_UP_BLOCKS; warmUp++) {
            for (Kind kind : kinds) {
                block(kind, raw, calls);
            }
        }
        double[][] micros = new double[kinds.size()][rounds];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            order.add(i);
        }
        for (int round = 0; round < rounds; round++) {
            for (int i : order) {
                micros[i][round] = block(kinds.get(i), raw, calls);
            }
            Collections.rotate(order, -1);
        }
        return micros;
    }

    /** Runs one block of {@code kind}; returns microseconds per call. */
    private static double block(Kind kind, JdbcOperations raw, int calls) throws SQLException {
        if (kind.direct() == null) {
            return Rounds.timed(kind.reactive(), kind.workload(), calls, kind.concurrency());
        }
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            kind.direct().call(raw, kind.workload().next());
        }
        return (System.nanoTime() - start) / 1000.0 / calls;
    }
}
