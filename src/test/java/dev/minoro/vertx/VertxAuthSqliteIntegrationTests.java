package dev.minoro.vertx;

import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link VertxAuthContract} on a SQLite file. */
final class VertxAuthSqliteIntegrationTests extends VertxAuthContract {

    @BeforeAll
    void open(@TempDir Path directory) {
        start(TestConfigs.sqliteFile(directory, "vertx-auth.db"));
    }
}
