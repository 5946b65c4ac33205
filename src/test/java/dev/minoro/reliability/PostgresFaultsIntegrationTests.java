package dev.minoro.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseException;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.User;
import dev.minoro.testing.ConnectionPools;
import dev.minoro.testing.HashingGate;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresEmbedded;
import dev.minoro.testing.PostgresPooler;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.ReliabilityFigures;
import dev.minoro.testing.TestConfigs;
import io.r2dbc.pool.ConnectionPool;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Database faults while serving, on a PostgreSQL server of the test's own (issue 9, suite item 3): the server frozen
 * with {@code SIGSTOP} (every process of it), with and without caller timeouts; the server stopped under a load of
 * reads, writes and logins, then restarted, and PgBouncer in front of the shared test server the same way; and
 * logins with the right password whose passwords are being checked when the server stops, which must lock nobody
 * out. The rest of item 3 is covered where the fault was first met:
 * unreachable and frozen servers at boot in {@code PostgresConnectingIntegrationTests}, SQLite files locked by
 * another process at boot and during writes in {@code SqliteLockedFileIntegrationTests}, a file that is not a
 * database and one that cannot be opened in {@code SqliteErrorIntegrationTests} and
 * {@code SqliteErrorTranslatorIntegrationTests}, a missing directory in {@code LifecycleIntegrationTests}.
 */
final class PostgresFaultsIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void aFrozenServerHoldsCallsUntilItThawsAndCallerTimeoutsEndThemInTime() throws Exception {
        try (PostgresEmbedded.Started server = PostgresEmbedded.builder().start();
                Serving serving = Serving.on(database(server))) {
            Minoro minoro = serving.minoro;
            User user = minoro.users().create(NewUser.of("frozen@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
            Mono<User> call = Mono.defer(() -> minoro.users().findById(user.id()));
            // warm the pool so that the calls below find open connections to a server that then freezes
            Flux.range(0, 8).flatMap(i -> call).blockLast(TIMEOUT);

            List<Long> pids = serverProcesses(server.pid());
            for (long pid : pids) {
                signal("STOP", pid);
            }
            long frozenAt = System.nanoTime();
            List<Long> timedOut;
            Mono<List<User>> waiting;
            try {
                // with a caller timeout of 1 s: each call ends with the caller's TimeoutException at its timeout
                timedOut = Flux.range(0, 8)
                        .flatMap(i -> {
                            long start = System.nanoTime();
                            return call.timeout(Duration.ofSeconds(1))
                                    .map(u -> -1L)
                                    .onErrorResume(TimeoutException.class, e -> Mono.just(
                                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
                        })
                        .collectList()
                        .block(TIMEOUT);
                // without one: the calls wait for the server
                waiting = Flux.range(0, 8).flatMap(i -> call).collectList().cache();
                waiting.subscribe(users -> { }, e -> { });
                Thread.sleep(2000);
            } finally {
                for (long pid : pids) {
                    signal("CONT", pid);
                }
            }
            long frozenMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
            // Each call ended with the caller's TimeoutException (a call answered, -1, or one ended sooner is below
            // 1000) while the server was still stopped: it is resumed only above, after the calls had all ended. That
            // is what "in time" means here; an upper bound on the time would only measure how busy the machine is.
            assertEquals(8, timedOut.size());
            assertTrue(timedOut.stream().allMatch(ms -> ms >= 1000), "caller timeouts: " + timedOut);
            long thawedAt = System.nanoTime();
            List<User> completed = waiting.block(TIMEOUT);
            long afterThaw = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - thawedAt);
            assertEquals(8, completed.size());
            completed.forEach(u -> assertEquals(user.id(), u.id()));
            serving.awaitNoConnectionLeased("connections leased after the thaw");
            assertEquals(user.id(), call.block(TIMEOUT).id());
            ReliabilityFigures.record("3 faults: server frozen (SIGSTOP) while serving", "PostgreSQL",
                    "every server process stopped for " + frozenMillis + " ms; 8 calls with a caller timeout of 1 s,"
                            + " then 8 without",
                    "with the timeout: each ended by the caller's TimeoutException after " + timedOut
                            + " ms, its connection given back; without: all 8 waited and completed " + afterThaw
                            + " ms after the thaw; 0 connections leased afterwards");
        }
    }

    @Test
    void aServerStoppedUnderLoadFailsCallsWithTypedErrorsAndServesAgainAfterItsRestart() throws Exception {
        try (PostgresEmbedded.Started server = PostgresEmbedded.builder().start();
                Serving serving = Serving.on(database(server))) {
            String outcome = serveThroughAnOutage(serving, server::stop, server::startAgain);
            int maxSize = serving.pool.getMetrics().orElseThrow().getMaxAllocatedSize();
            assertTrue(serverConnections(server) <= maxSize, "more server connections than the pool's size");
            ReliabilityFigures.record("3 faults: server stopped and restarted while serving", "PostgreSQL",
                    "16 callers of reads, writes and logins (an account each) without timeouts; server stopped"
                            + " (fast shutdown) after 1 s for 2 s, then 3 s more after its restart", outcome);
        }
    }

    /**
     * As {@link #aServerStoppedUnderLoadFailsCallsWithTypedErrorsAndServesAgainAfterItsRestart}, with PgBouncer (in
     * transaction mode, Minoro in pooler mode) between Minoro and a server that stays up, and PgBouncer stopped at
     * once and started again: every connection of Minoro's pool breaks at the same moment, mid-call for some.
     */
    @Test
    @ExtendWith(PostgresServer.class)
    void aPoolerRestartedUnderLoadFailsCallsWithTypedErrorsAndServesAgainAfterwards(PostgresDatabase db)
            throws Exception {
        try (PostgresPooler pooler = PostgresPooler.start(db.server(), 10);
                Serving serving = Serving.on(DatabaseConfig.postgres(pooler.url(db.name())))) {
            String outcome = serveThroughAnOutage(serving, pooler::stop, pooler::startAgain);
            ReliabilityFigures.record("3 faults: PgBouncer stopped and restarted while serving",
                    "PgBouncer (transaction mode)",
                    "16 callers of reads, writes and logins (an account each) without timeouts, through PgBouncer"
                            + " in transaction mode; PgBouncer stopped (SIGTERM, immediate shutdown) after 1 s for"
                            + " 2 s, then 3 s more after its restart", outcome);
        }
    }

    /** Stops or starts what serves the database, blocking until it has. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /**
     * Runs 16 callers of reads, writes and logins (an account each, no timeouts of their own) for 1 s, then
     * {@code stop}, 2 s later {@code start}, and 3 s more; checks that every call ended, each failure with a
     * {@link DatabaseException}, some failed, every caller's last call (begun after the restart) succeeded, no
     * connection stays leased and nobody is locked out. Returns what happened, for {@link ReliabilityFigures}.
     */
    private static String serveThroughAnOutage(Serving serving, Step stop, Step start) throws Exception {
        Minoro minoro = serving.minoro;
        List<User> users = Flux.range(0, 16)
                .concatMap(i -> minoro.users().create(NewUser.of("restarted" + i + "@example.com",
                        TestConfigs.PASSWORD)))
                .collectList().block(TIMEOUT);
        User user = users.get(0);
        List<Function<User, Mono<?>>> kinds = List.of(
                u -> minoro.users().findById(u.id()),
                u -> minoro.users().findByEmail(u.email()),
                u -> minoro.users().setDisabled(u.id(), false),
                u -> minoro.authenticate(u.email(), TestConfigs.PASSWORD));
        AtomicBoolean stopCalls = new AtomicBoolean();
        Queue<Call> calls = new ConcurrentLinkedQueue<>();
        long begin = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        Mono<Void> load = Flux.range(0, 16)
                .flatMap(caller -> Mono.defer(() -> {
                            Mono<?> kind = kinds.get(next.getAndIncrement() % kinds.size())
                                    .apply(users.get(caller));
                            long begun = System.nanoTime();
                            return kind.then()
                                    .doOnSuccess(v -> calls.add(new Call(caller, begun, System.nanoTime(), null)))
                                    .onErrorResume(e -> {
                                        calls.add(new Call(caller, begun, System.nanoTime(), e));
                                        return Mono.empty();
                                    });
                        })
                        .repeat(() -> !stopCalls.get()), 16)
                .then()
                .cache();
        load.subscribe(v -> { }, e -> { });

        Thread.sleep(1000);
        long stoppedAt = System.nanoTime();
        stop.run();
        Thread.sleep(2000);
        long restartingAt = System.nanoTime();
        start.run();
        long restartedAt = System.nanoTime();
        Thread.sleep(3000);
        stopCalls.set(true);
        load.block(TIMEOUT);

        List<Call> all = new ArrayList<>(calls);
        List<Call> failed = all.stream().filter(c -> c.error != null).toList();
        for (Call call : failed) {
            assertTrue(call.error instanceof DatabaseException,
                    () -> "begun " + millis(restartedAt, call.begun) + " ms after the restart, failed "
                            + millis(restartedAt, call.ended) + " ms after it, not with a DatabaseException: "
                            + stackTrace(call.error));
        }
        assertFalse(failed.isEmpty(), "no call failed while the database was out of reach");
        long longestFailure = failed.stream().mapToLong(Call::millis).max().orElse(0);
        // No hang: load.block ended, so every call ended. And the failures ended with the outage: the last call of
        // every caller, begun after the restart, succeeded (a pool that kept broken connections, or a caller stuck
        // failing, would not), instead of a bound on the time after the restart, which a busy machine stretches.
        for (int caller = 0; caller < 16; caller++) {
            int c = caller;
            Call last = all.stream().filter(call -> call.caller == c).max(java.util.Comparator.comparingLong(
                    Call::begun)).orElseThrow(() -> new AssertionError("caller " + c + " made no call"));
            assertTrue(last.begun >= restartedAt && last.error == null, () -> "the last call of caller " + c
                    + ", begun " + millis(restartedAt, last.begun) + " ms after the restart, "
                    + (last.error == null ? "succeeded" : "failed: " + stackTrace(last.error)));
        }
        long firstSuccessAfterRestart = all.stream()
                .filter(c -> c.error == null && c.begun >= restartedAt)
                .mapToLong(c -> c.ended).min()
                .orElseThrow(() -> new AssertionError("no call succeeded after the restart"));
        long failedAfterRestart = all.stream()
                .filter(c -> c.error != null && c.begun >= restartedAt).count();
        long lastFailure = failed.stream().mapToLong(c -> c.ended).max().orElse(stoppedAt);
        long succeededAfter = all.stream().filter(c -> c.error == null && c.begun >= restartedAt).count();
        Map<String, Long> errors = failed.stream().collect(java.util.stream.Collectors.groupingBy(
                c -> c.error.getClass().getSimpleName(), java.util.TreeMap::new,
                java.util.stream.Collectors.counting()));

        serving.awaitNoConnectionLeased("connections leased after the load ended");
        assertEquals(user.id(), minoro.users().findById(user.id()).block(TIMEOUT).id());
        // the outage locked nobody out: the right passwords still log in
        for (User u : users) {
            assertEquals(u.id(), minoro.authenticate(u.email(), TestConfigs.PASSWORD).block(TIMEOUT).id());
        }
        return all.size() + " calls in " + millis(begin, System.nanoTime()) + " ms: " + failed.size()
                + " failed " + errors + ", the slowest after "
                + longestFailure + " ms, the last " + millis(restartedAt, lastFailure)
                + " ms after the database accepted connections again (" + millis(restartingAt, restartedAt)
                + " ms to restart it); first success " + millis(restartedAt, firstSuccessAfterRestart)
                + " ms after the restart; of the calls begun after it, " + succeededAfter
                + " succeeded and " + failedAfterRestart + " failed; 0 connections leased afterwards,"
                + " no restart of Minoro, no account locked";
    }

    /**
     * Logins with the right password reserve their attempts (enough to reach the lockout threshold, which locks the
     * account until they give them back), the server stops while their passwords are checked, and their writes that
     * give the attempts back fail: the callers get the {@link DatabaseException}, and once the server is back the
     * attempts are given back in the background, so the account is not locked for a lockout duration by an outage.
     */
    @Test
    void rightPasswordsCutShortByAnOutageLockNobodyOut() throws Exception {
        try (PostgresEmbedded.Started server = PostgresEmbedded.builder().start()) {
            MinoroConfig config = TestConfigs.fast(database(server), Clock.systemUTC()).toBuilder().hashingThreads(1)
                    .build();
            Minoro creating = Minoro.create(config).block(TIMEOUT);
            User user;
            try {
                user = creating.users().create(NewUser.of("outage@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
            } finally {
                creating.close().block(TIMEOUT);
            }
            // an instance whose password checks wait at a gate
            HashingGate held = HashingGate.holdingAll();
            Minoro serving = Minoro.create(held.watching(config.toBuilder()).build()).block(TIMEOUT);
            try {
                int logins = TestConfigs.MAX_FAILED_LOGINS;
                List<Mono<Throwable>> answers = new ArrayList<>();
                for (int i = 0; i < logins; i++) {
                    Mono<Throwable> answer = serving.authenticate(user.email(), TestConfigs.PASSWORD)
                            .map(u -> (Throwable) new AssertionError("logged in while the server was stopped"))
                            .onErrorResume(Mono::just)
                            .cache();
                    answer.subscribe();
                    answers.add(answer);
                }
                held.awaitHeld(1, TIMEOUT);
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (failedAttempts(server, user) < logins) {
                    assertTrue(System.nanoTime() < deadline, "the logins did not reserve their attempts");
                    Thread.sleep(10);
                }
                assertTrue(lockedUntil(server, user) != null, "the attempt that reached the threshold locks");
                server.stop();
                held.release();
                for (Mono<Throwable> answer : answers) {
                    Throwable error = answer.block(TIMEOUT);
                    assertTrue(error instanceof DatabaseException, () -> stackTrace(error));
                }
                server.startAgain();
                long restartedAt = System.nanoTime();
                // given back in the background, retried at most 1 s apart; the deadline only guards against a hang
                while (failedAttempts(server, user) != 0 || lockedUntil(server, user) != null) {
                    assertTrue(System.nanoTime() - restartedAt < TIMEOUT.toNanos(),
                            "the attempts were not given back " + TIMEOUT + " after the restart");
                    Thread.sleep(10);
                }
                long givenBack = millis(restartedAt, System.nanoTime());
                assertEquals(user.id(), serving.authenticate(user.email(), TestConfigs.PASSWORD).block(TIMEOUT).id());
                ReliabilityFigures.record("3 faults: logins cut short by a stopped server", "PostgreSQL",
                        logins + " logins with the right password reserve their attempts (the threshold: the account"
                                + " locks), the server stops while their passwords are checked",
                        "each answered DatabaseException; " + givenBack + " ms after the restart the attempts were"
                                + " given back (count 0, no lock) and the next login succeeded");
            } finally {
                held.release();
                serving.close().block(TIMEOUT);
            }
        }
    }

    /** The test server's database as Minoro reaches it. */
    private static DatabaseConfig database(PostgresEmbedded.Started server) {
        return DatabaseConfig.postgres(server.url("postgres", "sslmode=disable"));
    }

    /** A JDBC connection to the test server as its superuser, to read what Minoro wrote and what the server sees. */
    private static java.sql.Connection superuser(PostgresEmbedded.Started server) throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?user=" + PostgresEmbedded.SUPERUSER);
    }

    /** A Minoro instance ({@link TestConfigs#fast}) serving from a test server, with the connection pool it made. */
    private static final class Serving implements AutoCloseable {

        final Minoro minoro;
        final ConnectionPool pool;

        private Serving(Minoro minoro, ConnectionPool pool) {
            this.minoro = minoro;
            this.pool = pool;
        }

        static Serving on(DatabaseConfig config) {
            AtomicReference<ConnectionPool> pool = new AtomicReference<>();
            DatabaseConfig database = config.withConnectionFactoryCustomizer(factory -> {
                pool.set(ConnectionPools.of(factory));
                return factory;
            });
            Minoro minoro = Minoro.create(TestConfigs.fast(database, Clock.systemUTC())).block(TIMEOUT);
            return new Serving(minoro, java.util.Objects.requireNonNull(pool.get(), "the pool Minoro made"));
        }

        /** Waits until the pool lends out no connection: every call gave its connection back (a hang guard only). */
        void awaitNoConnectionLeased(String failure) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (pool.getMetrics().orElseThrow().acquiredSize() > 0) {
                assertTrue(System.nanoTime() < deadline, failure);
                Thread.sleep(10);
            }
        }

        @Override
        public void close() {
            minoro.close().block(TIMEOUT);
        }
    }

    private static int failedAttempts(PostgresEmbedded.Started server, User user) throws Exception {
        return Integer.parseInt(column(server, user, "failed_attempts"));
    }

    private static @Nullable String lockedUntil(PostgresEmbedded.Started server, User user) throws Exception {
        return column(server, user, "locked_until");
    }

    private static @Nullable String column(PostgresEmbedded.Started server, User user, String column) throws Exception {
        try (java.sql.Connection connection = superuser(server);
                java.sql.PreparedStatement statement = connection.prepareStatement(
                        "SELECT " + column + " FROM minoro_users WHERE id = ?")) {
            statement.setObject(1, user.id());
            try (java.sql.ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    private record Call(int caller, long begun, long ended, @Nullable Throwable error) {
        long millis() {
            return TimeUnit.NANOSECONDS.toMillis(ended - begun);
        }
    }

    private static long millis(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    private static String stackTrace(Throwable error) {
        java.io.StringWriter out = new java.io.StringWriter();
        error.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    /** Client connections the server has open, as {@code pg_stat_activity} counts them (this query's own excluded). */
    private static int serverConnections(PostgresEmbedded.Started server) throws Exception {
        try (java.sql.Connection connection = superuser(server);
                java.sql.Statement statement = connection.createStatement();
                java.sql.ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** The postmaster and every process it forked. */
    private static List<Long> serverProcesses(long postmaster) {
        List<Long> pids = new ArrayList<>();
        pids.add(postmaster);
        ProcessHandle.of(postmaster).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        return pids;
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + pid);
    }
}
