package dev.minoro.contract;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * The contract suites on SQLite: a fresh database file per test. Subclasses may route Minoro's
 * connections differently, through {@link #boot}.
 */
class SqliteContractTests implements UserRepositoryContract, RoleRepositoryContract, AuthenticationContract {

    @TempDir
    Path directory;

    private final MutableClock clock = MutableClock.atFixedStart();
    private final List<Minoro> others = new ArrayList<>();
    private DatabaseConfig database;
    private MinoroConfig config;
    private Minoro minoro;

    @BeforeEach
    void open() {
        database = TestConfigs.sqliteFile(directory, "contract.db");
        config = TestConfigs.fast(database, clock);
        minoro = boot(config).block(TIMEOUT);
    }

    /** How the test's instances are made. */
    Mono<Minoro> boot(MinoroConfig config) {
        return Minoro.create(config);
    }

    @AfterEach
    void close() {
        others.forEach(m -> m.close().block(TIMEOUT));
        minoro.close().block(TIMEOUT);
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
        Minoro other = boot(change.apply(config.toBuilder()).build()).block(TIMEOUT);
        others.add(other);
        return other;
    }

    @Override
    public <T> T sqlValue(Class<T> type, String portableSql, Object... args) {
        return RawSql.value(database, type, portableSql, args);
    }
}
