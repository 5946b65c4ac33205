package dev.minoro.sqlite;

import java.time.Duration;
import java.util.Objects;

/**
 * The configuration of a {@link SqliteConnectionFactory}. (Skeleton: the SQLite driver issue fills it in.)
 */
public final class SqliteConnectionConfiguration {

    /** The {@code database} value of an in-memory database, one per connection factory. */
    public static final String MEMORY = ":memory:";

    private final String database;
    private final Duration busyTimeout;

    private SqliteConnectionConfiguration(String database, Duration busyTimeout) {
        this.database = database;
        this.busyTimeout = busyTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String database() {
        return database;
    }

    public Duration busyTimeout() {
        return busyTimeout;
    }

    /** Builds a {@link SqliteConnectionConfiguration}. */
    public static final class Builder {

        private String database = MEMORY;
        private Duration busyTimeout = Duration.ofSeconds(5);

        private Builder() {
        }

        public Builder database(String database) {
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        public Builder busyTimeout(Duration busyTimeout) {
            this.busyTimeout = Objects.requireNonNull(busyTimeout, "busyTimeout");
            return this;
        }

        public SqliteConnectionConfiguration build() {
            return new SqliteConnectionConfiguration(database, busyTimeout);
        }
    }
}
