package dev.minoro.benchmarks;

import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.LongFunction;
import reactor.core.publisher.Mono;

/**
 * Item 5's PostgreSQL operations at 1 caller (or with 16 or any number of calls in flight), Minoro and raw
 * r2dbc-postgresql in the same JVM against the same server: blocks of {@code calls} calls, one side then the
 * other, the order reversed every round, after three warm-up blocks of each. Separate JVMs (as JMH forks) differ
 * by more than the gap asked about at 1 caller (one build's score moves by half between two of them), which one JVM
 * running both sides in turn takes out: the JIT, the event-loop thread and the heap are the same for both. Prints
 * microseconds per call for every block, and Minoro's throughput as a fraction of raw's (raw's mean time over
 * Minoro's) with the standard error of the rounds' ratios.
 *
 * <pre>java -cp target/benchmarks.jar dev.minoro.benchmarks.PostgresSameJvm [calls] [rounds] [--concurrency N]
 *     [operation...]</pre>
 *
 * Defaults: 3000 calls a block, 6 rounds, one call in flight (16: as the benchmarks at 16 subscribers), every
 * operation (findByEmail, hasPermission, permissionsOf, create,
 * assign); naming some runs only those, for a profile of one. The server is {@code MINORO_BENCH_POSTGRES_URL}'s,
 * else an embedded one.
 */
public final class PostgresSameJvm {

    /** An operation by name, as each side runs it for a call number. */
    private record Operation(String name, BiFunction<MinoroOperations, Long, Mono<?>> minoro,
            BiFunction<R2dbcOperations, Long, Mono<?>> raw) {
    }

    private static final List<Operation> OPERATIONS = List.of(
            new Operation("findByEmail", MinoroOperations::findByEmail, R2dbcOperations::findByEmail),
            new Operation("hasPermission", MinoroOperations::hasPermission, R2dbcOperations::hasPermission),
            new Operation("permissionsOf", MinoroOperations::permissionsOf, R2dbcOperations::permissionsOf),
            // one numbering for both sides: no pair is assigned twice, no email made twice
            new Operation("create", MinoroOperations::create, R2dbcOperations::create),
            new Operation("assign", MinoroOperations::assign, R2dbcOperations::assign));

    private PostgresSameJvm() {
    }

    public static void main(String[] args) throws SQLException {
        Rounds.Arguments arguments = Rounds.Arguments.parse("PostgresSameJvm", args,
                OPERATIONS.stream().map(Operation::name).toList(), 3000, 6, true);
        int calls = arguments.calls();
        int rounds = arguments.rounds();
        int concurrency = arguments.concurrency();
        BenchPostgres.Server server = BenchPostgres.server();
        String schema = Seed.cachedPostgresAccounts(server);
        try (Connection connection = server.jdbc(schema)) {
            Seed.clearWrites(connection);
        }
        Workload workload = new Workload();
        Minoro minoro = Minoro.create(MinoroConfig.of(server.minoro(schema))).block(Workload.TIMEOUT);
        MinoroOperations viaMinoro = new MinoroOperations(minoro, workload);
        try (R2dbcOperations raw = new R2dbcOperations(server, schema, workload)) {
            System.out.printf(Locale.ROOT, "%d calls a block, %d in flight, %d rounds; microseconds per call%n", calls,
                    concurrency, rounds);
            for (Operation operation : OPERATIONS) {
                if (arguments.runs(operation.name())) {
                    measure(operation.name(), k -> operation.minoro().apply(viaMinoro, k),
                            k -> operation.raw().apply(raw, k), workload, calls, concurrency, rounds);
                }
            }
        } finally {
            minoro.close().block(Workload.TIMEOUT);
            try (Connection connection = server.jdbc(schema)) {
                Seed.clearWrites(connection);
            }
        }
    }

    /** Measures one operation: blocks of {@code calls} calls, {@code concurrency} of them in flight. */
    private static void measure(String name, LongFunction<Mono<?>> viaMinoro, LongFunction<Mono<?>> viaRaw,
            Workload workload, int calls, int concurrency, int rounds) {
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            Rounds.timed(viaMinoro, workload, calls, concurrency);
            Rounds.timed(viaRaw, workload, calls, concurrency);
        }
        double[] minoro = new double[rounds];
        double[] raw = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            if (round % 2 == 0) {
                minoro[round] = Rounds.timed(viaMinoro, workload, calls, concurrency);
                raw[round] = Rounds.timed(viaRaw, workload, calls, concurrency);
            } else {
                raw[round] = Rounds.timed(viaRaw, workload, calls, concurrency);
                minoro[round] = Rounds.timed(viaMinoro, workload, calls, concurrency);
            }
        }
        System.out.printf(Locale.ROOT, "%-14s minoro %s%n%-14s raw    %s%n%-14s Minoro / raw throughput %s"
                + " (mean of the rounds' ratios ± standard error)%n", name, Rounds.times(minoro), "",
                Rounds.times(raw), "", Rounds.meanWithError(Rounds.ratios(raw, minoro)));
    }
}
