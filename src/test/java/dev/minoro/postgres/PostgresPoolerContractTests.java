package dev.minoro.postgres;

import dev.minoro.DatabaseConfig;
import dev.minoro.contract.ContractFixture;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresInstance;
import dev.minoro.testing.PostgresPooler;
import dev.minoro.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The repository and authentication contract suites behind PgBouncer in transaction mode, reached with
 * {@code pgbouncer=true}: a fresh database per test, booted and migrated through the pooler.
 */
@ExtendWith(PostgresServer.class)
final class PostgresPoolerContractTests extends ContractFixture {

    private static PostgresPooler pooler;

    @BeforeAll
    static void startPooler(PostgresInstance server) throws Exception {
        pooler = PostgresPooler.start(server, 5);
    }

    @AfterAll
    static void stopPooler() {
        if (pooler != null) {
            pooler.close();
        }
    }

    @BeforeEach
    void open(PostgresDatabase db) {
        start(DatabaseConfig.postgres(pooler.url(db.name())));
    }
}
