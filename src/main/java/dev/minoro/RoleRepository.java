package dev.minoro;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
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
 *
 * <p><b>Wildcards.</b> A permission is a list of segments separated by {@code :}. A granted permission whose last
 * segment is {@code *} grants every permission that starts with the segments before it and has at least one more:
 * {@code posts:*} grants {@code posts:write} and {@code posts:comments:delete}, but neither {@code posts} nor
 * {@code postscript:read}; {@code *} alone grants every permission. A {@code *} anywhere else is refused by
 * {@link #grantPermission}. {@link #hasPermission} applies the rule; the listings ({@link #permissionsOf(UUID)},
 * {@link #permissionsOfRole}) return the granted strings as they are, wildcards included.
 *
 * <p><b>Security stamps.</b> Every change of a user's roles (an assignment, a revocation, {@link #setRoles}, the
 * deletion of a role it had) renews the user's {@link User#securityStamp()}; renaming a role does not.
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
     * Renames a role; its members and permissions stay.
     *
     * @param name the role's name, compared case-insensitively
     * @param newName the new name, compared case-insensitively (a change of case alone is allowed)
     * @return a cold {@code Mono} emitting the renamed role
     * @throws NotFoundException      (signalled) when there is no role named {@code name}
     * @throws DuplicateRoleException (signalled) when another role is named {@code newName}
     */
    Mono<Role> rename(String name, String newName);

    /**
     * Gives the user exactly these roles, in one transaction: the roles it had and are not named lose it, the named
     * ones it lacked are assigned. Concurrent calls for one user run one after the other, so the last one's set
     * wins whole; the user's {@link User#securityStamp()} is renewed if its roles changed.
     *
     * @param userId the user's id
     * @param roleNames the names of the roles the user must have (compared case-insensitively), at most 1000; empty
     *                  to take every role from it
     * @return a cold {@code Mono} that completes when the user has exactly these roles
     * @throws NotFoundException     (signalled) when the user, or one of the roles, does not exist; nothing is
     *                               changed then, and the message names the first missing role
     * @throws InvalidInputException (signalled) for a null set, a malformed name, or more than 1000 roles
     */
    Mono<Void> setRoles(UUID userId, Set<String> roleNames);

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
     * Lists one page of the role's members, as {@link UserRepository#search(UserQuery)} pages: ordered by creation
     * time then id, continued by the page's cursor.
     *
     * @param roleName the role's name, compared case-insensitively; an unknown role has no members
     * @param cursor the {@link Page#nextCursor()} of the page before, or null for the first page
     * @param pageSize the most members per page, 1 to {@value UserQuery#MAX_PAGE_SIZE}
     * @return a cold {@code Mono} emitting the page
     * @throws InvalidInputException (signalled) for a page size out of range or a cursor no search returned
     */
    Mono<Page<User>> membersOf(String roleName, @Nullable String cursor, int pageSize);

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
     * @throws InvalidInputException (signalled) for a {@code *} that is not the whole last segment
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
     * The permissions of many users at once, in one query: for a screen that lists users with what they may do.
     *
     * @param userIds the users' ids, at most 1000 (repeats count once)
     * @return a cold {@code Mono} emitting, for every id given (in the order given), the union of its roles'
     *         permissions, sorted; an empty set for a user without any, or unknown. The map and sets are unmodifiable
     * @throws InvalidInputException (signalled) for a null collection or id, or more than 1000 ids
     */
    Mono<Map<UUID, Set<String>>> permissionsOfUsers(Collection<UUID> userIds);

    /**
     * {@return a cold {@code Mono} emitting whether any of the user's roles grants the permission: holds it, or a
     * wildcard that covers it (see the class comment)}
     *
     * @param userId the user's id
     * @param permission the permission, such as {@code posts:write}; a {@code *} in it is taken literally, so that
     *                   {@code hasPermission(id, "posts:*")} asks whether the user holds {@code posts:*} or {@code *}
     */
    Mono<Boolean> hasPermission(UUID userId, String permission);
}
