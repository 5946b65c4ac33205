package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DuplicateRoleException;
import dev.minoro.InvalidInputException;
import dev.minoro.Minoro;
import dev.minoro.NotFoundException;
import dev.minoro.Role;
import dev.minoro.RoleRepository;
import dev.minoro.User;
import dev.minoro.testing.StatementRecorder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The contract of roles in depth: rename, setRoles, permissions of many users, wildcards; for every database. */
public interface RoleManagementContract extends MinoroFixture {

    private RoleRepository roles() {
        return minoro().roles();
    }

    private List<String> roleNames(UUID userId) {
        return roles().rolesOf(userId).map(Role::name).collectList().block(TIMEOUT);
    }

    @Test
    default void aRenamedRoleKeepsItsMembersAndPermissions() {
        User ada = user("ada@example.com");
        Role editor = roles().create("editor", "Edits").block(TIMEOUT);
        roles().assign(ada.id(), "editor").block(TIMEOUT);
        roles().grantPermission("editor", "posts:write").block(TIMEOUT);
        Role renamed = roles().rename("EDITOR", "Author").block(TIMEOUT);
        assertEquals(new Role(editor.id(), "Author", "Edits", editor.createdAt()), renamed);
        assertEquals(List.of("Author"), roleNames(ada.id()));
        roles().permissionsOfRole("author").as(StepVerifier::create).expectNext("posts:write").verifyComplete();
        roles().hasPermission(ada.id(), "posts:write").as(StepVerifier::create).expectNext(true).verifyComplete();
        roles().findByName("editor").as(StepVerifier::create).verifyComplete();
        // A change of case alone is a rename too.
        assertEquals("AUTHOR", roles().rename("author", "AUTHOR").block(TIMEOUT).name());

        roles().create("viewer", null).block(TIMEOUT);
        roles().rename("viewer", "Author").as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertEquals("Author",
                        assertInstanceOf(DuplicateRoleException.class, e).roleName()))
                .verify(TIMEOUT);
        roles().rename("nobody", "somebody").as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(NotFoundException.class, e);
                    assertEquals("there is no role named 'nobody'", e.getMessage());
                })
                .verify(TIMEOUT);
        roles().rename("viewer", " bad").as(StepVerifier::create).expectError(InvalidInputException.class)
                .verify(TIMEOUT);
        assertEquals(List.of("AUTHOR", "viewer"), roles().findAll().map(Role::name).collectList().block(TIMEOUT));
    }

    @Test
    default void setRolesLeavesExactlyTheNamedRoles() {
        User ada = user("ada@example.com");
        for (String name : List.of("a", "b", "c", "d")) {
            roles().create(name, null).block(TIMEOUT);
        }
        roles().assign(ada.id(), "a").block(TIMEOUT);
        roles().assign(ada.id(), "b").block(TIMEOUT);
        roles().setRoles(ada.id(), Set.of("B", "c")).block(TIMEOUT);
        assertEquals(List.of("b", "c"), roleNames(ada.id()));
        roles().setRoles(ada.id(), Set.of()).block(TIMEOUT);
        assertEquals(List.of(), roleNames(ada.id()));
        roles().setRoles(ada.id(), Set.of("a", "b", "c", "d")).block(TIMEOUT);
        assertEquals(List.of("a", "b", "c", "d"), roleNames(ada.id()));
    }

    @Test
    default void setRolesWithAnUnknownRoleOrUserChangesNothing() {
        User ada = user("ada@example.com");
        roles().create("a", null).block(TIMEOUT);
        roles().create("b", null).block(TIMEOUT);
        roles().assign(ada.id(), "a").block(TIMEOUT);
        String stamp = minoro().users().findById(ada.id()).block(TIMEOUT).securityStamp();
        roles().setRoles(ada.id(), Set.of("b", "Ghost")).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(NotFoundException.class, e);
                    assertEquals("there is no role named 'Ghost'", e.getMessage());
                })
                .verify(TIMEOUT);
        assertEquals(List.of("a"), roleNames(ada.id()));
        assertEquals(stamp, minoro().users().findById(ada.id()).block(TIMEOUT).securityStamp());
        UUID nobody = UUID.randomUUID();
        roles().setRoles(nobody, Set.of("a")).as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertEquals("there is no user with id " + nobody, e.getMessage()))
                .verify(TIMEOUT);
        roles().setRoles(ada.id(), null).as(StepVerifier::create).expectError(InvalidInputException.class)
                .verify(TIMEOUT);
        roles().setRoles(ada.id(), Set.of(" a")).as(StepVerifier::create).expectError(InvalidInputException.class)
                .verify(TIMEOUT);
    }

    /** Concurrent replacements of one user's roles: the result is always exactly one of the sets asked for. */
    @Test
    default void concurrentSetRolesEndWithOneWholeSet() {
        List<String> names = List.of("r0", "r1", "r2", "r3", "r4", "r5");
        names.forEach(name -> roles().create(name, null).block(TIMEOUT));
        List<Set<String>> sets = List.of(Set.of("r0", "r1"), Set.of("r2", "r3"), Set.of("r4", "r5"), Set.of("r1", "r4"));
        for (int round = 0; round < 5; round++) {
            User user = user("user" + round + "@example.com");
            Flux.fromIterable(sets).flatMap(set -> roles().setRoles(user.id(), set), sets.size())
                    .then().block(TIMEOUT);
            Set<String> result = Set.copyOf(roleNames(user.id()));
            assertTrue(sets.contains(result), "round " + round + " ended with " + result);
        }
    }

    /**
     * setRoles, assignments, revocations and a role's deletion on one user at once all succeed: they take the user's row
     * before its memberships, so they wait for one another instead of deadlocking (PostgresRoleLockOrderIntegrationTests
     * counts the server's deadlocks), and a transaction the database rolls back all the same is run again.
     */
    @Test
    default void concurrentRoleChangesOfOneUserAllSucceed() {
        List<String> names = List.of("r0", "r1", "r2", "r3");
        names.forEach(name -> roles().create(name, null).block(TIMEOUT));
        User user = user("busy@example.com");
        roles().create("doomed", null).block(TIMEOUT);
        roles().assign(user.id(), "doomed").block(TIMEOUT);
        Flux.range(0, 24)
                .flatMap(i -> switch (i % 4) {
                    case 0 -> roles().setRoles(user.id(), Set.of(names.get(i % 3), "r3"));
                    case 1 -> roles().assign(user.id(), names.get(i % 4));
                    case 2 -> roles().revoke(user.id(), names.get((i + 1) % 4));
                    default -> i == 3 ? roles().delete("doomed").then() : roles().setRoles(user.id(), Set.of());
                }, 8)
                .then().as(StepVerifier::create).verifyComplete();
        roles().findByName("doomed").as(StepVerifier::create).verifyComplete();
    }

    @Test
    default void permissionsOfManyUsersComeFromOneStatement() {
        roles().create("writer", null).block(TIMEOUT);
        roles().create("reader", null).block(TIMEOUT);
        roles().grantPermission("writer", "posts:write").block(TIMEOUT);
        roles().grantPermission("writer", "posts:read").block(TIMEOUT);
        roles().grantPermission("reader", "posts:read").block(TIMEOUT);
        List<User> users = IntStream.range(0, 30).mapToObj(i -> user("user" + i + "@example.com")).toList();
        for (int i = 0; i < users.size(); i++) {
            if (i % 3 == 0) {
                roles().assign(users.get(i).id(), "writer").block(TIMEOUT);
            }
            if (i % 2 == 0) {
                roles().assign(users.get(i).id(), "reader").block(TIMEOUT);
            }
        }
        UUID unknown = UUID.randomUUID();
        List<UUID> asked = new ArrayList<>(users.stream().map(User::id).toList());
        asked.add(unknown);
        asked.add(users.get(0).id());

        StatementRecorder recorder = new StatementRecorder();
        Minoro recorded = another(b -> withConnections(b, recorder::wrap));
        int afterBoot = recorder.statements().size();
        Map<UUID, Set<String>> permissions = recorded.roles().permissionsOfUsers(asked).block(TIMEOUT);
        List<String> statements = recorder.statements().subList(afterBoot, recorder.statements().size());
        assertEquals(1, statements.size(), statements.toString());

        Map<UUID, Set<String>> expected = new LinkedHashMap<>();
        for (User user : users) {
            expected.put(user.id(), Set.copyOf(roles().permissionsOf(user.id()).collectList().block(TIMEOUT)));
        }
        expected.put(unknown, Set.of());
        assertEquals(expected, permissions);
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(permissions.keySet()), "in the order asked");
        assertEquals(List.of("posts:read", "posts:write"), List.copyOf(permissions.get(users.get(0).id())), "sorted");
        assertEquals(Set.of(), permissions.get(users.get(1).id()));

        roles().permissionsOfUsers(List.of()).as(StepVerifier::create).expectNext(Map.of()).verifyComplete();
        List<UUID> tooMany = IntStream.range(0, 1001).mapToObj(i -> UUID.randomUUID()).collect(Collectors.toList());
        roles().permissionsOfUsers(tooMany).as(StepVerifier::create).expectError(InvalidInputException.class)
                .verify(TIMEOUT);
        List<UUID> withNull = new ArrayList<>();
        withNull.add(null);
        roles().permissionsOfUsers(withNull).as(StepVerifier::create).expectError(InvalidInputException.class)
                .verify(TIMEOUT);
    }

    @Test
    default void aTrailingWildcardGrantsEverythingBelowIt() {
        User ada = user("ada@example.com");
        User root = user("root@example.com");
        roles().create("editor", null).block(TIMEOUT);
        roles().create("admin", null).block(TIMEOUT);
        roles().grantPermission("editor", "posts:*").block(TIMEOUT);
        roles().grantPermission("admin", "*").block(TIMEOUT);
        roles().assign(ada.id(), "editor").block(TIMEOUT);
        roles().assign(root.id(), "admin").block(TIMEOUT);
        Map<String, Boolean> adaMay = new LinkedHashMap<>();
        adaMay.put("posts:write", true);
        adaMay.put("posts:comments:delete", true);
        adaMay.put("posts:*", true);
        adaMay.put("posts", false);
        adaMay.put("postscript:read", false);
        adaMay.put("users:write", false);
        adaMay.put("*", false);
        adaMay.forEach((permission, expected) -> roles().hasPermission(ada.id(), permission)
                .as(StepVerifier::create).expectNext(expected).as(permission).verifyComplete());
        for (String permission : List.of("posts:write", "users:delete", "posts", "*", "a:b:c:d")) {
            roles().hasPermission(root.id(), permission).as(StepVerifier::create).expectNext(true).as(permission)
                    .verifyComplete();
        }
        // as many wildcards above a permission as the statements kept per count cover, and more
        for (int depth = 10; depth <= 20; depth++) {
            String below = "x:".repeat(depth) + "read";
            for (Map.Entry<String, Boolean> each : Map.of("posts:" + below, true, "users:" + below, false).entrySet()) {
                roles().hasPermission(ada.id(), each.getKey()).as(StepVerifier::create).expectNext(each.getValue())
                        .as(each.getKey()).verifyComplete();
                roles().hasPermission(root.id(), each.getKey()).as(StepVerifier::create).expectNext(true)
                        .as(each.getKey()).verifyComplete();
            }
        }
        roles().permissionsOf(ada.id()).as(StepVerifier::create).expectNext("posts:*").verifyComplete();
        for (String bad : List.of("posts:*:read", "posts*", "*posts", "po*sts:read", "posts:wr*")) {
            roles().grantPermission("editor", bad).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(InvalidInputException.class, e);
                        assertEquals("permission may contain '*' only as its whole last segment, as in 'posts:*'"
                                + " or '*', was '" + bad + "'", e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
    }
}
