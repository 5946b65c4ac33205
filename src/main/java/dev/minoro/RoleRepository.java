package dev.minoro;

import java.util.UUID;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Roles, their members and their permissions. Every method returns a cold publisher: nothing touches
 * the database before subscription, and each subscription does the work again; none blocks the
 * subscribing thread.
 *
 * <p>Role names are compared case-insensitively (NFKC, then lower case with
 * {@link java.util.Locale#ROOT}); they must not be blank, nor longer than 100 characters. Permissions
 * are strings such as {@code posts:write}, compared exactly, at most 200 characters, not blank. Neither
 * may contain control characters or invisible format characters (Unicode category Cf: zero-width
 * characters, the soft hyphen, bidirectional controls), which would make look-alikes; every string,
 * descriptions included, must be valid Unicode (no unpaired surrogate). A null or malformed argument
 * fails with {@link InvalidInputException}, a database failure with {@link DatabaseException}, and a call
 * made after (or cut short by) {@link Minoro#close()} with {@link MinoroClosedException}.
 */
public interface RoleRepository {

    /**
     * Creates a role.
     *
     * @return a cold {@code Mono} emitting the new role
     * @throws DuplicateRoleException (signalled) when the name is taken
     */
    Mono<Role> create(String name, @Nullable String description);

    /** A cold {@code Mono} emitting the role with this name (case-insensitive), or completing empty. */
    Mono<Role> findByName(String name);

    /** A cold {@code Mono} emitting the role with this id, or completing empty. */
    Mono<Role> findById(UUID id);

    /** A cold {@code Flux} of every role, ordered by normalised name. */
    Flux<Role> findAll();

    /** A cold {@code Mono} emitting the number of roles. */
    Mono<Long> count();

    /**
     * Deletes the role with its memberships and permissions.
     *
     * @return a cold {@code Mono} emitting true when a role was deleted, false when there was none
     */
    Mono<Boolean> delete(String name);

    /**
     * Gives the user the role; idempotent.
     *
     * @throws NotFoundException (signalled) when the user or the role does not exist, or is deleted while
     *                           the membership is written
     */
    Mono<Void> assign(UUID userId, String roleName);

    /** Takes the role from the user; idempotent, and complete when either does not exist. */
    Mono<Void> revoke(UUID userId, String roleName);

    /** A cold {@code Flux} of the user's roles, ordered by normalised name; empty for an unknown user. */
    Flux<Role> rolesOf(UUID userId);

    /**
     * A cold {@code Flux} of the role's members, ordered by normalised email; empty for an unknown role.
     */
    Flux<User> membersOf(String roleName);

    /** A cold {@code Mono} emitting whether the user has the role. */
    Mono<Boolean> hasRole(UUID userId, String roleName);

    /**
     * Grants the role a permission; idempotent.
     *
     * @throws NotFoundException (signalled) when the role does not exist, or is deleted while the
     *                           permission is written
     */
    Mono<Void> grantPermission(String roleName, String permission);

    /** Withdraws a permission from the role; idempotent, and complete when the role does not exist. */
    Mono<Void> revokePermission(String roleName, String permission);

    /** A cold {@code Flux} of the role's own permissions, sorted; empty for an unknown role. */
    Flux<String> permissionsOfRole(String roleName);

    /** A cold {@code Flux} of the user's permissions: the union over its roles, distinct and sorted. */
    Flux<String> permissionsOf(UUID userId);

    /** A cold {@code Mono} emitting whether any of the user's roles grants the permission. */
    Mono<Boolean> hasPermission(UUID userId, String permission);
}
