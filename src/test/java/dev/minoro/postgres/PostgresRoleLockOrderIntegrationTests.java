package dev.minoro.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.User;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.TestConfigs;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * Concurrent changes of roles and memberships take their row locks in one order (the rows of the roles, then the
 * users', then the memberships; see {@code Sql}), so PostgreSQL never has a deadlock to break. The repositories retry a transaction that PostgreSQL rolled back
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
        assertNoDeadlocks(db, minoro -> {
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
        });
    }

    /**
     * The same, wider: two members of the doomed role, whose memberships change while it is deleted, permissions
     * granted to it and to another role, and one of the members deleted. Every call either succeeds or finds its
     * user or role gone.
     */
    @Test
    void concurrentChangesOfRolesMembersAndPermissionsNeverDeadlock(PostgresDatabase db) throws InterruptedException {
        assertNoDeadlocks(db, minoro -> {
            List<String> names = List.of("r0", "r1", "r2", "r3");
            names.forEach(name -> minoro.roles().create(name, null).block(TIMEOUT));
            for (int round = 0; round < 6; round++) {
                List<UUID> members = List.of(
                        minoro.users().create(NewUser.of("first" + round + "@example.com", null)).block(TIMEOUT).id(),
                        minoro.users().create(NewUser.of("second" + round + "@example.com", null)).block(TIMEOUT).id());
                String doomed = "doomed" + round;
                minoro.roles().create(doomed, null).block(TIMEOUT);
                members.forEach(member -> minoro.roles().assign(member, doomed).block(TIMEOUT));
                Flux.range(0, 48)
                        .flatMap(i -> {
                            UUID member = members.get((i / 6) % 2);
                            Mono<Void> call = switch (i % 6) {
                                case 0 -> minoro.roles().setRoles(member, Set.of(names.get(i % 3), "r3", doomed));
                                case 1 -> minoro.roles().assign(member, names.get(i % 4));
                                case 2 -> minoro.roles().revoke(member, i % 12 == 2 ? doomed : names.get((i + 1) % 4));
                                case 3 -> minoro.roles().grantPermission(i % 12 == 3 ? doomed : "r0", "posts:" + i);
                                case 4 -> minoro.roles().assign(member, doomed);
                                default -> i == 5 ? minoro.roles().delete(doomed).then()
                                        : i == 29 ? minoro.users().delete(members.get(1)).then()
                                        : minoro.roles().setRoles(member, Set.of());
                            };
                            return call.onErrorResume(dev.minoro.NotFoundException.class, e -> Mono.empty());
                        }, 8)
                        .then().block(TIMEOUT);
            }
        });
    }

    /**
     * A role's delete locks every member's row before it deletes a membership, also a member that joined after the
     * delete's statement began. Staged with a transaction that holds what a membership change holds first (the
     * user's row) and then deletes the user's memberships, as {@code setRoles} does: a delete that reached the
     * membership first (through the cascade) and then waited for the user's row, for the renewal of the user's
     * stamp, closed a cycle with it, which PostgreSQL broke as a deadlock.
     *
     * <p>The join's commit wakes both the delete and the membership change; a third transaction holding the role's
     * key keeps the delete waiting until the change holds the user's row, so the order staged here does not depend
     * on which of the two PostgreSQL runs first (under load, the delete could lock the user first and finish).
     */
    @Test
    void deletingARoleLocksAMemberThatJoinedWhileItWaitedBeforeItsMembership(PostgresDatabase db)
            throws InterruptedException {
        long before = settledDeadlocks(db);
        long logMark = logMark(db);
        Minoro minoro = Minoro.create(TestConfigs.fast(db.config(), MutableClock.atFixedStart())).block(TIMEOUT);
        Database other = MinoroRuntime.open(db.config()).block(TIMEOUT);
        try {
            User user = minoro.users().create(NewUser.of("joining@example.com", null)).block(TIMEOUT);
            minoro.roles().create("doomed", null).block(TIMEOUT);
            // A membership that joins while the delete runs: it holds the user's row and, through its foreign-key
            // check, the role's key, so the delete waits for it, and the delete's statement began without it.
            Sinks.Empty<Void> joined = Sinks.empty();
            Sinks.Empty<Void> commitJoin = Sinks.empty();
            StepVerifier joining = other.inTransaction("joining", c -> update(c, "INSERT INTO minoro_user_roles"
                                    + " (user_id, role_id, assigned_at) SELECT $1, id, now() FROM minoro_roles"
                                    + " WHERE name_norm = 'doomed'", user.id())
                            .then(Mono.fromRunnable(joined::tryEmitEmpty))
                            .then(commitJoin.asMono()))
                    .as(StepVerifier::create).expectComplete().verifyLater();
            joined.asMono().block(TIMEOUT);
            // A change of the user's memberships, as setRoles(user, {}) makes it: the user's row, then the deletes.
            Sinks.One<Integer> replacer = Sinks.one();
            Sinks.Empty<Void> userLocked = Sinks.empty();
            Sinks.Empty<Void> clear = Sinks.empty();
            StepVerifier replacing = other.inTransaction("replacing", c -> Flux.from(
                                    c.createStatement("SELECT pg_backend_pid()").execute())
                            .concatMap(r -> r.map(row -> row.get(0, Integer.class)))
                            .next()
                            .doOnNext(replacer::tryEmitValue)
                            .then(update(c, "UPDATE minoro_users SET version = version WHERE id = $1", user.id()))
                            .then(Mono.fromRunnable(userLocked::tryEmitEmpty))
                            .then(clear.asMono())
                            .then(update(c, "DELETE FROM minoro_user_roles WHERE user_id = $1", user.id())))
                    .as(StepVerifier::create).expectNext(1L).expectComplete().verifyLater();
            int replacerPid = replacer.asMono().block(TIMEOUT);
            // The role's key, held as a foreign-key check holds it, until the change above holds the user's row.
            Sinks.Empty<Void> keyHeld = Sinks.empty();
            Sinks.Empty<Void> releaseKey = Sinks.empty();
            StepVerifier holdingKey = other.inTransaction("holding the role's key", c -> Flux.from(c.createStatement(
                                    "SELECT id FROM minoro_roles WHERE name_norm = 'doomed' FOR KEY SHARE").execute())
                            .concatMap(r -> r.map(row -> row.get(0, UUID.class)))
                            .then(Mono.fromRunnable(keyHeld::tryEmitEmpty))
                            .then(releaseKey.asMono()))
                    .as(StepVerifier::create).expectComplete().verifyLater();
            keyHeld.asMono().block(TIMEOUT);
            StepVerifier deleting = minoro.roles().delete("doomed").as(StepVerifier::create)
                    .expectNext(true).expectComplete().verifyLater();
            // The change waits for the join's lock on the user's row (its stamp renewal), the delete for the role's.
            db.awaitLockWaiters(2, "", TIMEOUT);
            commitJoin.tryEmitEmpty();
            joining.verify(TIMEOUT);
            userLocked.asMono().block(TIMEOUT);
            releaseKey.tryEmitEmpty();
            holdingKey.verify(TIMEOUT);
            // The delete goes on now that the membership is committed, until it waits for the user's row.
            db.awaitLockWaiters(1, " AND " + replacerPid + " = ANY (pg_blocking_pids(pid))", TIMEOUT);
            clear.tryEmitEmpty();
            replacing.verify(TIMEOUT);
            deleting.verify(TIMEOUT);
        } finally {
            other.close().block(TIMEOUT);
            minoro.close().block(TIMEOUT);
        }
        assertEquals(before, settledDeadlocks(db), () -> "deadlocks PostgreSQL detected (and the retries hid)"
                + deadlocksLogged(db, logMark));
    }

    /**
     * A change that inserts a membership takes its role's row before the user's: while another transaction holds the
     * role's row for delete (as a role's delete does, before it locks the role's members), {@code assign} and
     * {@code setRoles} wait for it holding nothing of the user's, so a lock on the user's row that may not wait is
     * granted. Holding the user's row there (as the foreign-key check, at the end of the insert, would) makes a
     * cycle with the role's delete waiting for its members.
     */
    @Test
    void aMembershipInsertWaitsForItsRoleBeforeItLocksTheUser(PostgresDatabase db) throws InterruptedException {
        Minoro minoro = Minoro.create(TestConfigs.fast(db.config(), MutableClock.atFixedStart())).block(TIMEOUT);
        Database other = MinoroRuntime.open(db.config()).block(TIMEOUT);
        try {
            User user = minoro.users().create(NewUser.of("waiting@example.com", null)).block(TIMEOUT);
            minoro.roles().create("held", null).block(TIMEOUT);
            List<Mono<Void>> inserts = List.of(minoro.roles().assign(user.id(), "held"),
                    minoro.roles().setRoles(user.id(), Set.of("held")));
            for (Mono<Void> insert : inserts) {
                Sinks.Empty<Void> held = Sinks.empty();
                Sinks.Empty<Void> release = Sinks.empty();
                StepVerifier holding = other.inTransaction("holding the role", c -> Flux.from(c.createStatement(
                                        "SELECT id FROM minoro_roles WHERE name_norm = 'held' FOR UPDATE").execute())
                                .concatMap(r -> r.map(row -> row.get(0, UUID.class)))
                                .then(Mono.fromRunnable(held::tryEmitEmpty))
                                .then(release.asMono()))
                        .as(StepVerifier::create).expectComplete().verifyLater();
                held.asMono().block(TIMEOUT);
                StepVerifier inserting = insert.as(StepVerifier::create).expectComplete().verifyLater();
                db.awaitLockWaiters(1, "", TIMEOUT);
                // Fails with SQLSTATE 55P03 (lock not available) when the waiting insert holds the user's row.
                assertEquals(1, RawSql.value(db.config(), Integer.class,
                        "SELECT 1 FROM minoro_users WHERE id = $1 FOR NO KEY UPDATE NOWAIT", user.id()));
                release.tryEmitEmpty();
                holding.verify(TIMEOUT);
                inserting.verify(TIMEOUT);
            }
            assertEquals(List.of("held"), minoro.roles().rolesOf(user.id()).map(dev.minoro.Role::name).collectList()
                    .block(TIMEOUT));
        } finally {
            other.close().block(TIMEOUT);
            minoro.close().block(TIMEOUT);
        }
    }

    /** Runs {@code work} on a new instance, then checks that PostgreSQL counted no deadlock meanwhile. */
    private static void assertNoDeadlocks(PostgresDatabase db, java.util.function.Consumer<Minoro> work)
            throws InterruptedException {
        long before = settledDeadlocks(db);
        long logMark = logMark(db);
        Minoro minoro = Minoro.create(TestConfigs.fast(db.config(), MutableClock.atFixedStart())).block(TIMEOUT);
        try {
            work.accept(minoro);
        } finally {
            minoro.close().block(TIMEOUT);
        }
        assertEquals(before, settledDeadlocks(db), () -> "deadlocks PostgreSQL detected (and the retries hid)"
                + deadlocksLogged(db, logMark));
    }

    private static Mono<Long> update(io.r2dbc.spi.Connection c, String sql, UUID id) {
        return Flux.defer(() -> c.createStatement(sql).bind(0, id).execute()).concatMap(r -> r.getRowsUpdated())
                .reduce(0L, Long::sum);
    }

    private static long logMark(PostgresDatabase db) {
        return db.server().hasLog() ? db.server().log().mark() : 0;
    }

    /** The server's reports of deadlocks since {@code mark}, which name the statements of each: for the message. */
    private static String deadlocksLogged(PostgresDatabase db, long mark) {
        if (!db.server().hasLog()) {
            return "";
        }
        StringBuilder reports = new StringBuilder();
        List<String> lines = db.server().log().since(mark).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("deadlock detected")) {
                lines.subList(i, Math.min(lines.size(), i + 12)).forEach(line -> reports.append('\n').append(line));
            }
        }
        return reports.toString();
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
