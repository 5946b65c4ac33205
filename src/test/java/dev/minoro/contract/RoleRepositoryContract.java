package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DuplicateRoleException;
import dev.minoro.InvalidInputException;
import dev.minoro.NotFoundException;
import dev.minoro.Role;
import dev.minoro.RoleRepository;
import dev.minoro.User;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The contract of {@link RoleRepository}, for every database. */
public interface RoleRepositoryContract extends MinoroFixture {

    private RoleRepository roles() {
        return minoro().roles();
    }

    @Test
    default void createsAndFindsRolesIgnoringCase() {
        Role admin = roles().create("Admin", "Runs the place").block(TIMEOUT);
        assertEquals(7, admin.id().version());
        assertEquals("Admin", admin.name());
        assertEquals("Runs the place", admin.description());
        assertEquals(clock().instant(), admin.createdAt());
        roles().findByName("ADMIN").as(StepVerifier::create).expectNext(admin).verifyComplete();
        roles().findById(admin.id()).as(StepVerifier::create).expectNext(admin).verifyComplete();
        roles().findByName("nobody").as(StepVerifier::create).verifyComplete();
        roles().findById(UUID.randomUUID()).as(StepVerifier::create).verifyComplete();
        assertNull(roles().create("viewer", null).block(TIMEOUT).description());
        roles().count().as(StepVerifier::create).expectNext(2L).verifyComplete();
    }

    @Test
    default void refusesDuplicateNamesIgnoringCase() {
        roles().create("editor", null).block(TIMEOUT);
        roles().create("EDITOR", "again").as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(DuplicateRoleException.class, e);
                    assertEquals("EDITOR", ((DuplicateRoleException) e).roleName());
                    assertEquals("role 'EDITOR' already exists (role names are compared case-insensitively)",
                            e.getMessage());
                })
                .verify(TIMEOUT);
    }

    @Test
    default void refusesBlankOrMalformedNames() {
        for (String name : List.of("", "   ", " admin", "admin ", "a\u0000b", "r".repeat(101))) {
            roles().create(name, null).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(InvalidInputException.class, e, name);
                        assertTrue(e.getMessage().startsWith("roleName must "), e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
        roles().create(null, null).as(StepVerifier::create)
                .expectErrorMessage("roleName must not be null").verify(TIMEOUT);
        roles().count().as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    default void listsRolesByName() {
        for (String name : List.of("zeta", "Alpha", "mu")) {
            roles().create(name, null).block(TIMEOUT);
        }
        roles().findAll().map(Role::name).collectList().as(StepVerifier::create)
                .expectNext(List.of("Alpha", "mu", "zeta")).verifyComplete();
    }

    @Test
    default void assignsIdempotentlyAndRevokes() {
        User ann = user("ann@example.com");
        roles().create("editor", null).block(TIMEOUT);
        roles().create("admin", null).block(TIMEOUT);
        roles().assign(ann.id(), "Editor").as(StepVerifier::create).verifyComplete();
        roles().assign(ann.id(), "editor").as(StepVerifier::create).verifyComplete();
        roles().assign(ann.id(), "admin").as(StepVerifier::create).verifyComplete();
        roles().rolesOf(ann.id()).map(Role::name).collectList().as(StepVerifier::create)
                .expectNext(List.of("admin", "editor")).verifyComplete();
        // Each assignment renewed the security stamp; the rest of the user is as created.
        roles().membersOf("EDITOR").as(StepVerifier::create)
                .expectNext(minoro().users().findById(ann.id()).block(TIMEOUT)).verifyComplete();
        roles().hasRole(ann.id(), "editor").as(StepVerifier::create).expectNext(true).verifyComplete();

        roles().revoke(ann.id(), "editor").as(StepVerifier::create).verifyComplete();
        roles().revoke(ann.id(), "editor").as(StepVerifier::create).verifyComplete();
        roles().revoke(ann.id(), "no-such-role").as(StepVerifier::create).verifyComplete();
        roles().revoke(UUID.randomUUID(), "admin").as(StepVerifier::create).verifyComplete();
        roles().hasRole(ann.id(), "editor").as(StepVerifier::create).expectNext(false).verifyComplete();
        roles().rolesOf(ann.id()).map(Role::name).as(StepVerifier::create).expectNext("admin").verifyComplete();
        roles().rolesOf(UUID.randomUUID()).as(StepVerifier::create).verifyComplete();
    }

    @Test
    default void assigningAnUnknownUserOrRoleSaysWhichIsMissing() {
        User bea = user("bea@example.com");
        roles().create("editor", null).block(TIMEOUT);
        UUID nobody = UUID.randomUUID();
        roles().assign(nobody, "editor").as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(NotFoundException.class, e);
                    assertEquals("there is no user with id " + nobody, e.getMessage());
                })
                .verify(TIMEOUT);
        roles().assign(bea.id(), "ghost").as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(NotFoundException.class, e);
                    assertEquals("there is no role named 'ghost'", e.getMessage());
                })
                .verify(TIMEOUT);
    }

    @Test
    default void grantsPermissionsAndTheirUnionReachesMembers() {
        User cal = user("cal@example.com");
        roles().create("writer", null).block(TIMEOUT);
        roles().create("reviewer", null).block(TIMEOUT);
        roles().grantPermission("writer", "posts:write").as(StepVerifier::create).verifyComplete();
        roles().grantPermission("writer", "posts:write").as(StepVerifier::create).verifyComplete();
        roles().grantPermission("writer", "posts:read").as(StepVerifier::create).verifyComplete();
        roles().grantPermission("reviewer", "posts:read").as(StepVerifier::create).verifyComplete();
        roles().grantPermission("reviewer", "comments:moderate").as(StepVerifier::create).verifyComplete();
        roles().permissionsOfRole("WRITER").collectList().as(StepVerifier::create)
                .expectNext(List.of("posts:read", "posts:write")).verifyComplete();

        roles().permissionsOf(cal.id()).as(StepVerifier::create).verifyComplete();
        roles().hasPermission(cal.id(), "posts:read").as(StepVerifier::create).expectNext(false).verifyComplete();
        roles().assign(cal.id(), "writer").block(TIMEOUT);
        roles().assign(cal.id(), "reviewer").block(TIMEOUT);
        roles().permissionsOf(cal.id()).collectList().as(StepVerifier::create)
                .expectNext(List.of("comments:moderate", "posts:read", "posts:write")).verifyComplete();
        roles().hasPermission(cal.id(), "posts:write").as(StepVerifier::create).expectNext(true).verifyComplete();
        roles().hasPermission(cal.id(), "POSTS:WRITE").as(StepVerifier::create).expectNext(false).verifyComplete();

        roles().revokePermission("writer", "posts:write").as(StepVerifier::create).verifyComplete();
        roles().revokePermission("writer", "posts:write").as(StepVerifier::create).verifyComplete();
        roles().revokePermission("ghost", "posts:write").as(StepVerifier::create).verifyComplete();
        roles().hasPermission(cal.id(), "posts:write").as(StepVerifier::create).expectNext(false).verifyComplete();
        roles().grantPermission("ghost", "x").as(StepVerifier::create)
                .expectErrorMessage("there is no role named 'ghost'").verify(TIMEOUT);
    }

    @Test
    default void refusesMalformedPermissions() {
        roles().create("writer", null).block(TIMEOUT);
        for (String permission : List.of("", "  ", " posts:write", "posts:write\n", "p".repeat(201))) {
            roles().grantPermission("writer", permission).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(InvalidInputException.class, e);
                        assertTrue(e.getMessage().startsWith("permission must "), e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
    }

    @Test
    default void deletingARoleTakesItsMembershipsAndPermissions() {
        User dan = user("dan@example.com");
        roles().create("ops", null).block(TIMEOUT);
        roles().grantPermission("ops", "servers:restart").block(TIMEOUT);
        roles().assign(dan.id(), "ops").block(TIMEOUT);
        roles().delete("OPS").as(StepVerifier::create).expectNext(true).verifyComplete();
        roles().delete("ops").as(StepVerifier::create).expectNext(false).verifyComplete();
        roles().rolesOf(dan.id()).as(StepVerifier::create).verifyComplete();
        roles().permissionsOf(dan.id()).as(StepVerifier::create).verifyComplete();
        assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_role_permissions"));
        assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_user_roles"));
    }

    @Test
    default void roleFieldsStoreSqlInjectionStringsLiterally() {
        String name = "admin'; DROP TABLE minoro_roles; --";
        String permission = "posts:write' OR '1'='1";
        String description = "\"); DELETE FROM minoro_users; /*";
        Role role = roles().create(name, description).block(TIMEOUT);
        roles().grantPermission(name, permission).block(TIMEOUT);
        roles().findByName(name).as(StepVerifier::create).expectNext(role).verifyComplete();
        roles().permissionsOfRole(name).as(StepVerifier::create).expectNext(permission).verifyComplete();
        roles().findByName("admin").as(StepVerifier::create).verifyComplete();
        roles().count().as(StepVerifier::create).expectNext(1L).verifyComplete();
    }

    @Test
    default void roleMethodsRefuseNullArguments() {
        List<Mono<?>> calls = List.of(roles().findByName(null), roles().findById(null), roles().delete(null),
                roles().assign(null, "x"), roles().assign(UUID.randomUUID(), null), roles().revoke(null, "x"),
                roles().rolesOf(null).then(), roles().membersOf(null).then(), roles().hasRole(null, "x"),
                roles().grantPermission("x", null), roles().revokePermission(null, "x"),
                roles().permissionsOf(null).then(), roles().hasPermission(UUID.randomUUID(), null));
        for (Mono<?> call : calls) {
            call.as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(InvalidInputException.class, e);
                        assertTrue(e.getMessage().endsWith(" must not be null"), e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
    }
}
