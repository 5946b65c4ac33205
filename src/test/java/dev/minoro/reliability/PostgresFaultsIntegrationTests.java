package dev.minoro.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.User;
import dev.minoro.testing.ConnectionPools;
import dev.minoro.testing.PostgresEmbedded;
import dev.minoro.testing.ReliabilityFigures;
import dev.minoro.testing.TestConfigs;
import io.r2dbc.pool.ConnectionPool;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Database faults while serving, on a PostgreSQL server of the test's own (issue 9, suite item 3): the server
 * frozen with {@code SIGSTOP} (every process of it) with and without caller timeouts. The rest of item 3 is covered where the fault was first met:
 * unreachable and frozen servers at boot in {@code PostgresConnectingIntegrationTests}, SQLite files locked by
 * another process at boot and during writes in {@code SqliteLockedFileIntegrationTests}, a file that is not a
 * database and one that cannot be opened in {@code SqliteErrorIntegrationTests} and
 * {@code SqliteErrorTranslatorIntegrationTests}, a missing directory in {@code LifecycleIntegrationTests}.
 */
final class PostgresFaultsIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void aFrozenServerHoldsCallsUntilItThawsAndCallerTimeoutsEndThemInTime() throws Exception {
        try (PostgresEmbedded.Started server = PostgresEmbedded.builder().start()) {
            AtomicReference<ConnectionPool> pool = new AtomicReference<>();
            DatabaseConfig database = DatabaseConfig.postgres(server.url("postgres", "sslmode=disable"))
                    .withConnectionFactoryCustomizer(factory -> {
                        pool.set(ConnectionPools.of(factory));
                        return factory;
                    });
            Minoro minoro = Minoro.create(TestConfigs.fast(database, Clock.systemUTC())).block(TIMEOUT);
            try {
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
                assertTrue(timedOut.stream().allMatch(ms -> ms >= 1000 && ms < 10_000), "caller timeouts: " + timedOut);
                long thawedAt = System.nanoTime();
                List<User> completed = waiting.block(TIMEOUT);
                long afterThaw = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - thawedAt);
                assertEquals(8, completed.size());
                completed.forEach(u -> assertEquals(user.id(), u.id()));
                // the timed-out calls gave their connections back
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (pool.get().getMetrics().orElseThrow().acquiredSize() > 0) {
                    assertTrue(System.nanoTime() < deadline, "connections leased after the thaw");
                    Thread.sleep(10);
                }
                assertEquals(user.id(), call.block(TIMEOUT).id());
                ReliabilityFigures.record("3 faults: server frozen (SIGSTOP) while serving", "PostgreSQL",
                        "every server process stopped for " + frozenMillis + " ms; 8 calls with a caller timeout of 1 s,"
                                + " then 8 without",
                        "with the timeout: each ended by the caller's TimeoutException after " + timedOut
                                + " ms, its connection given back; without: all 8 waited and completed " + afterThaw
                                + " ms after the thaw; 0 connections leased afterwards");
            } finally {
                minoro.close().block(TIMEOUT);
            }
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
