package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.Minoro;
import dev.minoro.MinoroException;
import dev.minoro.NewUser;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A child JVM's main: uses Minoro one way, then prints the threads that would keep the JVM alive after
 * {@code main} returns: {@code non-daemon threads: [...]}. Arguments: database type, connection, and what to do:
 * {@code work} boots, creates a user and logs in (so the driver's and the hasher's threads run) and closes;
 * {@code migrate} runs {@code Minoro.migrateDatabase(db).block()} alone, as a deployment script does;
 * {@code failed-boot} boots on a database that cannot be opened and catches the error.
 */
public final class CloseThenListThreadsProcess {

    private CloseThenListThreadsProcess() {
    }

    public static void main(String[] args) {
        DatabaseConfig database = DatabaseConfig.of(DatabaseType.valueOf(args[0]), args[1]);
        switch (args[2]) {
            case "work" -> {
                Minoro minoro = Minoro.create(TestConfigs.fast(database, Clock.systemUTC())).block(Duration.ofMinutes(2));
                minoro.users().create(NewUser.of("exit@example.com", TestConfigs.PASSWORD)).block(Duration.ofMinutes(1));
                minoro.authenticate("exit@example.com", TestConfigs.PASSWORD).block(Duration.ofMinutes(1));
                minoro.close().block(Duration.ofMinutes(1));
            }
            case "migrate" -> Minoro.migrateDatabase(database).block(Duration.ofMinutes(2));
            case "failed-boot" -> {
                try {
                    Minoro.create(TestConfigs.fast(database, Clock.systemUTC())).block(Duration.ofMinutes(2));
                    throw new AssertionError("the boot was meant to fail");
                } catch (MinoroException expected) {
                    System.out.println("boot failed: " + expected.getClass().getSimpleName());
                }
            }
            default -> throw new IllegalArgumentException(args[2]);
        }
        List<String> keepAlive = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && !thread.isDaemon() && thread != Thread.currentThread())
                .map(Thread::getName)
                .sorted()
                .toList();
        System.out.println("non-daemon threads: " + keepAlive);
        System.out.flush();
    }
}
