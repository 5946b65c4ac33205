package dev.minoro.contract;

import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.password.HashingProbe;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import reactor.core.publisher.Mono;

/**
 * The contract suites on SQLite with every connection taken from r2dbc-pool's {@link ConnectionPool}
 * over Minoro's SQLite driver: the driver behaves under a pool as it does on its own.
 */
final class SqlitePooledContractTests extends SqliteContractTests {

    private final List<ConnectionPool> pools = new CopyOnWriteArrayList<>();

    @Override
    protected Mono<Minoro> boot(MinoroConfig config, UnaryOperator<Database> decorator, HashingProbe probe) {
        return MinoroRuntime.create(config, database -> decorator.apply(database.decorate(factory -> {
            ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory)
                    .maxSize(4)
                    .maxAcquireTime(Duration.ofSeconds(10))
                    .build());
            pools.add(pool);
            return pool;
        })), probe);
    }

    @AfterEach
    void disposePools() {
        pools.forEach(ConnectionPool::dispose);
    }
}
