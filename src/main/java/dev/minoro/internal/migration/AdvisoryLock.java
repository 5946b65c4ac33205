package dev.minoro.internal.migration;

import dev.minoro.MigrationException;
import dev.minoro.internal.database.Database;
import io.r2dbc.spi.Connection;
import java.time.Duration;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/** PostgreSQL's migration lock. Placeholder: the PostgreSQL issue implements it. */
final class AdvisoryLock implements MigrationLock {

    @Override
    public <T> Mono<T> withLock(Database database, Duration timeout, Function<Connection, Mono<T>> work) {
        return Mono.error(new MigrationException("PostgreSQL migrations are not built yet"));
    }
}
