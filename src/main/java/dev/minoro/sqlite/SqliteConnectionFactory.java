package dev.minoro.sqlite;

import io.r2dbc.spi.Closeable;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** An R2DBC connection factory over sqlite-jdbc. (Skeleton: the SQLite driver issue fills it in.) */
public final class SqliteConnectionFactory implements ConnectionFactory, Closeable {

    private final SqliteConnectionConfiguration configuration;

    public SqliteConnectionFactory(SqliteConnectionConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public Publisher<? extends Connection> create() {
        return Mono.error(new UnsupportedOperationException("not built yet: " + configuration.database()));
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return () -> "SQLite";
    }

    @Override
    public Publisher<Void> close() {
        return Mono.empty();
    }
}
