package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * A child JVM's main that logs everything at TRACE and walks through every flow that handles a
 * secret, printing each error message and every configuration's {@code toString()}: a test then
 * searches its whole output for the secrets. Arguments: SQLite connection, the password to use,
 * then any number of further connection strings (with passwords) that must fail.
 */
public final class SecretsProbe {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private SecretsProbe() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "trace");
        System.setProperty("reactor.logging.fallback", "JDK");
        String password = args[1];
        DatabaseConfig database = DatabaseConfig.sqlite(args[0]);
        MinoroConfig config = MinoroConfig.builder().database(database).argon2(64, 1, 1).maxFailedLogins(2).build();
        System.out.println(database);
        System.out.println(config);
        NewUser newUser = NewUser.of("probe@example.com", password);
        System.out.println(newUser);
        Minoro minoro = Minoro.create(config).block(TIMEOUT);
        System.out.println(minoro);
        System.out.println(minoro.users().create(newUser).block(TIMEOUT));
        print(minoro.users().create(newUser));
        print(minoro.users().create(NewUser.of("short@example.com", password.substring(0, 4))));
        print(minoro.users().create(NewUser.of("long@example.com", password.repeat(200))));
        System.out.println(minoro.authenticate("probe@example.com", password).block(TIMEOUT));
        for (String attempt : List.of(password + "x", password + "y", password)) {
            print(minoro.authenticate("probe@example.com", attempt));
        }
        print(minoro.authenticate("nobody@example.com", password));
        minoro.close().block(TIMEOUT);
        for (int i = 2; i < args.length; i++) {
            try {
                DatabaseConfig other = DatabaseConfig.postgres(args[i]);
                System.out.println(other);
                print(Minoro.create(MinoroConfig.of(other.withAcquireTimeout(Duration.ofSeconds(5)))));
                print(Minoro.migrateDatabase(other));
            } catch (RuntimeException e) {
                printChain(e);
            }
        }
        System.out.println("probe done");
    }

    private static void print(Mono<?> call) {
        try {
            System.out.println(call.block(TIMEOUT));
        } catch (RuntimeException e) {
            printChain(e);
        }
    }

    private static void printChain(Throwable e) {
        e.printStackTrace(System.out);
    }
}
