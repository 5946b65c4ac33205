package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.NotFoundException;
import dev.minoro.User;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Every statement that can meet a foreign key (a membership or a permission written while its user or
 * role is deleted) answers with the typed error the API names, for every database: races between a
 * write and a delete, run many times on parallel threads.
 */
public interface RaceContract extends MinoroFixture {

    int ROUNDS = 150;

    /** What each call ended with, by outcome: "ok" or the exception's type and message pattern. */
    private static Mono<String> outcome(Mono<?> call, Function<Throwable, String> describe) {
        return call.subscribeOn(Schedulers.parallel()).then(Mono.just("ok"))
                .onErrorResume(e -> Mono.just(describe.apply(e)));
    }

    private static String describe(Throwable e, String expectedMessage) {
        return e instanceof NotFoundException && e.getMessage().equals(expectedMessage) ? "NotFoundException"
                : e.toString();
    }

    private void assertOnlyOkOrNotFound(Map<String, AtomicLong> outcomes) {
        long total = outcomes.values().stream().mapToLong(AtomicLong::get).sum();
        assertEquals(ROUNDS, total);
        for (String outcome : outcomes.keySet()) {
            assertTrue(outcome.equals("ok") || outcome.equals("NotFoundException"), "outcomes: " + outcomes);
        }
    }

    @Test
    default void assigningARoleWhileTheUserIsDeletedFailsOnlyWithNotFound() {
        minoro().roles().create("editor", null).block(TIMEOUT);
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        for (int i = 0; i < ROUNDS; i++) {
            User user = user("racer" + i + "@example.com");
            String missing = "there is no user with id " + user.id();
            String assign = Mono.zip(outcome(minoro().roles().assign(user.id(), "editor"), e -> describe(e, missing)),
                            outcome(minoro().users().delete(user.id()), Throwable::toString))
                    .map(both -> {
                        assertEquals("ok", both.getT2());
                        return both.getT1();
                    })
                    .block(TIMEOUT);
            outcomes.computeIfAbsent(assign, k -> new AtomicLong()).incrementAndGet();
        }
        assertOnlyOkOrNotFound(outcomes);
        assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_user_roles"));
    }

    @Test
    default void assigningARoleWhileTheRoleIsDeletedFailsOnlyWithNotFound() {
        User user = user("member@example.com");
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        for (int i = 0; i < ROUNDS; i++) {
            String role = "role-" + i;
            minoro().roles().create(role, null).block(TIMEOUT);
            String assign = Mono.zip(outcome(minoro().roles().assign(user.id(), role),
                                    e -> describe(e, "there is no role named '" + role + "'")),
                            outcome(minoro().roles().delete(role), Throwable::toString))
                    .map(both -> {
                        assertEquals("ok", both.getT2());
                        return both.getT1();
                    })
                    .block(TIMEOUT);
            outcomes.computeIfAbsent(assign, k -> new AtomicLong()).incrementAndGet();
        }
        assertOnlyOkOrNotFound(outcomes);
        assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_user_roles"));
    }

    @Test
    default void grantingAPermissionWhileTheRoleIsDeletedFailsOnlyWithNotFound() {
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        for (int i = 0; i < ROUNDS; i++) {
            String role = "role-" + i;
            minoro().roles().create(role, null).block(TIMEOUT);
            String grant = Mono.zip(outcome(minoro().roles().grantPermission(role, "posts:write"),
                                    e -> describe(e, "there is no role named '" + role + "'")),
                            outcome(minoro().roles().delete(role), Throwable::toString))
                    .map(both -> {
                        assertEquals("ok", both.getT2());
                        return both.getT1();
                    })
                    .block(TIMEOUT);
            outcomes.computeIfAbsent(grant, k -> new AtomicLong()).incrementAndGet();
        }
        assertOnlyOkOrNotFound(outcomes);
        assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_role_permissions"));
    }
}
