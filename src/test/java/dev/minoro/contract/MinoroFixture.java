package dev.minoro.contract;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.User;
import dev.minoro.testing.HashingGate;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.TestConfigs;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * What the contract suites need from a database: a ready Minoro on a fresh database per test, with
 * the cheap configuration of {@link TestConfigs#fast}. Each database's test class implements this and
 * every contract interface, so the same tests run on SQLite and on PostgreSQL.
 */
public interface MinoroFixture {

    Duration TIMEOUT = Duration.ofSeconds(30);

    /** For an answer that should come at once: only a failing test waits this long. */
    Duration QUICK = Duration.ofSeconds(10);

    /** The instance under test, on a database fresh for this test. */
    Minoro minoro();

    /** Its clock. */
    MutableClock clock();

    /** The database under test. */
    DatabaseConfig database();

    /**
     * Another instance on the same database, configured by {@code change} applied to the test's
     * configuration; closed after the test.
     */
    Minoro another(UnaryOperator<MinoroConfig.Builder> change);

    /** {@link #another(UnaryOperator)} whose hashing threads {@code gate} watches (counts, holds or fails). */
    default Minoro another(UnaryOperator<MinoroConfig.Builder> change, HashingGate gate) {
        return another(b -> gate.watching(change.apply(b)));
    }

    /**
     * {@link #database()} with its connection factory wrapped by {@code customizer}, to record the statements
     * an instance runs, say.
     */
    default MinoroConfig.Builder withConnections(MinoroConfig.Builder builder, UnaryOperator<ConnectionFactory> customizer) {
        return builder.database(database().withConnectionFactoryCustomizer(customizer));
    }

    /** A row of the database, read directly with SQL: the value of the first column of the first row. */
    <T> T sqlValue(Class<T> type, String portableSql, Object... args);

    /** Creates a user with {@link TestConfigs#PASSWORD}. */
    default User user(String email) {
        return minoro().users().create(NewUser.of(email, TestConfigs.PASSWORD)).block(TIMEOUT);
    }
}
