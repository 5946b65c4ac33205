package dev.minoro.reliability;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.testing.TestConfigs;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * A child JVM's main, run without write permission on a SQLite file or its directory: boots Minoro on the file
 * (argument 1) and, when that works, reads, logs in and writes; prints one line per step, {@code <step>: ok} or
 * {@code <step>: <exception class>: <message>}, and {@code done} at the end.
 */
public final class ReadOnlyDatabaseProcess {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ReadOnlyDatabaseProcess() {
    }

    public static void main(String[] args) {
        Minoro minoro = step("boot", () -> Minoro.create(TestConfigs.fast(DatabaseConfig.sqlite("file:" + args[0]),
                Clock.systemUTC())));
        if (minoro != null) {
            step("read", () -> minoro.users().count());
            step("login", () -> minoro.authenticate(ReadOnlyIntegrationTests.EMAIL, TestConfigs.PASSWORD));
            step("write", () -> minoro.users().create(NewUser.of("second@example.com", TestConfigs.PASSWORD)));
            step("close", minoro::close);
        }
        System.out.println("done");
        System.out.flush();
    }

    private static <T> T step(String name, Supplier<Mono<T>> call) {
        try {
            T result = call.get().block(TIMEOUT);
            System.out.println(name + ": ok");
            return result;
        } catch (RuntimeException e) {
            System.out.println(name + ": " + e.getClass().getName() + ": " + e.getMessage());
            return null;
        } finally {
            System.out.flush();
        }
    }
}
