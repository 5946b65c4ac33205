package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.sqlite.SqliteConnectionFactory;
import dev.minoro.testing.ConnectionPools;
import dev.minoro.testing.MinoroThreads;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresPooler;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.ReliabilityFigures;
import dev.minoro.testing.TestConfigs;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.pool.PoolMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Issue 9.1 and suite item 4, on every target (a SQLite file, the same through r2dbc-pool, PostgreSQL, PgBouncer in
 * transaction mode): every kind of repository call and login, cancelled at random points many thousands of times,
 * 16 at once (the repro cancelled {@code setDisabled} within 0-5 ms and then found every write waiting
 * forever). Afterwards no lane of the SQLite driver and no pooled connection is leased, the server shows no busy
 * connection, no transaction is open, every call still works, and {@code close()} leaves no Minoro thread.
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

    /** The ways of reaching a database that the stress runs on. */
    enum Target {
        SQLITE("SQLite file"),
        SQLITE_POOLED("SQLite file through r2dbc-pool"),
        POSTGRES("PostgreSQL"),
        PGBOUNCER("PgBouncer (transaction mode)");

        final String title;

        Target(String title) {
            this.title = title;
        }
    }

    private static @Nullable PostgresPooler pooler;

    @AfterAll
    static void stopPooler() {
        if (pooler != null) {
            pooler.close();
        }
    }

    /** The connection factories of the instance under test, as its customizer saw and made them. */
    private static final class Factories {
        volatile @Nullable SqliteConnectionFactory sqlite;
        volatile @Nullable ConnectionPool pool;

        /**
         * Waits, at most 10 s, until no lane or pooled connection is leased and no call waits for one. A call that
         * ends by a cancel gives its lease back a moment after its subscriber has seen it end, so the counts are
         * awaited, not read once.
         */
        void awaitNothingLeased(String when) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!leased().isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "still leased " + when + ": " + leased());
                Thread.sleep(10);
            }
        }

        String leased() {
            StringBuilder leased = new StringBuilder();
            SqliteConnectionFactory lanes = sqlite;
            if (lanes != null && (lanes.metrics().acquiredSize() > 0 || lanes.metrics().pendingAcquireSize() > 0)) {
                leased.append(lanes.metrics()).append(' ');
            }
            ConnectionPool connections = pool;
            if (connections != null) {
                PoolMetrics metrics = connections.getMetrics().orElseThrow();
                if (metrics.acquiredSize() > 0 || metrics.pendingAcquireSize() > 0) {
                    leased.append("pool: ").append(metrics.acquiredSize()).append(" acquired, ")
                            .append(metrics.pendingAcquireSize()).append(" pending");
                }
            }
            return leased.toString();
        }
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void everyKindOfCallCancelledAtRandomLeavesNothingLeased(Target target) throws Exception {
        Factories factories = new Factories();
        @Nullable PostgresDatabase postgres = null;
        DatabaseConfig database;
        switch (target) {
            case SQLITE -> database = TestConfigs.sqliteFile(directory, "stress.db")
                    .withConnectionFactoryCustomizer(factory -> {
                        factories.sqlite = (SqliteConnectionFactory) factory;
                        return factory;
                    });
            case SQLITE_POOLED -> database = TestConfigs.sqliteFile(directory, "stress.db")
                    .withConnectionFactoryCustomizer(factory -> {
                        factories.sqlite = (SqliteConnectionFactory) factory;
                        factories.pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory).maxSize(4)
                                .maxAcquireTime(Duration.ofSeconds(10)).build());
                        return factories.pool;
                    });
            default -> {
                postgres = PostgresServer.shared().createDatabase();
                String url = postgres.url();
                if (target == Target.PGBOUNCER) {
                    synchronized (RepositoryCancellationStressIntegrationTests.class) {
                        if (pooler == null) {
                            pooler = PostgresPooler.start(postgres.server(), 10);
                        }
                        url = pooler.url(postgres.name());
                    }
                }
                database = DatabaseConfig.postgres(url).withConnectionFactoryCustomizer(factory -> {
                    factories.pool = ConnectionPools.of(factory);
                    return factory;
                });
            }
        }
        try {
            stress(target, database, factories, postgres);
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private void stress(Target target, DatabaseConfig database, Factories factories, @Nullable PostgresDatabase postgres)
            throws Exception {
        Set<String> threadsBefore = MinoroThreads.alive();
        MinoroConfig config = TestConfigs.fast(database, Clock.systemUTC()).toBuilder()
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
            System.out.printf("Repository stress on %s: %d calls, %d cancelled, in %d ms; per kind %s%n",
                    target.title, ITERATIONS, cancelled.get(), elapsed, new TreeMap<>(calls));
            assertTrue(unexpected.isEmpty(), unexpected.size() + " calls failed: " + List.copyOf(unexpected)
                    .subList(0, Math.min(10, unexpected.size())));

            factories.awaitNothingLeased("after the stress");
            if (postgres != null) {
                // on the server, every connection of the database is idle: no statement running, no transaction open
                awaitServerIdle(postgres);
            }
            // no transaction left open: another connection to the database writes at once
            DatabaseConfig direct = postgres != null ? postgres.config() : database;
            assertEquals(1L, RawSql.execute(direct, "UPDATE minoro_users SET display_name = display_name"
                    + " WHERE id = $1", postgres != null ? user.id() : user.id().toString()));
            // and every kind of call still works
            for (Kind kind : kinds) {
                Mono.defer(() -> kind.call().apply(minoro)).block(TIMEOUT);
            }
            factories.awaitNothingLeased("after one call of each kind");
            if (postgres == null) {
                assertEquals("ok", RawSql.value(database, String.class, "PRAGMA integrity_check"));
            }
            ReliabilityFigures.record("4 cancellation and leaks", target.title,
                    ITERATIONS + " calls of " + kinds.size() + " kinds, 16 at once, 9 in 10 cancelled after a random"
                            + " 0-5 ms",
                    cancelled.get() + " cancelled, " + unexpected.size() + " errors, in " + elapsed
                            + " ms; afterwards nothing leased, no transaction open, every kind of call works,"
                            + " no thread of the instance left"
                            + (postgres == null ? " and the SQLite lane threads idle" : "") + " after close()");
        } finally {
            minoro.close().block(TIMEOUT);
        }
        // the threads the instance started end, and the SQLite lane threads, which every factory shares, go idle
        MinoroThreads.awaitReleased(MinoroThreads.toRelease(threadsBefore));
    }

    private static void awaitServerIdle(PostgresDatabase postgres) throws InterruptedException {
        String busy = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND pid <> pg_backend_pid() AND state <> 'idle'";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!postgres.queryStrings(busy).equals(List.of("0"))) {
            assertTrue(System.nanoTime() < deadline, "server connections not idle: " + postgres.queryStrings(
                    "SELECT string_agg(coalesce(state, '') || ': ' || left(query, 80), ' | ') FROM pg_stat_activity"
                            + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'"));
            // the server's view changes on its own: poll it
            Thread.sleep(20);
        }
    }
}
