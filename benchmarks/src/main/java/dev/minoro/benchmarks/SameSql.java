package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.Workload.TIMEOUT;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.SessionOptions;
import io.r2dbc.proxy.ProxyConnectionFactory;
import io.r2dbc.proxy.core.QueryExecutionInfo;
import io.r2dbc.proxy.core.QueryInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;

/**
 * Checks that the raw baselines run the text of the statements Minoro runs, word for word and one for one (not their
 * bindings, which {@link R2dbcOperations} and {@link JdbcOperations} set by hand): opens Minoro on the
 * benchmark's database with its connection factory wrapped by r2dbc-proxy, which records the text of every statement
 * executed; boots, runs each measured operation once, and compares what each ran with {@link RawSql}'s statement
 * for it. A baseline that drifted from the library (a statement changed, or one more run) fails the raw trial's
 * setup, with the statements side by side.
 *
 * <p>Over the proxy, Minoro runs every statement on an R2DBC connection (on SQLite, not below it, as it does
 * without a customizer): the text is the same either way. The check writes what a write benchmark writes (one new
 * user, one membership, one session), which the trials' own clean-up removes.
 */
final class SameSql {

    private SameSql() {
    }

    /**
     * Runs the check on {@code database}, whose statements {@code flavour} writes, seeded as {@link Seed#accounts}
     * seeds it.
     *
     * @throws IllegalStateException naming each operation whose statements differ from the baseline's
     */
    static void check(DatabaseConfig database, RawSql.Flavour flavour) {
        List<String> ran = new ArrayList<>();
        // r2dbc-proxy reports an execution whose result was cancelled (as a Mono's next() does) twice
        Set<QueryExecutionInfo> reported = Collections.newSetFromMap(new IdentityHashMap<>());
        UnaryOperator<io.r2dbc.spi.ConnectionFactory> recording = factory -> ProxyConnectionFactory.builder(factory)
                .onAfterQuery(execution -> {
                    synchronized (ran) {
                        if (!reported.add(execution)) {
                            return;
                        }
                        execution.getQueries().stream().map(QueryInfo::getQuery).forEach(ran::add);
                    }
                })
                .build();
        Map<String, List<String>> differences = new LinkedHashMap<>();
        Minoro minoro = Minoro.create(MinoroConfig.of(database.withConnectionFactoryCustomizer(recording)))
                .block(TIMEOUT);
        try {
            compare(differences, "boot (up-to-date schema)", List.of(flavour.sql(RawSql.LEDGER_HEAD)), drain(ran));
            MinoroOperations operations = new MinoroOperations(minoro, new Workload());
            compare(differences, "users().findByEmail", List.of(flavour.sql(RawSql.USER_BY_EMAIL)),
                    ranBy(ran, operations.findByEmail(0)));
            compare(differences, "roles().hasPermission", List.of(flavour.sql(RawSql.HAS_PERMISSION)),
                    ranBy(ran, operations.hasPermission(0)));
            compare(differences, "roles().permissionsOf", List.of(flavour.sql(RawSql.PERMISSIONS_OF)),
                    ranBy(ran, operations.permissionsOf(0)));
            compare(differences, "users().create", List.of(flavour.sql(flavour.insertUser())),
                    ranBy(ran, operations.create(0)));
            compare(differences, "roles().assign", List.of(flavour.sql(flavour.assign())),
                    ranBy(ran, operations.assign(0)));
            String token = minoro.sessions().create(Seed.userId(0), SessionOptions.defaults()).block(TIMEOUT).token();
            drain(ran); // the session's creation, not measured
            compare(differences, "sessions().validate", List.of(flavour.sql(RawSql.VALIDATE_SESSION)),
                    ranBy(ran, operations.validate(token)));
        } finally {
            minoro.close().block(TIMEOUT);
        }
        if (!differences.isEmpty()) {
            StringBuilder message = new StringBuilder("the raw baselines do not run what Minoro runs;"
                    + " bring RawSql in line with the library's SQL:");
            differences.forEach((operation, lines) -> {
                message.append("\n").append(operation).append(":");
                lines.forEach(line -> message.append("\n  ").append(line));
            });
            throw new IllegalStateException(message.toString());
        }
    }

    /**
     * What {@code operation} ran: the statements recorded from its subscription to its end.
     *
     * @throws IllegalStateException when statements were recorded before it: the previous operation's, late
     */
    private static List<String> ranBy(List<String> ran, Mono<?> operation) {
        List<String> before = drain(ran);
        if (!before.isEmpty()) {
            throw new IllegalStateException("statements ran after the operation that ran them had ended: " + before);
        }
        operation.block(TIMEOUT);
        return drain(ran);
    }

    /** The statements recorded so far, forgotten. */
    private static List<String> drain(List<String> ran) {
        synchronized (ran) {
            List<String> statements = List.copyOf(ran);
            ran.clear();
            return statements;
        }
    }

    /** Notes a difference under {@code operation} when Minoro ran other statements than the baseline runs. */
    private static void compare(Map<String, List<String>> differences, String operation, List<String> baseline,
            List<String> minoro) {
        if (!minoro.equals(baseline)) {
            List<String> lines = new ArrayList<>();
            lines.add("Minoro ran " + minoro.size() + " statement(s):");
            minoro.forEach(sql -> lines.add("  " + sql));
            lines.add("the baseline runs " + baseline.size() + ":");
            baseline.forEach(sql -> lines.add("  " + sql));
            differences.put(operation, lines);
        }
    }
}
