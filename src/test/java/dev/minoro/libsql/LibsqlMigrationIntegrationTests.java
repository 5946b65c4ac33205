package dev.minoro.libsql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.contract.MigrationContract;
import dev.minoro.testing.HranaRequestCounter;
import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import dev.minoro.testing.RawSql;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration contract on a remote libSQL server, each database a sqld process of its own (concurrent boots
 * in one JVM and in 4 child JVMs, a child killed during its migration); and what only a server shows: the
 * requests sent, counted by a proxy in front of sqld.
 */
final class LibsqlMigrationIntegrationTests implements MigrationContract {

    @TempDir
    Path directory;

    private final List<LibsqlDatabase> databases = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServers() {
        databases.forEach(LibsqlDatabase::close);
    }

    @Override
    public DatabaseConfig freshDatabase() {
        LibsqlDatabase database = LibsqlServer.database();
        databases.add(database);
        return DatabaseConfig.sqlite(database.url());
    }

    @Override
    public boolean tableExists(DatabaseConfig database, String table) {
        return RawSql.value(database, Long.class,
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1", table) > 0;
    }

    @Override
    public Path scratch() {
        return directory;
    }

    @Override
    public int concurrentBoots() {
        return 16;
    }

    private static MinoroConfig config(DatabaseConfig database) {
        return MinoroConfig.builder().database(database).argon2(64, 1, 1).build();
    }

    /** The serverless hot path on libSQL: an up-to-date boot is one HTTP request, the ledger's head read. */
    @Test
    void bootingAnUpToDateDatabaseIsOneRequest() throws Exception {
        DatabaseConfig direct = freshDatabase();
        Minoro.migrateDatabase(direct).block(TIMEOUT);
        try (HranaRequestCounter counter = HranaRequestCounter.in(direct.connection())) {
            Minoro minoro = Minoro.create(config(DatabaseConfig.sqlite(counter.url()))).block(TIMEOUT);
            try {
                assertEquals(1, counter.requests(), counter.bodies().toString());
                assertEquals(List.of(HEAD_QUERY), counter.statements());
            } finally {
                minoro.close().block(TIMEOUT);
            }
        }
    }

    /**
     * A fresh database's migration holds the server's write lock for two requests: {@code [BEGIN IMMEDIATE, the
     * ledger created, the ledger read]}, then {@code [the script, its ledger row, COMMIT]}; the one-statement check
     * comes before them, and the stream's close after the lock is released.
     */
    @Test
    void migratingHoldsTheWriteLockForTwoRequests() throws Exception {
        DatabaseConfig direct = freshDatabase();
        try (HranaRequestCounter counter = HranaRequestCounter.in(direct.connection())) {
            Minoro.migrateDatabase(DatabaseConfig.sqlite(counter.url())).block(TIMEOUT);
            List<List<String>> requests = counter.statementsByRequest();
            assertEquals(List.of(HEAD_QUERY), requests.get(0));
            assertEquals("BEGIN IMMEDIATE", requests.get(1).get(0));
            assertEquals("SELECT version, name, checksum, compatible_from, applied_at, execution_ms, applied_by FROM"
                    + " minoro_migrations ORDER BY version", requests.get(1).get(requests.get(1).size() - 1));
            List<String> write = requests.get(2);
            assertEquals("COMMIT", write.get(write.size() - 1));
            assertEquals(true, write.get(write.size() - 2).startsWith("INSERT INTO minoro_migrations"), write.toString());
            // what follows the COMMIT only closes the stream
            for (List<String> after : requests.subList(3, requests.size())) {
                assertEquals(true, after.isEmpty() || after.equals(List.of("ROLLBACK")), requests.toString());
            }
        }
        assertEquals(1L, RawSql.value(direct, Long.class, "SELECT COUNT(*) FROM minoro_migrations"));
    }
}
