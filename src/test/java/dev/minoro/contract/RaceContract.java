package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.NotFoundException;
import dev.minoro.User;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
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

    /** One round of a race: the write, the delete that races it, and the message of the write's NotFound. */
    record Round(Mono<?> write, Mono<?> delete, String notFound) {
    }

    /**
     * Runs {@code rounds} races and asserts that each write either completed or failed with the expected
     * {@link NotFoundException}, and each delete completed.
     */
    private void race(IntFunction<Round> rounds) {
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < ROUNDS; i++) {
            Round round = rounds.apply(i);
            String outcome = Mono.zip(outcome(round.write(), round.notFound()), outcome(round.delete(), ""))
                    .map(both -> {
                        assertEquals("ok", both.getT2(), "the delete");
                        return both.getT1();
                    })
                    .block(TIMEOUT);
            outcomes.merge(outcome, 1, Integer::sum);
        }
        assertTrue(outcomes.keySet().stream().allMatch(o -> o.equals("ok") || o.equals("NotFoundException")),
                "outcomes: " + outcomes);
    }

    private static Mono<String> outcome(Mono<?> call, String notFound) {
        return call.subscribeOn(Schedulers.parallel()).then(Mono.just("ok"))
                .onErrorResume(e -> Mono.just(e instanceof NotFoundException && e.getMessage().equals(notFound)
                        ? "NotFoundException" : e.toString()));
    }

    @Test
    default void assigningARoleWhileTheUserIsDeletedFailsOnlyWithNotFound() {
        minoro().roles().create("editor", null).block(TIMEOUT);
        race(i -> {
            User user = user("racer" + i + "@example.com");
            return new Round(minoro().roles().assign(user.id(), "editor"), minoro().users().delete(user.id()),
                    "there is no user with id " + user.id());
        });
        assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_user_roles"));
    }

    @Test
    default void assigningARoleWhileTheRoleIsDeletedFailsOnlyWithNotFound() {
        User user = user("member@example.com");
        race(i -> {
            String role = "role-" + i;
            minoro().roles().create(role, null).block(TIMEOUT);
            return new Round(minoro().roles().assign(user.id(), role), minoro().roles().delete(role),
                    "there is no role named '" + role + "'");
        });
        assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_user_roles"));
    }

    @Test
    default void grantingAPermissionWhileTheRoleIsDeletedFailsOnlyWithNotFound() {
        race(i -> {
            String role = "role-" + i;
            minoro().roles().create(role, null).block(TIMEOUT);
            return new Round(minoro().roles().grantPermission(role, "posts:write"), minoro().roles().delete(role),
                    "there is no role named '" + role + "'");
        });
        assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_role_permissions"));
    }
}
