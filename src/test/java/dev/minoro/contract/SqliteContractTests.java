package dev.minoro.contract;

import dev.minoro.DatabaseConfig;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The contract suites on SQLite: a fresh database file per test. */
class SqliteContractTests extends ContractFixture {

    @TempDir
    Path directory;

    @BeforeEach
    void open() {
        start(database(directory));
    }

    /** The test's database, a file in {@code directory}. */
    protected DatabaseConfig database(Path directory) {
        return TestConfigs.sqliteFile(directory, "contract.db");
    }
}
