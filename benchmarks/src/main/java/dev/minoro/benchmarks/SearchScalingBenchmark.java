package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.Workload.TIMEOUT;

import dev.minoro.Page;
import dev.minoro.User;
import dev.minoro.UserQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Search as users grow (issue 13 item 1): the latency of the first page of {@code users().search} by email prefix
 * among 10^4, 10^5 and 10^6 users, one caller, Minoro and the raw driver running the same statement (sqlite-jdbc
 * with a reused statement on the calling thread; r2dbc-postgresql over a pool as Minoro's). The search reads a range
 * of the unique index on {@code email_norm}, so it should stay flat: the ratio 10^6 / 10^4 near 1.
 *
 * <p>Each search is for {@code "user" + i} with {@code i} picked at random in {@code [users / 1000, users / 100)}:
 * such a prefix matches exactly {@value #MATCHES} users ({@code user<i>}, {@code user<i>0…9} and
 * {@code user<i>00…99}) whatever the number of users, so that the work the answer needs is the same at every size
 * and only the table grows. The page is {@link UserQuery#DEFAULT_PAGE_SIZE} users, with a next cursor. Each trial
 * prints the database's plan of the statement. The seeded databases are {@link ScalingBenchmark}'s (see
 * {@link SeededUsers}), made once and kept.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class SearchScalingBenchmark {

    /** Users that every searched prefix matches. */
    static final int MATCHES = 111;

    private static final int PAGE_SIZE = UserQuery.DEFAULT_PAGE_SIZE;

    @Param({"sqlite", "postgres"})
    public String db;

    @Param({"10000", "100000", "1000000"})
    public int users;

    private SeededUsers target;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws SQLException {
        if (users % 1000 != 0 || users < 10_000) {
            throw new IllegalArgumentException("users must be a multiple of 1000, at least 10000, was " + users);
        }
        target = SeededUsers.open(db, users, params.getBenchmark().endsWith("_minoro"));
        String explain = Seed.Db.of(db) == Seed.Db.SQLITE
                ? "EXPLAIN QUERY PLAN " + RawSql.sqlite(RawSql.SEARCH_BY_EMAIL_PREFIX)
                : "EXPLAIN " + RawSql.SEARCH_BY_EMAIL_PREFIX.replaceAll("\\$\\d+", "?");
        System.out.println("Plan of a search by email prefix, " + db + ", " + users + " users:\n"
                + plan(target.jdbc(), explain));
        checkFirstPage();
    }

    /** The plan of {@code explain} for a prefix, on {@code connection}, which it closes. */
    private String plan(Connection connection, String explain) throws SQLException {
        try (connection; PreparedStatement statement = connection.prepareStatement(explain)) {
            String prefix = anyPrefix();
            statement.setString(1, prefix);
            statement.setString(2, RawSql.prefixEnd(prefix));
            statement.setInt(3, PAGE_SIZE + 1);
            List<String> lines = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                int columns = row.getMetaData().getColumnCount();
                while (row.next()) {
                    lines.add("  " + row.getString(columns));
                }
            }
            return String.join("\n", lines);
        }
    }

    /** Fails the trial unless a search answers what this benchmark means to measure: a full first page. */
    private void checkFirstPage() throws SQLException {
        int found;
        if (target.minoro != null) {
            Page<User> page = searchByEmailPrefix_minoro();
            if (page.nextCursor() == null) {
                throw new IllegalStateException("a first page of " + PAGE_SIZE + " of " + MATCHES
                        + " matching users has no next cursor");
            }
            found = page.items().size();
        } else {
            found = searchByEmailPrefix_raw().size() - 1;
        }
        if (found != PAGE_SIZE) {
            throw new IllegalStateException("a search found " + found + " users, expected a page of " + PAGE_SIZE);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        target.close();
    }

    /** {@code "user" + i}, {@code i} in {@code [users / 1000, users / 100)}: {@value #MATCHES} users match it. */
    private String anyPrefix() {
        return "user" + ThreadLocalRandom.current().nextInt(users / 1000, users / 100);
    }

    @Benchmark
    public Page<User> searchByEmailPrefix_minoro() {
        return target.minoro.users().search(UserQuery.all().withEmailPrefix(anyPrefix())).block(TIMEOUT);
    }

    @Benchmark
    public List<RawSql.UserRow> searchByEmailPrefix_raw() throws SQLException {
        return target.sqlite != null ? target.sqlite.searchByEmailPrefix(anyPrefix(), PAGE_SIZE)
                : target.postgres.searchByEmailPrefix(anyPrefix(), PAGE_SIZE).block(TIMEOUT);
    }
}
