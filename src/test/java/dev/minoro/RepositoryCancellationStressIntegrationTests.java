package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.sqlite.SqliteConnectionFactory;
import dev.minoro.sqlite.SqliteMetrics;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.TestConfigs;
import io.r2dbc.spi.ConnectionFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Issue 9.1 on a SQLite file: every kind of repository call and login, cancelled at random points many thousands
 * of times, 16 at once (the repro cancelled {@code setDisabled} within 0-5 ms and then found every write
 * waiting forever). Afterwards no lane of the SQLite driver is leased, no transaction is open, and every call
 * still works.
 *
 * <p>{@code -Dminoro.stress.iterations=N} sets the number of calls (default 3000).
 */
final class RepositoryCancellationStressIntegrationTests {

    private static final int ITERATIONS = Integer.getInteger("minoro.stress.iterations", 3000);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private record Kind(String name, Function<Minoro, Mono<?>> call) {
    }

    /** Unique names; not UUID.randomUUID(), whose SecureRandom reads a file, on whatever thread calls it. */
    private static final AtomicLong NAMES = new AtomicLong();

    private static String email() {
        return "u-" + NAMES.incrementAndGet() + "@example.com";
    }

    private static List<Kind> kinds(User user, String email, String role) {
        UUID id = user.id();
        return List.of(
                new Kind("create", m -> m.users().create(NewUser.of(email(), TestConfigs.PASSWORD))),
                new Kind("findById", m -> m.users().findById(id)),
                new Kind("findByEmail", m -> m.users().findByEmail(email)),
                new Kind("count", m -> m.users().count()),
                new Kind("setDisabled", m -> m.users().setDisabled(id, false)),
                new Kind("changePassword", m -> m.users().changePassword(id, TestConfigs.PASSWORD)),
                new Kind("create and delete", m -> m.users().create(NewUser.of(email(), null))
                        .flatMap(u -> m.users().delete(u.id()))),
                new Kind("authenticate", m -> m.authenticate(email, TestConfigs.PASSWORD)),
                new Kind("create role", m -> m.roles().create("r-" + NAMES.incrementAndGet(), "stress")),
                new Kind("findByName", m -> m.roles().findByName(role)),
                new Kind("findAll roles", m -> m.roles().findAll().then()),
                new Kind("assign", m -> m.roles().assign(id, role)),
                new Kind("revoke", m -> m.roles().revoke(id, role)),
                new Kind("rolesOf", m -> m.roles().rolesOf(id).then()),
                new Kind("membersOf", m -> m.roles().membersOf(role).then()),
                new Kind("hasRole", m -> m.roles().hasRole(id, role)),
                new Kind("grantPermission", m -> m.roles().grantPermission(role, "posts:write")),
                new Kind("permissionsOf", m -> m.roles().permissionsOf(id).then()),
                new Kind("hasPermission", m -> m.roles().hasPermission(id, "posts:write")));
    }

    @Test
    void everyKindOfCallCancelledAtRandomGivesItsLaneBack() throws Exception {
        DatabaseConfig database = TestConfigs.sqliteFile(directory, "stress.db");
        AtomicReference<ConnectionFactory> driver = new AtomicReference<>();
        MinoroConfig config = TestConfigs.fast(database.withConnectionFactoryCustomizer(factory -> {
            driver.set(factory);
            return factory;
        }), Clock.systemUTC()).toBuilder()
                // a cancelled login keeps the attempt it reserved: do not let those lock the account
                .maxFailedLogins(1_000_000)
                .build();
        Minoro minoro = Minoro.create(config).block(TIMEOUT);
        try {
            String email = email();
            User user = minoro.users().create(NewUser.of(email, TestConfigs.PASSWORD)).block(TIMEOUT);
            String role = "stress-role";
            minoro.roles().create(role, "stress").block(TIMEOUT);
            List<Kind> kinds = kinds(user, email, role);
            Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
            AtomicLong cancelled = new AtomicLong();
            Queue<String> unexpected = new ConcurrentLinkedQueue<>();
            long start = System.nanoTime();
            Flux.range(0, ITERATIONS)
                    .flatMap(i -> {
                        Kind kind = kinds.get(ThreadLocalRandom.current().nextInt(kinds.size()));
                        calls.computeIfAbsent(kind.name(), k -> new AtomicLong()).incrementAndGet();
                        Mono<Void> call = Mono.defer(() -> kind.call().apply(minoro)).then();
                        boolean cancel = ThreadLocalRandom.current().nextInt(10) != 0;
                        Mono<Void> run = cancel
                                ? call.timeout(Duration.ofNanos(ThreadLocalRandom.current().nextLong(5_000_000)),
                                        Mono.fromRunnable(cancelled::incrementAndGet))
                                : call;
                        return run.onErrorResume(e -> {
                            unexpected.add(kind.name() + ": " + e);
                            return Mono.empty();
                        });
                    }, 16)
                    .then()
                    .block(Duration.ofMinutes(10));
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("Repository stress on SQLite: %d calls, %d cancelled, in %d ms; per kind %s%n",
                    ITERATIONS, cancelled.get(), elapsed, new TreeMap<>(calls));
            assertTrue(unexpected.isEmpty(), unexpected.size() + " calls failed: " + List.copyOf(unexpected)
                    .subList(0, Math.min(10, unexpected.size())));

            SqliteMetrics lanes = ((SqliteConnectionFactory) driver.get()).metrics();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lanes.acquiredSize() > 0 || lanes.pendingAcquireSize() > 0) {
                assertTrue(System.nanoTime() < deadline, lanes.acquiredSize() + " lanes still leased, "
                        + lanes.pendingAcquireSize() + " leases waiting");
                Thread.sleep(10);
            }
            // no transaction left open: another connection to the file writes at once
            assertEquals(1L, RawSql.execute(database, "UPDATE minoro_users SET display_name = display_name"
                    + " WHERE id = $1", user.id().toString()));
            // and every kind of call still works
            for (Kind kind : kinds) {
                Mono.defer(() -> kind.call().apply(minoro)).block(TIMEOUT);
            }
            assertEquals(0, lanes.acquiredSize(), "lanes leased");
            assertEquals("ok", RawSql.value(database, String.class, "PRAGMA integrity_check"));
        } finally {
            minoro.close().block(TIMEOUT);
        }
    }
}
