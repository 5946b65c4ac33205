package dev.minoro.internal.repository;

import dev.minoro.DuplicateRoleException;
import dev.minoro.InvalidInputException;
import dev.minoro.NotFoundException;
import dev.minoro.Page;
import dev.minoro.Role;
import dev.minoro.RoleRepository;
import dev.minoro.User;
import dev.minoro.UserQuery;
import dev.minoro.internal.database.Database;
import io.r2dbc.spi.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@link RoleRepository} over any {@link Database}, in plain SQL. */
final class SqlRoleRepository implements RoleRepository {

    /** The most roles {@link #setRoles} takes: one statement binds them all. */
    static final int MAX_ROLES_PER_CALL = 1000;

    /** The most users {@link #permissionsOfUsers(Collection)} takes: one statement binds them all. */
    static final int MAX_USERS_PER_CALL = 1000;

    private final Database database;
    private final Sql sql;
    private final Clock clock;
    private final UuidV7 ids;
    private final Lifecycle lifecycle;
    private final SqlUserRepository users;

    SqlRoleRepository(Database database, Sql sql, Clock clock, UuidV7 ids, Lifecycle lifecycle,
            SqlUserRepository users) {
        this.users = users;
        this.database = database;
        this.sql = sql;
        this.clock = clock;
        this.ids = ids;
        this.lifecycle = lifecycle;
    }

    @Override
    public Mono<Role> create(String name, @Nullable String description) {
        return lifecycle.mono(() -> {
            String nameNorm = Inputs.normalisedRoleName(name);
            String checkedDescription = Inputs.description(description);
            UUID id = ids.next();
            Instant now = Instant.ofEpochMilli(clock.millis());
            return database.withConnection("creating a role", c -> Statements.update(c, sql.insertRole, id, name,
                            nameNorm, SqlUserRepository.orNull(checkedDescription), now)
                            .onErrorMap(database.dialect()::isUniqueViolation,
                                    e -> new DuplicateRoleException(name, e)))
                    .thenReturn(new Role(id, name, checkedDescription, now));
        });
    }

    @Override
    public Mono<Role> findByName(String name) {
        return lifecycle.mono(() -> Statements.first(database, "finding a role", sql.roleByName, Rows::role,
                Inputs.normalisedRoleName(name)));
    }

    @Override
    public Mono<Role> findById(UUID id) {
        return lifecycle.mono(() -> Statements.first(database, "finding a role by id", sql.roleById, Rows::role,
                Inputs.id(id, "id")));
    }

    @Override
    public Flux<Role> findAll() {
        return lifecycle.flux(() -> Statements.streamed(database, "listing roles", sql.allRoles, Rows::role));
    }

    @Override
    public Mono<Long> count() {
        return lifecycle.mono(() -> Statements.first(database, "counting roles", sql.countRoles, Rows::count));
    }

    @Override
    public Mono<Boolean> delete(String name) {
        return lifecycle.mono(() -> {
            String nameNorm = Inputs.normalisedRoleName(name);
            // In the order Sql states: the role, its members, then the delete and its cascade.
            return Statements.retriedOnRollback(database.inTransaction("deleting a role",
                    c -> Statements.query(c, sql.lockRole, row -> Rows.notNull(row.get("id", UUID.class), "id"),
                                    nameNorm)
                            .singleOrEmpty()
                            .flatMap(id -> Statements.query(c, sql.lockRoleMembers, row -> Boolean.TRUE, id)
                                    .then(Mono.defer(() -> Statements.update(c, sql.deleteRole, id))))
                            .map(deleted -> deleted > 0)
                            .defaultIfEmpty(false)));
        });
    }

    @Override
    public Mono<Role> rename(String name, String newName) {
        return lifecycle.mono(() -> {
            String nameNorm = Inputs.normalisedRoleName(name);
            String newNameNorm = Inputs.normalisedRoleName(newName);
            return database.withConnection("renaming a role", c -> Statements.query(c, sql.renameRole, Rows::role,
                                    nameNorm, newName, newNameNorm)
                            .next()
                            .onErrorMap(database.dialect()::isUniqueViolation,
                                    e -> new DuplicateRoleException(newName, e)))
                    .switchIfEmpty(Mono.error(() -> noSuchRole(name)));
        });
    }

    @Override
    public Mono<Void> setRoles(UUID userId, Set<String> roleNames) {
        return lifecycle.mono(() -> {
            Inputs.id(userId, "userId");
            Inputs.required(roleNames, "roleNames");
            // Names that differ only in case or form are one role.
            Map<String, String> byNorm = new TreeMap<>();
            for (String name : roleNames) {
                byNorm.putIfAbsent(Inputs.normalisedRoleName(name), name);
            }
            if (byNorm.size() > MAX_ROLES_PER_CALL) {
                throw new InvalidInputException("roleNames must hold at most " + MAX_ROLES_PER_CALL + " roles, had "
                        + byNorm.size());
            }
            List<String> norms = List.copyOf(byNorm.keySet());
            Instant now = Instant.ofEpochMilli(clock.millis());
            // In the lock order Sql states: the roles, the user, then the memberships.
            return Statements.retriedOnRollback(database.inTransaction("setting a user's roles",
                    c -> missingRoles(c, norms)
                    .flatMap(missing -> Statements.update(c, sql.lockUserRow, userId)
                            .flatMap(found -> found == 0 ? Mono.error(SqlUserRepository.noSuchUser(userId))
                                    : Mono.just(missing)))
                    .flatMap(missing -> !missing.isEmpty()
                            ? Mono.error(noSuchRole(byNorm.get(missing.get(0))))
                            : Statements.update(c, sql.deleteMembershipsExcept(norms.size()), with(userId, norms)))
                    .then(Mono.defer(() -> norms.isEmpty() ? Mono.empty()
                            : Statements.update(c, sql.insertMemberships(norms.size()), with(userId, now, norms))))
                    .then()));
        });
    }

    /** The normalised names among {@code norms} that no role has, in order; the roles that exist are held. */
    private Mono<List<String>> missingRoles(Connection c, List<String> norms) {
        if (norms.isEmpty()) {
            return Mono.just(List.of());
        }
        return Statements.query(c, sql.lockRolesAmong(norms.size()),
                        row -> Rows.notNull(row.get("name_norm", String.class), "name_norm"), norms.toArray())
                .collect(Collectors.toSet())
                .map(found -> norms.stream().filter(n -> !found.contains(n)).toList());
    }

    private static Object[] with(Object first, List<String> rest) {
        return with(first, null, rest);
    }

    private static Object[] with(Object first, @Nullable Object second, List<String> rest) {
        List<Object> args = new ArrayList<>();
        args.add(first);
        if (second != null) {
            args.add(second);
        }
        args.addAll(rest);
        return args.toArray();
    }

    @Override
    public Mono<Void> assign(UUID userId, String roleName) {
        return lifecycle.mono(() -> {
            Inputs.id(userId, "userId");
            String nameNorm = Inputs.normalisedRoleName(roleName);
            Instant now = Instant.ofEpochMilli(clock.millis());
            return Statements.retriedOnRollback(assign(userId, nameNorm, roleName, now, true));
        });
    }

    /** Inserts the membership, as {@link #link} says; a missing user or role is named. */
    private Mono<Void> assign(UUID userId, String nameNorm, String roleName, Instant now, boolean mayRetry) {
        String doing = "assigning a role";
        return link(Statements.update(database, doing, sql.assign, userId, nameNorm, now),
                () -> Statements.first(database, doing, sql.userAndRoleExist, row -> new long[] {
                                    Rows.notNull(row.get("user_count", Long.class), "user_count"),
                                    Rows.notNull(row.get("role_count", Long.class), "role_count")},
                                userId, nameNorm)
                        .flatMap(counts -> counts[0] == 0 ? Mono.error(SqlUserRepository.noSuchUser(userId))
                                : counts[1] == 0 ? Mono.error(noSuchRole(roleName))
                                : Mono.<Void>empty()),
                () -> mayRetry ? assign(userId, nameNorm, roleName, now, false) : Mono.error(noSuchRole(roleName)));
    }

    /**
     * Runs {@code insert}, which links a role to a user or to a permission and inserts nothing when the link is there
     * already or a row it needs is missing. When nothing was inserted, {@code missing} fails with the
     * {@link NotFoundException} of a missing row, or completes when none is. A foreign-key violation means that a row
     * was deleted between the statement's read and its insert (PostgreSQL, read committed); when none is missing
     * after one, the role was deleted and made again under its name, and {@code again} tries the insert once more.
     * Each is a statement of its own, in auto-commit mode.
     */
    private Mono<Void> link(Mono<Long> insert, Supplier<Mono<Void>> missing, Supplier<Mono<Void>> again) {
        return insert
                .onErrorResume(database.dialect()::isForeignKeyViolation, e -> Mono.just(-1L))
                .flatMap(inserted -> inserted > 0 ? Mono.<Void>empty()
                        : missing.get().then(Mono.defer(() -> inserted == 0 ? Mono.<Void>empty() : again.get())));
    }

    @Override
    public Mono<Void> revoke(UUID userId, String roleName) {
        return lifecycle.mono(() -> Statements.retriedOnRollback(Statements.update(database, "revoking a role",
                sql.revoke, Inputs.id(userId, "userId"), Inputs.normalisedRoleName(roleName))).then());
    }

    @Override
    public Flux<Role> rolesOf(UUID userId) {
        return lifecycle.flux(() -> Statements.all(database, "listing a user's roles", sql.rolesOf, Rows::role,
                Inputs.id(userId, "userId")));
    }

    @Override
    public Flux<User> membersOf(String roleName) {
        return lifecycle.flux(() -> Statements.streamed(database, "listing a role's members", sql.membersOf,
                Rows::user, Inputs.normalisedRoleName(roleName)));
    }

    @Override
    public Mono<Page<User>> membersOf(String roleName, @Nullable String cursor, int pageSize) {
        return lifecycle.mono(() -> {
            String nameNorm = Inputs.normalisedRoleName(roleName);
            UserQuery query = UserQuery.all().withPageSize(pageSize).after(cursor);
            UserSearch search = new UserSearch(query, nameNorm, Instant.ofEpochMilli(clock.millis()), true);
            return users.page(search, pageSize, "listing a role's members");
        });
    }

    @Override
    public Mono<Boolean> hasRole(UUID userId, String roleName) {
        return lifecycle.mono(() -> Statements.exists(database, "checking a user's role", sql.hasRole,
                Inputs.id(userId, "userId"), Inputs.normalisedRoleName(roleName)));
    }

    @Override
    public Mono<Void> grantPermission(String roleName, String permission) {
        return lifecycle.mono(() -> {
            String nameNorm = Inputs.normalisedRoleName(roleName);
            String checkedPermission = Permissions.grantable(Inputs.permission(permission));
            Instant now = Instant.ofEpochMilli(clock.millis());
            return grant(nameNorm, roleName, checkedPermission, now, true);
        });
    }

    /** Inserts the role's permission, as {@link #link} says; a missing role is named. */
    private Mono<Void> grant(String nameNorm, String roleName, String permission, Instant now, boolean mayRetry) {
        String doing = "granting a permission";
        return link(Statements.update(database, doing, sql.grant, nameNorm, permission, now),
                () -> Statements.first(database, doing, sql.roleByName, Rows::role, nameNorm)
                        .switchIfEmpty(Mono.error(() -> noSuchRole(roleName)))
                        .then(),
                () -> mayRetry ? grant(nameNorm, roleName, permission, now, false)
                        : Mono.error(noSuchRole(roleName)));
    }

    @Override
    public Mono<Void> revokePermission(String roleName, String permission) {
        return lifecycle.mono(() -> Statements.update(database, "revoking a permission", sql.revokePermission,
                Inputs.normalisedRoleName(roleName), Inputs.permission(permission)).then());
    }

    @Override
    public Flux<String> permissionsOfRole(String roleName) {
        return lifecycle.flux(() -> Statements.all(database, "listing a role's permissions", sql.permissionsOfRole,
                Rows::permission, Inputs.normalisedRoleName(roleName)));
    }

    @Override
    public Flux<String> permissionsOf(UUID userId) {
        return lifecycle.flux(() -> Statements.all(database, "listing a user's permissions", sql.permissionsOf,
                Rows::permission, Inputs.id(userId, "userId")));
    }

    @Override
    public Mono<Boolean> hasPermission(UUID userId, String permission) {
        return lifecycle.mono(() -> {
            Inputs.id(userId, "userId");
            List<String> granting = Permissions.grantedBy(Inputs.permission(permission));
            return Statements.exists(database, "checking a user's permission", sql.hasAnyPermission(granting.size()),
                    with(userId, granting));
        });
    }

    @Override
    public Mono<Map<UUID, Set<String>>> permissionsOfUsers(Collection<UUID> userIds) {
        return lifecycle.mono(() -> {
            Inputs.required(userIds, "userIds");
            Set<UUID> ids = new LinkedHashSet<>();
            for (UUID id : userIds) {
                ids.add(Inputs.id(id, "userIds' element"));
            }
            if (ids.size() > MAX_USERS_PER_CALL) {
                throw new InvalidInputException("userIds must hold at most " + MAX_USERS_PER_CALL + " ids, had "
                        + ids.size());
            }
            Map<UUID, SortedSet<String>> permissions = new LinkedHashMap<>();
            ids.forEach(id -> permissions.put(id, new TreeSet<>()));
            if (ids.isEmpty()) {
                return Mono.just(Map.of());
            }
            return Statements.all(database, "listing users' permissions", sql.permissionsOfUsers(ids.size()),
                            row -> Map.entry(Rows.notNull(row.get("user_id", UUID.class), "user_id"),
                                    Rows.permission(row)),
                            ids.toArray())
                    .doOnNext(entry -> permissions.get(entry.getKey()).add(entry.getValue()))
                    .then(Mono.fromSupplier(() -> {
                        Map<UUID, Set<String>> result = new LinkedHashMap<>();
                        permissions.forEach(
                                (id, granted) -> result.put(id, Collections.unmodifiableSortedSet(granted)));
                        return Collections.unmodifiableMap(result);
                    }));
        });
    }

    private static NotFoundException noSuchRole(String roleName) {
        return new NotFoundException("there is no role named '" + roleName + "'");
    }
}
