package dev.minoro.contract;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.TestConfigs;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

/**
 * The repository and authentication contract suites, for one way of reaching a database: a subclass
 * calls {@link #start(DatabaseConfig)} with a fresh database before each test. Instances are closed after
 * each test.
 */
public abstract class ContractFixture implements UserRepositoryContract, RoleRepositoryContract, AuthenticationContract,
        LockoutContract, ImportedHashContract, InputContract, RaceContract, HashingQueueContract, CloseContract,
        MetricsContract, UserSearchContract, AccountManagementContract, RoleManagementContract,
        LoginEventsContract, BulkImportContract, SessionRepositoryContract, SpringSessionContract {

    private final MutableClock clock = MutableClock.atFixedStart();
    private final List<Minoro> instances = new CopyOnWriteArrayList<>();
    private @Nullable DatabaseConfig database;
    private @Nullable MinoroConfig config;
    private @Nullable Minoro minoro;

    /** Boots the test's instance on {@code database}, with {@link TestConfigs#fast} and the test's clock. */
    protected final void start(DatabaseConfig database) {
        this.database = database;
        this.config = TestConfigs.fast(database, clock);
        this.minoro = track(MinoroRuntime.create(config).block(TIMEOUT));
    }

    @AfterEach
    final void closeInstances() {
        instances.forEach(m -> m.close().block(TIMEOUT));
    }

    @Override
    public final Minoro minoro() {
        return require(minoro);
    }

    @Override
    public final MutableClock clock() {
        return clock;
    }

    @Override
    public final DatabaseConfig database() {
        return require(database);
    }

    @Override
    public final Minoro another(UnaryOperator<MinoroConfig.Builder> change) {
        return track(MinoroRuntime.create(change.apply(require(config).toBuilder()).build()).block(TIMEOUT));
    }

    @Override
    public final <T> T sqlValue(Class<T> type, String portableSql, Object... args) {
        return RawSql.value(database(), type, portableSql, args);
    }

    private Minoro track(@Nullable Minoro instance) {
        instances.add(require(instance));
        return instance;
    }

    private static <T> T require(@Nullable T value) {
        if (value == null) {
            throw new IllegalStateException("start(database) was not called before the test");
        }
        return value;
    }
}
