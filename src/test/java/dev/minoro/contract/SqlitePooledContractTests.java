package dev.minoro.contract;

import dev.minoro.DatabaseConfig;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The contract suites on SQLite with every connection taken from r2dbc-pool's {@link ConnectionPool}
 * over Minoro's SQLite driver, through {@code DatabaseConfig.withConnectionFactoryCustomizer}: the driver
 * behaves under a pool as it does on its own, and closing each instance disposes its pool.
 */
final class SqlitePooledContractTests extends SqliteContractTests {

    @Override
    protected DatabaseConfig database(Path directory) {
        return super.database(directory).withConnectionFactoryCustomizer(factory -> new ConnectionPool(
                ConnectionPoolConfiguration.builder(factory)
                        .maxSize(4)
                        .maxAcquireTime(Duration.ofSeconds(10))
                        .build()));
    }
}
