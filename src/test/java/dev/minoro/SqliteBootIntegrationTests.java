package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.sqlite.SqliteConnectionFactory;
import dev.minoro.sqlite.SqliteMetrics;
import dev.minoro.testing.CloseThenListThreadsProcess;
import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serverless hot path on SQLite opens no more than its answer needs: booting an up-to-date file opens one
 * JDBC connection (the writer lane, which also answers the ledger read), not a reader lane besides.
 */
final class SqliteBootIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void bootingAnUpToDateFileOpensOneConnection() {
        List<SqliteConnectionFactory> opened = new CopyOnWriteArrayList<>();
        DatabaseConfig database = TestConfigs.sqliteFile(directory, "boot.db").withConnectionFactoryCustomizer(factory -> {
            opened.add((SqliteConnectionFactory) factory);
            return factory;
        });
        Minoro.migrateDatabase(database).block(TIMEOUT);

        Minoro minoro = Minoro.create(TestConfigs.fast(database, Clock.systemUTC())).block(TIMEOUT);
        try {
            assertEquals(2, opened.size(), "one factory for migrateDatabase, one for the instance");
            SqliteMetrics lanes = opened.get(1).metrics();
            assertEquals(1, lanes.writer().allocatedSize(), lanes.toString());
            assertEquals(0, lanes.readers().allocatedSize(), "no reader lane for the boot's one read: " + lanes);

            // reads that find the writer lane idle keep to it
            assertEquals(0L, minoro.users().count().block(TIMEOUT));
            assertEquals(0, lanes.readers().allocatedSize(), lanes.toString());
        } finally {
            minoro.close().block(TIMEOUT);
        }
    }

    /**
     * A SQLite application loads nothing of PostgreSQL's driver or of Netty (the cold start of a serverless
     * function pays for every class it loads): a fresh JVM, on a class path that has them all, boots, works and
     * closes on a SQLite file while the JVM logs every class it loads.
     */
    @Test
    void aSqliteApplicationLoadsNoClassOfNettyOrOfThePostgresqlDriver() throws Exception {
        Path loaded = directory.resolve("classes.log");
        JavaProcess process = JavaProcess.builder(CloseThenListThreadsProcess.class.getName())
                .jvmOptions("-Xlog:class+load=info:file=" + loaded)
                .arguments("SQLITE", "file:" + directory.resolve("classes.db"), "work")
                .start(directory.resolve("classes.out"));
        assertEquals(0, process.waitFor(TIMEOUT.toSeconds()), process.output());
        List<String> classes = Files.readAllLines(loaded);
        assertTrue(classes.stream().anyMatch(line -> line.contains(" dev.minoro.sqlite.SqliteConnectionFactory ")),
                "the log lists the classes loaded: " + classes.size() + " lines");
        List<String> unwanted = classes.stream()
                .filter(line -> line.contains(" io.netty.") || line.contains(" reactor.netty.")
                        || line.contains(" io.r2dbc.postgresql."))
                .toList();
        assertEquals(List.of(), unwanted);
    }
}
