package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.User;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A child JVM's main that logs everything at TRACE and walks through every flow that handles a
 * secret, printing each error message and every configuration's {@code toString()}: a test then
 * searches its whole output for the secrets. Arguments: the connection string of a database to use (a SQLite
 * file, PostgreSQL with a password in the URL, or a libSQL server with {@code ?authToken=} in the URL), the
 * password to use, then any number of further connection strings (with passwords or tokens) that must fail. Besides creating users and logging in, it changes passwords, refuses
 * bad input, cancels calls at random and closes the instance while calls are in flight, as the reliability suite
 * does, so that what those paths log and throw is searched too.
 */
public final class SecretsProbe {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private SecretsProbe() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "trace");
        // r2dbc-postgresql's parameter logger prints every bound value at DEBUG, and its client the wire's bytes at
        // TRACE, password hashes included; the README's Logging section tells users to keep them below that, as here.
        // Every other logger stays at TRACE.
        System.setProperty("org.slf4j.simpleLogger.log.io.r2dbc.postgresql.PARAM", "info");
        System.setProperty("org.slf4j.simpleLogger.log.io.r2dbc.postgresql.client.ReactorNettyClient", "debug");
        System.setProperty("reactor.logging.fallback", "JDK");
        // the JDK HTTP client's own log (libSQL), all but its header and frame dumps: those print the request's
        // Authorization header, which carries the token, as the README's Logging section says
        System.setProperty("jdk.httpclient.HttpClient.log", "errors,requests,ssl,channel,trace");
        String password = args[1];
        DatabaseConfig database = DatabaseConfig.of(args[0]);
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
        User second = minoro.users().create(NewUser.of("second@example.com", password)).block(TIMEOUT);
        print(minoro.users().changePassword(second.id(), password + "-changed"));
        print(minoro.authenticate("second@example.com", password + "-changed"));
        print(minoro.users().changePassword(second.id(), password.substring(0, 3)));
        print(minoro.users().changePassword(second.id(), password + "\uD800"));
        print(minoro.users().create(NewUser.of("bad\u200B@example.com", password)));
        // calls cancelled at random moments, then close() while calls are in flight
        Flux.range(0, 200)
                .flatMap(i -> minoro.authenticate("second@example.com", i % 2 == 0 ? password : password + "-changed")
                        .then(minoro.users().changePassword(second.id(), password + "-changed"))
                        .timeout(Duration.ofNanos(ThreadLocalRandom.current().nextLong(3_000_000)), Mono.empty())
                        .onErrorResume(e -> {
                            System.out.println(e);
                            return Mono.empty();
                        }), 16)
                .blockLast(TIMEOUT);
        Flux<Object> inFlight = Flux.range(0, 32).flatMap(i -> minoro.authenticate("second@example.com", password)
                .cast(Object.class)
                .onErrorResume(e -> {
                    System.out.println(e);
                    return Mono.empty();
                }));
        Mono.when(inFlight.then(), minoro.close()).block(TIMEOUT);
        print(minoro.authenticate("probe@example.com", password));
        for (int i = 2; i < args.length; i++) {
            try {
                DatabaseConfig other = DatabaseConfig.of(args[i]);
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
