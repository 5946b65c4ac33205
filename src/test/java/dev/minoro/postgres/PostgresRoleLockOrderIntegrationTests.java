package dev.minoro.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.User;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.TestConfigs;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Concurrent changes of one user's roles take their row locks in one order (the user's row, then its memberships),
 * so PostgreSQL never has a deadlock to break. The repositories retry a transaction that PostgreSQL rolled back
 * after a deadlock, which hides one from the caller; the server's own count of deadlocks
 * ({@code pg_stat_database.deadlocks}, flushed by each backend when it exits) does not. Before the lock order,
 * a few rounds of this mix produced deadlocks.
 */
@ExtendWith(PostgresServer.class)
final class PostgresRoleLockOrderIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String DEADLOCKS =
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()";

    @Test
    void concurrentRoleChangesOfOneUserNeverDeadlock(PostgresDatabase db) throws InterruptedException {
        long before = settledDeadlocks(db);
        Minoro minoro = Minoro.create(TestConfigs.fast(db.config(), MutableClock.atFixedStart())).block(TIMEOUT);
        try {
            List<String> names = List.of("r0", "r1", "r2", "r3");
            names.forEach(name -> minoro.roles().create(name, null).block(TIMEOUT));
            for (int round = 0; round < 6; round++) {
                User user = minoro.users().create(NewUser.of("busy" + round + "@example.com", null)).block(TIMEOUT);
                String doomed = "doomed" + round;
                minoro.roles().create(doomed, null).block(TIMEOUT);
                minoro.roles().assign(user.id(), doomed).block(TIMEOUT);
                Flux.range(0, 32)
                        .flatMap(i -> switch (i % 4) {
                            case 0 -> minoro.roles().setRoles(user.id(), Set.of(names.get(i % 3), "r3"));
                            case 1 -> minoro.roles().assign(user.id(), names.get(i % 4));
                            case 2 -> minoro.roles().revoke(user.id(), names.get((i + 1) % 4));
                            default -> i == 3 ? minoro.roles().delete(doomed).then()
                                    : i % 8 == 7 ? minoro.roles().assign(user.id(), doomed).onErrorResume(
                                            dev.minoro.NotFoundException.class, e -> Mono.empty())
                                    : minoro.roles().setRoles(user.id(), Set.of());
                        }, 8)
                        .then().block(TIMEOUT);
            }
        } finally {
            minoro.close().block(TIMEOUT);
        }
        assertEquals(before, settledDeadlocks(db), "deadlocks PostgreSQL detected (and the retries hid)");
    }

    /**
     * The database's deadlock count once every other backend on it has exited (a backend reports its count when
     * it exits, or when idle at most every few seconds).
     */
    private static long settledDeadlocks(PostgresDatabase db) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (RawSql.value(db.config(), Long.class, "SELECT COUNT(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid()") > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("backends still connected to " + db.name());
            }
            Thread.sleep(50);
        }
        return RawSql.value(db.config(), Long.class, DEADLOCKS);
    }
}
