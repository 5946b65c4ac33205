package dev.minoro.benchmarks;

import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.LongFunction;
import reactor.core.publisher.Mono;

/**
 * Item 5's PostgreSQL operations at 1 caller, Minoro and raw r2dbc-postgresql in the same JVM against the same
 * server: blocks of {@code calls} calls, one side then the other, the order reversed every round, after three
 * warm-up blocks of each. Separate JVMs (as JMH forks) differ by more than the gap asked about at 1 caller (one
 * build's score moves by half between two of them), which one JVM running both sides in turn takes out: the JIT,
 * the event-loop thread and the heap are the same for both. Prints microseconds per call for every block, and
 * Minoro's throughput as a fraction of raw's (raw's mean time over Minoro's) with the standard error of the
 * rounds' ratios.
 *
 * <pre>java -cp target/benchmarks.jar dev.minoro.benchmarks.PostgresSameJvm [calls] [rounds] [operation...]</pre>
 *
 * Defaults: 3000 calls a block, 6 rounds, every operation (findByEmail, hasPermission, permissionsOf, create,
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
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        List<String> chosen = Arrays.asList(args).subList(Math.min(args.length, 2), args.length);
        List<String> names = OPERATIONS.stream().map(Operation::name).toList();
        if (calls < 1 || rounds < 2 || !names.containsAll(chosen)) {
            throw new IllegalArgumentException("usage: PostgresSameJvm [calls a block, at least 1; 3000]"
                    + " [rounds, at least 2 for a standard error; 6] [operation, one of " + names + "; all]...");
        }
        BenchPostgres.Server server = BenchPostgres.server();
        String schema = Seed.cachedPostgresAccounts(server);
        try (Connection connection = server.jdbc(schema)) {
            Seed.clearWrites(connection);
        }
        Workload workload = new Workload();
        Minoro minoro = Minoro.create(MinoroConfig.of(server.minoro(schema))).block(Workload.TIMEOUT);
        MinoroOperations viaMinoro = new MinoroOperations(minoro, workload);
        try (R2dbcOperations raw = new R2dbcOperations(server, schema, workload)) {
            System.out.printf(Locale.ROOT, "%d calls a block, %d rounds; microseconds per call%n", calls, rounds);
            for (Operation operation : OPERATIONS) {
                if (chosen.isEmpty() || chosen.contains(operation.name())) {
                    measure(operation.name(), k -> operation.minoro().apply(viaMinoro, k),
                            k -> operation.raw().apply(raw, k), workload, calls, rounds);
                }
            }
        } finally {
            minoro.close().block(Workload.TIMEOUT);
            try (Connection connection = server.jdbc(schema)) {
                Seed.clearWrites(connection);
            }
        }
    }

    private static void measure(String name, LongFunction<Mono<?>> viaMinoro, LongFunction<Mono<?>> viaRaw,
            Workload workload, int calls, int rounds) {
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            block(viaMinoro, workload, calls);
            block(viaRaw, workload, calls);
        }
        double[] minoro = new double[rounds];
        double[] raw = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            if (round % 2 == 0) {
                minoro[round] = block(viaMinoro, workload, calls);
                raw[round] = block(viaRaw, workload, calls);
            } else {
                raw[round] = block(viaRaw, workload, calls);
                minoro[round] = block(viaMinoro, workload, calls);
            }
        }
        System.out.printf(Locale.ROOT, "%-14s minoro %s%n%-14s raw    %s%n%-14s Minoro / raw throughput %s"
                + " (mean of the rounds' ratios ± standard error)%n", name, Rounds.times(minoro), "",
                Rounds.times(raw), "", Rounds.meanWithError(Rounds.ratios(raw, minoro)));
    }

    /** Runs {@code calls} calls one after the other, each waited for; returns microseconds per call. */
    private static double block(LongFunction<Mono<?>> operation, Workload workload, int calls) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            operation.apply(workload.next()).block(Workload.TIMEOUT);
        }
        return (System.nanoTime() - start) / 1000.0 / calls;
    }
}
