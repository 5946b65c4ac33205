package dev.minoro.vertx;

import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link VertxAuthContract} on the test suite's PostgreSQL server. */
@ExtendWith(PostgresServer.class)
final class VertxAuthPostgresIntegrationTests extends VertxAuthContract {

    @BeforeAll
    void open(PostgresDatabase db) {
        start(db.config());
    }
}
