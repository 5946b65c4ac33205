package dev.minoro.contract;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.password.HashingProbe;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.TestConfigs;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import reactor.core.publisher.Mono;

/**
 * The repository and authentication contract suites, for one way of reaching a database: a subclass
 * calls {@link #start(DatabaseConfig)} with a fresh database before each test, and may change how
 * instances are made through {@link #boot}. Instances are closed after each test.
 */
public abstract class ContractFixture implements UserRepositoryContract, RoleRepositoryContract, AuthenticationContract,
        LockoutContract, ImportedHashContract, InputContract, RaceContract, HashingQueueContract, CloseContract {

    private final MutableClock clock = MutableClock.atFixedStart();
    private final List<Minoro> instances = new CopyOnWriteArrayList<>();
    private @Nullable DatabaseConfig database;
    private @Nullable MinoroConfig config;
    private @Nullable Minoro minoro;

    /** Boots the test's instance on {@code database}, with {@link TestConfigs#fast} and the test's clock. */
    protected final void start(DatabaseConfig database) {
        this.database = database;
        this.config = TestConfigs.fast(database, clock);
        this.minoro = track(boot(config, UnaryOperator.identity(), HashingProbe.NONE).block(TIMEOUT));
    }

    /**
     * How the test's instances are made: {@code decorator} wraps the opened database (to record
     * statements, say) and {@code probe} watches the hashing threads.
     */
    protected Mono<Minoro> boot(MinoroConfig config, UnaryOperator<Database> decorator, HashingProbe probe) {
        return MinoroRuntime.create(config, decorator, probe);
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
    public final Minoro another(UnaryOperator<MinoroConfig.Builder> change, HashingProbe probe,
            UnaryOperator<Database> decorator) {
        return track(boot(change.apply(require(config).toBuilder()).build(), decorator, probe).block(TIMEOUT));
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
