package dev.minoro.postgres;

import dev.minoro.contract.ContractFixture;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/** The repository and authentication contract suites on PostgreSQL: a fresh database per test. */
@Tag(PostgresServer.BOTH_MAJORS)
@ExtendWith(PostgresServer.class)
final class PostgresContractTests extends ContractFixture {

    @BeforeEach
    void open(PostgresDatabase db) {
        start(db.config());
    }
}
