package dev.minoro.postgres;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.contract.AuthenticationContract;
import dev.minoro.contract.RoleRepositoryContract;
import dev.minoro.contract.UserRepositoryContract;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.TestConfigs;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/** The repository and authentication contract suites on PostgreSQL: a fresh database per test. */
@Tag(PostgresServer.BOTH_MAJORS)
@ExtendWith(PostgresServer.class)
final class PostgresContractTests implements UserRepositoryContract, RoleRepositoryContract, AuthenticationContract {

    private final MutableClock clock = MutableClock.atFixedStart();
    private final List<Minoro> others = new ArrayList<>();
    private DatabaseConfig database;
    private MinoroConfig config;
    private Minoro minoro;

    @BeforeEach
    void open(PostgresDatabase db) {
        database = db.config();
        config = TestConfigs.fast(database, clock);
        minoro = Minoro.create(config).block(TIMEOUT);
    }

    @AfterEach
    void close() {
        others.forEach(m -> m.close().block(TIMEOUT));
        if (minoro != null) {
            minoro.close().block(TIMEOUT);
        }
    }

    @Override
    public Minoro minoro() {
        return minoro;
    }

    @Override
    public MutableClock clock() {
        return clock;
    }

    @Override
    public DatabaseConfig database() {
        return database;
    }

    @Override
    public Minoro another(UnaryOperator<MinoroConfig.Builder> change) {
        Minoro other = Minoro.create(change.apply(config.toBuilder()).build()).block(TIMEOUT);
        others.add(other);
        return other;
    }

    @Override
    public <T> T sqlValue(Class<T> type, String portableSql, Object... args) {
        return RawSql.value(database, type, portableSql, args);
    }
}
