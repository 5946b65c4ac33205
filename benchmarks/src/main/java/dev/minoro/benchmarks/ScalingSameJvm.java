package dev.minoro.benchmarks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Item 7's lookups as users grow, every size and both sides in the same JVM against the same database server:
 * {@code users().findByEmail} of a user picked at random among 10^3, 10^5 and 10^6 (the seeded databases of
 * {@link ScalingBenchmark}), through Minoro and through the raw driver, in blocks of {@code calls} calls one after
 * the other, one caller. Each round runs the six blocks once, in an order turned by one every round, after three
 * warm-up blocks of each. JMH's forks of {@link ScalingBenchmark} differ by more than the growth asked about on
 * PostgreSQL (errors of 36 to 42 % on the times, the server on the same two cores); in one JVM the JIT, the heap
 * and the server's state are the same for every block, so each round's ratios compare like with like.
 *
 * <p>Prints microseconds per call for every block, then each round's ratios as means with their standard error:
 * for each side, the time at 10^5 and at 10^6 users over the time at 10^3 (flat is 1); and at each size, Minoro's
 * time over the raw driver's; then the lookup's plan at each size, with what it read. A SQLite file is read through
 * once before the warm-up, so that the rounds measure lookups on a file the operating system's page cache holds, as
 * it holds any file in use: on this machine a seeded file not read for a while is out of it, and the first rounds
 * would measure reading it from disk.
 *
 * <pre>java -cp target/benchmarks.jar dev.minoro.benchmarks.ScalingSameJvm [sqlite|postgres] [calls] [rounds]</pre>
 *
 * Defaults: {@code postgres}, 2000 calls a block, 10 rounds. The PostgreSQL server is
 * {@code MINORO_BENCH_POSTGRES_URL}'s, else an embedded one; the first run seeds the databases (see
 * {@link SeededUsers}).
 */
public final class ScalingSameJvm {

    private static final int[] USERS = {1_000, 100_000, 1_000_000};

    /** One block's subject: a database of {@code users} users through Minoro or the raw driver. */
    private record Target(int users, boolean viaMinoro, SeededUsers seeded) {
        String name() {
            return (viaMinoro ? "minoro" : "raw") + " " + users;
        }
    }

    private ScalingSameJvm() {
    }

    public static void main(String[] args) throws SQLException, IOException {
        String db = args.length > 0 ? args[0] : "postgres";
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        if (!List.of("sqlite", "postgres").contains(db) || calls < 1 || rounds < 2) {
            throw new IllegalArgumentException("usage: ScalingSameJvm [sqlite|postgres; postgres] [calls a block, at"
                    + " least 1; 2000] [rounds, at least 2 for a standard error; 10]");
        }
        List<Target> targets = new ArrayList<>();
        try {
            for (int users : USERS) {
                for (boolean viaMinoro : new boolean[] {true, false}) {
                    targets.add(new Target(users, viaMinoro, SeededUsers.open(db, users, viaMinoro)));
                }
            }
            run(db, targets, calls, rounds);
        } finally {
            for (Target target : targets) {
                target.seeded().close();
            }
        }
    }

    private static void run(String db, List<Target> targets, int calls, int rounds)
            throws SQLException, IOException {
        for (Target target : targets) {
            target.seeded().readFileThrough();
        }
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            for (Target target : targets) {
                block(target, calls);
            }
        }
        double[][] micros = new double[targets.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                order.add(i);
            }
            Collections.rotate(order, -(round % targets.size()));
            for (int i : order) {
                micros[i][round] = block(targets.get(i), calls);
            }
        }
        System.out.printf(Locale.ROOT, "%s, %d calls a block, %d rounds; microseconds per call%n", db, calls, rounds);
        for (int i = 0; i < targets.size(); i++) {
            System.out.printf(Locale.ROOT, "%-14s %s  (mean %.1f)%n", targets.get(i).name(), Rounds.times(micros[i]),
                    Arrays.stream(micros[i]).average().orElseThrow());
        }
        System.out.println("ratios, mean of the rounds' ratios ± standard error:");
        for (boolean viaMinoro : new boolean[] {true, false}) {
            double[] base = micros[index(targets, USERS[0], viaMinoro)];
            for (int users : new int[] {USERS[1], USERS[2]}) {
                print((viaMinoro ? "Minoro" : "raw") + " " + users + " / " + USERS[0] + " users",
                        micros[index(targets, users, viaMinoro)], base);
            }
        }
        for (int users : USERS) {
            print("Minoro / raw at " + users + " users", micros[index(targets, users, true)],
                    micros[index(targets, users, false)]);
        }
        for (int users : USERS) {
            System.out.println(plan(db, targets.get(index(targets, users, false)).seeded(), users));
        }
    }

    /**
     * The lookup's plan at {@code users} users, after the rounds, with what it read: on PostgreSQL the executed
     * plan with its buffers (pages found in shared buffers, pages read) for three users, the table's size with its
     * indexes and {@code shared_buffers}; on SQLite the query plan, the file's size and the page cache's.
     */
    private static String plan(String db, SeededUsers seeded, int users) throws SQLException {
        boolean sqlite = Seed.Db.of(db) == Seed.Db.SQLITE;
        List<String> lines = new ArrayList<>();
        lines.add("plan of the lookup at " + users + " users:");
        try (Connection connection = seeded.jdbc()) {
            String explain = sqlite ? "EXPLAIN QUERY PLAN " + RawSql.sqlite(RawSql.USER_BY_EMAIL)
                    : "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) " + RawSql.USER_BY_EMAIL.replaceAll("\\$\\d+", "?");
            for (int i = 0; i < (sqlite ? 1 : 3); i++) {
                try (PreparedStatement statement = connection.prepareStatement(explain)) {
                    statement.setString(1, Workload.normalised(Seed.email(
                            ThreadLocalRandom.current().nextInt(users))));
                    lines.addAll(column(statement.executeQuery()));
                }
            }
            String sizes = sqlite
                    ? "SELECT (SELECT page_count FROM pragma_page_count())"
                            + " * (SELECT page_size FROM pragma_page_size()),"
                            + " (SELECT cache_size FROM pragma_cache_size())"
                    : "SELECT pg_size_pretty(pg_total_relation_size('minoro_users')),"
                            + " current_setting('shared_buffers')";
            try (PreparedStatement statement = connection.prepareStatement(sizes);
                    ResultSet row = statement.executeQuery()) {
                row.next();
                lines.add(sqlite ? "file " + row.getString(1) + " bytes, page cache " + row.getString(2)
                        + " (pages, or KiB when negative)"
                        : "minoro_users with its indexes " + row.getString(1) + ", shared_buffers "
                                + row.getString(2));
            }
        }
        return String.join("\n  ", lines);
    }

    /** The last column of every row of {@code rows}, which it closes. */
    private static List<String> column(ResultSet rows) throws SQLException {
        List<String> values = new ArrayList<>();
        try (rows) {
            int last = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                values.add(rows.getString(last));
            }
        }
        return values;
    }

    private static int index(List<Target> targets, int users, boolean viaMinoro) {
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).users() == users && targets.get(i).viaMinoro() == viaMinoro) {
                return i;
            }
        }
        throw new IllegalStateException("no target of " + users + " users");
    }

    private static void print(String what, double[] a, double[] b) {
        System.out.printf(Locale.ROOT, "  %-32s %s%n", what, Rounds.meanWithError(Rounds.ratios(a, b)));
    }

    /** Runs {@code calls} lookups of users picked at random, one after the other; returns microseconds per call. */
    private static double block(Target target, int calls) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            if (target.seeded().findByEmail(Seed.email(random.nextInt(target.users()))) == null) {
                throw new IllegalStateException("a seeded user was not found in " + target.name());
            }
        }
        return (System.nanoTime() - start) / 1000.0 / calls;
    }
}
