package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.Minoro;
import dev.minoro.MinoroException;
import dev.minoro.NewUser;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import reactor.core.Disposable;

/**
 * A child JVM's main: uses Minoro one way, then prints the threads that would keep the JVM alive after
 * {@code main} returns: {@code non-daemon threads: [...]}. Arguments: database type, connection, and what to do:
 * {@code work} boots, creates a user and logs in (so the driver's and the hasher's threads run) and closes;
 * {@code migrate} runs {@code Minoro.migrateDatabase(db).block()} alone, as a deployment script does;
 * {@code failed-boot} boots on a database that cannot be opened and catches the error; {@code cancelled-boot} holds
 * the SQLite file's write lock (another connection, as another process would), starts a boot, cancels it while it
 * waits for the lock, and lets the lock go; {@code hashing-threads} boots, logs in once (an unknown email: one hash
 * of the dummy) and closes, printing the password-hashing threads alive after each step
 * ({@code hashing threads after boot: [...]}, {@code after login}, {@code after close}); {@code libsql-threads}
 * (on a libSQL server) runs two instances at once and prints the HTTP clients and threads of the libSQL driver. With the single argument
 * {@code main} and a class name, it runs that class's {@code main} (the README's quickstart) and then lists.
 */
public final class CloseThenListThreadsProcess {

    private CloseThenListThreadsProcess() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("main")) {
            Class.forName(args[1]).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
            printNonDaemonThreads();
            return;
        }
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
            case "cancelled-boot" -> cancelBootWaitingForTheLock(database, args[1]);
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
            case "libsql-threads" -> twoInstancesThenLibsqlThreads(database);
            default -> throw new IllegalArgumentException(args[2]);
        }
        printNonDaemonThreads();
    }

    /**
     * Two instances on one libSQL server at once, each logged in once, then both closed: prints the HTTP clients
     * their threads belong to ({@code libsql clients while open: [N]}, the N of {@code minoro-libsql-N-M}) and the
     * libSQL threads alive once both are closed ({@code libsql threads after close: [...]}).
     */
    private static void twoInstancesThenLibsqlThreads(DatabaseConfig database) {
        Minoro first = Minoro.create(TestConfigs.fast(database, Clock.systemUTC())).block(Duration.ofMinutes(2));
        Minoro second = Minoro.create(TestConfigs.fast(database, Clock.systemUTC())).block(Duration.ofMinutes(2));
        first.users().create(NewUser.of("first@example.com", TestConfigs.PASSWORD)).block(Duration.ofMinutes(1));
        first.authenticate("first@example.com", TestConfigs.PASSWORD).block(Duration.ofMinutes(1));
        second.authenticate("first@example.com", TestConfigs.PASSWORD).block(Duration.ofMinutes(1));
        List<Thread> libsql = threads("minoro-libsql-");
        System.out.println("libsql clients while open: " + libsql.stream()
                .map(thread -> thread.getName().split("-")[2]).distinct().sorted().toList());
        first.close().block(Duration.ofMinutes(1));
        second.close().block(Duration.ofMinutes(1));
        for (Thread thread : libsql) {
            try {
                // close() completes once the executor is shut down; a thread may still be returning
                thread.join(Duration.ofMinutes(1).toMillis());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        System.out.println("libsql threads after close: " + threads("minoro-libsql-").stream().map(Thread::getName)
                .toList());
    }

    private static List<Thread> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix))
                .toList();
    }

    private static void cancelBootWaitingForTheLock(DatabaseConfig database, String connection) throws Exception {
        try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + connection.substring("file:".length()));
                Statement statement = holder.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("BEGIN IMMEDIATE");
            Disposable boot = Minoro.create(TestConfigs.fast(database, Clock.systemUTC()))
                    .subscribe(minoro -> System.out.println("booted, not cancelled"));
            // the boot reads the missing ledger, then waits for the lock in the migration: a lane is open by then
            while (Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("minoro-sqlite"))) {
                Thread.sleep(5);
            }
            boot.dispose();
            statement.execute("ROLLBACK");
        }
        System.out.println("boot cancelled");
    }

    private static void printNonDaemonThreads() {
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
