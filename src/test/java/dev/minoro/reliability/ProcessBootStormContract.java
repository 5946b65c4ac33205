package dev.minoro.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.testing.BootProcess;
import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.ReliabilityFigures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BootStormContract} in separate JVM processes: {@link #PROCESSES} JVMs started, then released at once by a
 * signal file to boot, on a fresh database and then on the up-to-date one.
 */
interface ProcessBootStormContract extends BootStormContract {

    /** JVM processes booted at once. */
    int PROCESSES = 8;

    /** Starts {@link #PROCESSES} JVMs that boot when a signal file appears; the milliseconds until all were ready. */
    private long bootInSeparateJvms(DatabaseConfig database, String round) throws Exception {
        Path go = scratch().resolve("go-" + round);
        List<JavaProcess> processes = new ArrayList<>();
        try {
            for (int i = 0; i < PROCESSES; i++) {
                // a cold JVM's first connection may take long on a busy machine: wait up to 3 minutes for it
                String[] arguments = database.type() == DatabaseType.POSTGRES
                        ? new String[] {database.type().name(), database.connection(), go.toString(), "PT3M"}
                        : new String[] {database.type().name(), database.connection(), go.toString()};
                processes.add(JavaProcess.start(BootProcess.class, scratch().resolve(round + "-" + i + ".log"),
                        arguments));
            }
            for (JavaProcess process : processes) {
                process.awaitOutput("started", 300); // minutes only on a machine shared by several builds
            }
            long start = System.nanoTime();
            Files.createFile(go);
            for (JavaProcess process : processes) {
                process.awaitOutput("ready users=0", 240);
            }
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            for (JavaProcess process : processes) {
                assertEquals(0, process.waitFor(120), process.output());
            }
            return elapsed;
        } finally {
            for (JavaProcess process : processes) {
                process.kill();
            }
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES) // 20 s on an idle machine; minutes when several builds share it
    default void eightJvmsBootAtOnce() throws Exception {
        DatabaseConfig database = freshDatabase();
        long fresh = bootInSeparateJvms(database, "fresh");
        String migrated = BootStormContract.ledger(database);
        long upToDate = bootInSeparateJvms(database, "up-to-date");
        assertEquals(migrated, BootStormContract.ledger(database), "the up-to-date boots applied nothing");
        assertTrue(fresh > 0 && upToDate > 0);
        ReliabilityFigures.record("1 boot storm, JVM processes", target(),
                PROCESSES + " JVMs started, then released at once to boot, fresh database then up to date",
                "all ready (from release): fresh " + fresh + " ms, up to date " + upToDate + " ms; ledger " + migrated
                        + ", each script once");
    }
}
