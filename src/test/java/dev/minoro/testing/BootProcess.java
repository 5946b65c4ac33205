package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A child JVM's main: waits for a start signal (a file appearing), boots Minoro on a database, counts
 * its users, prints {@code ready} and closes. Arguments: database type, connection, start-signal file, and for
 * PostgreSQL optionally the pool's acquire timeout (ISO-8601, such as {@code PT2M}), for storms of JVMs on a
 * machine so busy that a cold JVM's first connection takes longer than the default 30 s.
 */
public final class BootProcess {

    private BootProcess() {
    }

    public static void main(String[] args) throws Exception {
        BlockHoundSession.install();
        DatabaseConfig database = DatabaseConfig.of(DatabaseType.valueOf(args[0]), args[1]);
        if (args.length > 3) {
            database = database.withAcquireTimeout(Duration.parse(args[3]));
        }
        Path go = Path.of(args[2]);
        System.out.println("started");
        System.out.flush();
        while (!Files.exists(go)) {
            Thread.sleep(2);
        }
        Minoro minoro = Minoro.create(MinoroConfig.of(database)).block(Duration.ofMinutes(2));
        long users = minoro.users().count().block(Duration.ofMinutes(1));
        System.out.println("ready users=" + users);
        minoro.close().block(Duration.ofMinutes(1));
        System.out.flush();
    }
}
