package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.InvalidCredentialsException;
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
 * {@code failed-boot} boots on a database that cannot be opened and catches the error; {@code hashing-threads} boots,
 * logs in once (an unknown email: one hash of the dummy) and closes, printing the password-hashing threads alive
 * after each step ({@code hashing threads after boot: [...]}, {@code after login}, {@code after close}).
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
            case "hashing-threads" -> {
                Minoro minoro = Minoro.create(TestConfigs.fast(database, Clock.systemUTC())).block(Duration.ofMinutes(2));
                System.out.println("hashing threads after boot: " + hashingThreads());
                try {
                    minoro.authenticate("nobody@example.com", TestConfigs.PASSWORD).block(Duration.ofMinutes(1));
                    throw new AssertionError("an unknown email logged in");
                } catch (InvalidCredentialsException expected) {
                    System.out.println("hashing threads after login: " + hashingThreads());
                }
                List<Thread> hashing = Thread.getAllStackTraces().keySet().stream()
                        .filter(thread -> thread.getName().startsWith("minoro-password-")).toList();
                minoro.close().block(Duration.ofMinutes(1));
                for (Thread thread : hashing) {
                    try {
                        // close() completes once the hashing executor has terminated; a thread may still be exiting
                        thread.join(Duration.ofMinutes(1).toMillis());
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
                System.out.println("hashing threads after close: " + hashingThreads());
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

    private static List<String> hashingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith("minoro-password-"))
                .map(Thread::getName)
                .sorted()
                .toList();
    }
}
