package dev.minoro.libsql;

import dev.minoro.DatabaseConfig;
import dev.minoro.contract.ContractFixture;
import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The repository and authentication contract suites on a remote libSQL server: a fresh sqld database per test,
 * reached as {@code DatabaseConfig.sqlite("http://127.0.0.1:port")}. Every suite runs whole: none is about local
 * files (those are SqliteMigrationIntegrationTests' own).
 */
@ExtendWith(LibsqlServer.class)
final class LibsqlContractTests extends ContractFixture {

    @BeforeEach
    void open(LibsqlDatabase db) {
        start(DatabaseConfig.sqlite(db.url()));
    }
}
