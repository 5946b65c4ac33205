package dev.minoro.sqlite;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite 3.51.0 and 3.51.1 deadlock inside their unix VFS (an ABBA order between the global
 * {@code unixBigLock} and an inode's mutex, in the broken-POSIX-lock detection that 3.51.0 added; fixed in
 * 3.51.2) when connections to the same files open and close on many threads at once, as Minoro's lanes and
 * concurrent boots do. With the bundled 3.51.1 this stalled within seconds, hanging test runs; this guards
 * the sqlite-jdbc version: it fails if opening and closing ever stop making progress.
 */
final class SqliteOpenCloseConcurrencyIntegrationTests {

    private static final int THREADS = 8;
    private static final long RUN_SECONDS = 8;
    private static final long STALL_SECONDS = 10;

    @TempDir
    Path directory;

    @Test
    void connectionsOpeningAndClosingOnManyThreadsKeepMakingProgress() throws Exception {
        AtomicLong opened = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = new Thread(task, "open-close-stress");
            thread.setDaemon(true); // a deadlocked native thread must not keep the test JVM alive
            return thread;
        });
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(RUN_SECONDS);
        for (int t = 0; t < THREADS; t++) {
            int offset = t;
            threads.execute(() -> {
                for (int i = 0; System.nanoTime() < end; i++) {
                    Path file = directory.resolve("db-" + (i + offset) % 3 + ".db");
                    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                            Statement s = c.createStatement()) {
                        s.execute("PRAGMA busy_timeout = 5000");
                        s.executeQuery("PRAGMA journal_mode = WAL").close();
                        s.execute("CREATE TABLE IF NOT EXISTS t (x)");
                        s.execute("INSERT INTO t VALUES (1)");
                    } catch (SQLException e) {
                        // busy and the like are not the point; a hang is
                    }
                    opened.incrementAndGet();
                }
            });
        }
        threads.shutdown();
        long last = -1;
        while (!threads.awaitTermination(STALL_SECONDS, TimeUnit.SECONDS)) {
            long now = opened.get();
            if (now == last) {
                fail("no connection opened or closed for " + STALL_SECONDS + " s after " + now
                        + ": SQLite deadlocked (is sqlite-jdbc bundling SQLite 3.51.0 or 3.51.1?)");
            }
            last = now;
        }
        assertTrue(opened.get() > THREADS, "the threads ran: " + opened.get());
    }
}
