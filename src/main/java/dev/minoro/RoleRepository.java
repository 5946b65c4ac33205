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
     * @param name the role's name, compared case-insensitively
     * @param description what the role is for, or null
     * @return a cold {@code Mono} emitting the new role
     * @throws DuplicateRoleException (signalled) when the name is taken
     */
    Mono<Role> create(String name, @Nullable String description);

    /**
     * {@return a cold {@code Mono} emitting the role with this name (case-insensitive), or completing empty}
     *
     * @param name the role's name, compared case-insensitively
     */
    Mono<Role> findByName(String name);

    /**
     * {@return a cold {@code Mono} emitting the role with this id, or completing empty}
     *
     * @param id the role's id
     */
    Mono<Role> findById(UUID id);

    /** {@return a cold {@code Flux} of every role, ordered by normalised name} */
    Flux<Role> findAll();

    /** {@return a cold {@code Mono} emitting the number of roles} */
    Mono<Long> count();

    /**
     * Deletes the role with its memberships and permissions.
     *
     * @param name the role's name, compared case-insensitively
     * @return a cold {@code Mono} emitting true when a role was deleted, false when there was none
     */
    Mono<Boolean> delete(String name);

    /**
     * Gives the user the role; idempotent.
     *
     * @param userId the user's id
     * @param roleName the role's name, compared case-insensitively
     * @return a cold {@code Mono} that completes when the user has the role
     * @throws NotFoundException (signalled) when the user or the role does not exist, or is deleted while
     *                           the membership is written
     */
    Mono<Void> assign(UUID userId, String roleName);

    /**
     * Takes the role from the user; idempotent, and complete when either does not exist.
     *
     * @param userId the user's id
     * @param roleName the role's name, compared case-insensitively
     * @return a cold {@code Mono} that completes when the user no longer has the role
     */
    Mono<Void> revoke(UUID userId, String roleName);

    /**
     * {@return a cold {@code Flux} of the user's roles, ordered by normalised name; empty for an unknown user}
     *
     * @param userId the user's id
     */
    Flux<Role> rolesOf(UUID userId);

    /**
     * {@return a cold {@code Flux} of the role's members, ordered by normalised email; empty for an unknown role}
     *
     * @param roleName the role's name, compared case-insensitively
     */
    Flux<User> membersOf(String roleName);

    /**
     * {@return a cold {@code Mono} emitting whether the user has the role}
     *
     * @param userId the user's id
     * @param roleName the role's name, compared case-insensitively
     */
    Mono<Boolean> hasRole(UUID userId, String roleName);

    /**
     * Grants the role a permission; idempotent.
     *
     * @param roleName the role's name, compared case-insensitively
     * @param permission the permission, such as {@code posts:write}, compared exactly
     * @return a cold {@code Mono} that completes when the permission is granted
     * @throws NotFoundException (signalled) when the role does not exist, or is deleted while the
     *                           permission is written
     */
    Mono<Void> grantPermission(String roleName, String permission);

    /**
     * Withdraws a permission from the role; idempotent, and complete when the role does not exist.
     *
     * @param roleName the role's name, compared case-insensitively
     * @param permission the permission, such as {@code posts:write}, compared exactly
     * @return a cold {@code Mono} that completes when the role no longer has the permission
     */
    Mono<Void> revokePermission(String roleName, String permission);

    /**
     * {@return a cold {@code Flux} of the role's own permissions, sorted; empty for an unknown role}
     *
     * @param roleName the role's name, compared case-insensitively
     */
    Flux<String> permissionsOfRole(String roleName);

    /**
     * {@return a cold {@code Flux} of the user's permissions: the union over its roles, distinct and sorted}
     *
     * @param userId the user's id
     */
    Flux<String> permissionsOf(UUID userId);

    /**
     * {@return a cold {@code Mono} emitting whether any of the user's roles grants the permission}
     *
     * @param userId the user's id
     * @param permission the permission, such as {@code posts:write}, compared exactly
     */
    Mono<Boolean> hasPermission(UUID userId, String permission);
}
