package dev.minoro.internal.repository;

import dev.minoro.DuplicateEmailException;
import dev.minoro.ImportResult;
import dev.minoro.InvalidInputException;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.NotFoundException;
import dev.minoro.Page;
import dev.minoro.User;
import dev.minoro.UserQuery;
import dev.minoro.UserRepository;
import dev.minoro.VersionConflictException;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.password.PasswordHasher;
import io.r2dbc.spi.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuple2;

/** The {@link UserRepository} over any {@link Database}, in plain SQL. */
final class SqlUserRepository implements UserRepository {

    private final Database database;
    private final Sql sql;
    private final Clock clock;
    private final UuidV7 ids;
    private final PasswordHasher hasher;
    private final MinoroConfig config;
    private final Lifecycle lifecycle;

    SqlUserRepository(Database database, Sql sql, Clock clock, UuidV7 ids, PasswordHasher hasher,
            MinoroConfig config, Lifecycle lifecycle) {
        this.database = database;
        this.sql = sql;
        this.clock = clock;
        this.ids = ids;
        this.hasher = hasher;
        this.config = config;
        this.lifecycle = lifecycle;
    }

    @Override
    public Mono<User> create(NewUser user) {
        return lifecycle.mono(() -> {
            Inputs.required(user, "user");
            String email = user.email();
            String emailNorm = Inputs.newEmail(email);
            String displayName = Inputs.displayName(user.displayName());
            return storedHashOf(user).flatMap(passwordHash -> {
                UUID id = ids.next();
                Instant now = now();
                return Statements.first(database, "creating a user", sql.insertUser, Rows::user, id, email, emailNorm,
                                orNull(displayName), orNull(passwordHash.orElse(null)), false, now,
                                orNull(Inputs.displayNameNorm(displayName)))
                        .onErrorMap(database.dialect()::isUniqueViolation, DuplicateEmailException::new);
            });
        });
    }

    @Override
    public Flux<ImportResult> importAll(Flux<NewUser> users) {
        return lifecycle.flux(() -> {
            Inputs.required(users, "users");
            // buffer() asks upstream for one batch per batch demanded, and concatMap demands one batch ahead:
            // at most two batches are held, whatever the size of the input.
            return users.index()
                    .buffer(IMPORT_BATCH_SIZE)
                    .concatMap(this::importBatch, 1);
        });
    }

    /**
     * One batch: each user checked (and hashed where it brought a password), then the valid ones written by one
     * statement in one transaction, whose returned ids tell the created from the duplicates.
     */
    private Flux<ImportResult> importBatch(List<Tuple2<Long, NewUser>> batch) {
        return Flux.fromIterable(batch)
                .concatMap(row -> prepare(row.getT1(), row.getT2()))
                .collectList()
                .flatMap(rows -> {
                    List<ImportRow> valid = rows.stream().filter(row -> row.result() == null).toList();
                    Mono<Set<UUID>> created = valid.isEmpty() ? Mono.just(Set.of())
                            : database.inTransaction("importing users", c -> insert(c, valid));
                    return created.map(ids -> rows.stream().map(row -> row.result() != null ? row.result()
                            : ids.contains(row.id())
                                    ? new ImportResult(row.position(), row.email(), ImportResult.Status.CREATED,
                                            row.id(), null)
                                    : new ImportResult(row.position(), row.email(), ImportResult.Status.DUPLICATE,
                                            null, null))
                            .toList());
                })
                .flatMapIterable(results -> results);
    }

    /** Import rows by normalised email, the one order in which imports insert users. */
    private static final Comparator<ImportRow> BY_EMAIL_NORM =
            Comparator.comparing(ImportRow::emailNorm, Comparator.nullsFirst(Comparator.naturalOrder()));

    /** A user ready to insert (with its new id), or the result that says why it is not. */
    private record ImportRow(long position, String email, @Nullable UUID id, @Nullable String emailNorm,
            @Nullable String displayName, @Nullable String passwordHash, @Nullable ImportResult result) {
    }

    private Mono<ImportRow> prepare(long position, NewUser user) {
        String email = user.email();
        return Mono.defer(() -> {
            String emailNorm = Inputs.newEmail(email);
            String displayName = Inputs.displayName(user.displayName());
            return storedHashOf(user).map(hash -> new ImportRow(position, email, ids.next(), emailNorm, displayName,
                    hash.orElse(null), null));
        }).onErrorResume(InvalidInputException.class, e -> Mono.just(new ImportRow(position, email, null, null,
                null, null, new ImportResult(position, email, ImportResult.Status.INVALID, null, e.getMessage()))));
    }

    /**
     * The ids of the users the batch's statement inserted. The rows go in by normalised email (a stable sort: of two
     * with one email, the earlier in the input is still the one created): the unique index makes an insert wait for
     * another transaction's uncommitted row with its email, and imports that insert shared emails in one order never
     * wait for one another in a cycle (a deadlock).
     */
    private Mono<Set<UUID>> insert(Connection c, List<ImportRow> rows) {
        Instant now = now();
        Object[] args = new Object[rows.size() * Sql.IMPORT_ARGUMENTS];
        int a = 0;
        for (ImportRow row : rows.stream().sorted(BY_EMAIL_NORM).toList()) {
            args[a++] = row.id();
            args[a++] = row.email();
            args[a++] = row.emailNorm();
            args[a++] = orNull(row.displayName());
            args[a++] = orNull(row.passwordHash());
            args[a++] = false;
            args[a++] = now;
            args[a++] = orNull(Inputs.displayNameNorm(row.displayName()));
        }
        return Statements.query(c, sql.insertImportBatch(rows.size()), row -> Rows.notNull(row.get("id", UUID.class),
                        "id"), args)
                .collect(Collectors.toSet());
    }

    @Override
    public Mono<User> findById(UUID id) {
        return lifecycle.mono(() -> Statements.first(database, "finding a user by id", sql.userById, Rows::user,
                Inputs.id(id, "id")));
    }

    @Override
    public Mono<User> findByEmail(String email) {
        return lifecycle.mono(() -> Statements.first(database, "finding a user by email", sql.userByEmail,
                Rows::user, Inputs.normalisedEmail(email)));
    }

    @Override
    public Flux<User> findAll(int offset, int limit) {
        return lifecycle.flux(() -> {
            Inputs.page(offset, limit);
            return Statements.all(database, "listing users", sql.usersPage, Rows::user, limit, offset);
        });
    }

    @Override
    public Mono<Long> count() {
        return lifecycle.mono(() -> Statements.first(database, "counting users", sql.countUsers, Rows::count));
    }

    @Override
    public Mono<Page<User>> search(UserQuery query) {
        return lifecycle.mono(() -> page(searchOf(query, true), query.pageSize(), "searching users"));
    }

    /** {@code query} as SQL, after checking it; with its cursor when {@code paged}. */
    private UserSearch searchOf(@Nullable UserQuery query, boolean paged) {
        UserQuery checked = Inputs.required(query, "query");
        String role = checked.role();
        return new UserSearch(checked, role == null ? null : Inputs.normalisedRoleName(role), now(), paged);
    }

    /** A page of {@code search}: at most {@code pageSize} users, and the cursor after them when more follow. */
    Mono<Page<User>> page(UserSearch search, int pageSize, String doing) {
        return Statements.all(database, doing, sql.rewritten(search.pageSql()), Rows::user, search.pageArgs(pageSize))
                .collectList()
                .map(users -> users.size() > pageSize
                        ? new Page<>(users.subList(0, pageSize), UserSearch.cursorAfter(users.get(pageSize - 1)))
                        : new Page<>(users, null));
    }

    @Override
    public Mono<Long> count(UserQuery query) {
        return lifecycle.mono(() -> {
            UserSearch search = searchOf(query, false);
            return Statements.first(database, "counting users", sql.rewritten(search.countSql()), Rows::count,
                    search.args());
        });
    }

    @Override
    public Mono<User> updateProfile(UUID id, long expectedVersion, String email, @Nullable String displayName) {
        return lifecycle.mono(() -> {
            Inputs.id(id, "id");
            String emailNorm = Inputs.newEmail(email);
            String checkedDisplayName = Inputs.displayName(displayName);
            return database.withConnection("updating a user", c -> Statements.query(c, sql.updateProfile, Rows::user,
                            id, expectedVersion, email, emailNorm, orNull(checkedDisplayName), now(),
                            orNull(Inputs.displayNameNorm(checkedDisplayName)))
                    .next()
                    .onErrorMap(database.dialect()::isUniqueViolation, DuplicateEmailException::new)
                    .switchIfEmpty(conflictOrNoSuchUser(c, id, expectedVersion)));
        });
    }

    /** Why a statement guarded by a version changed nothing: the user is at another version, or gone. */
    private Mono<User> conflictOrNoSuchUser(Connection c, UUID id, long expectedVersion) {
        return Mono.defer(() -> Statements.query(c, sql.userVersion, row -> 0, id)
                .next()
                .flatMap(found -> Mono.<User>error(new VersionConflictException(id, expectedVersion)))
                .switchIfEmpty(Mono.error(() -> noSuchUser(id))));
    }

    @Override
    public Mono<User> setDisabled(UUID id, long expectedVersion, boolean disabled) {
        return lifecycle.mono(() -> {
            Inputs.id(id, "id");
            return database.withConnection(disabled ? "disabling a user" : "enabling a user",
                    c -> Statements.query(c, sql.setDisabledAtVersion, Rows::user, id, disabled, now(), expectedVersion)
                            .next()
                            .flatMap(user -> revokingSessionsIf(disabled, c, user))
                            .switchIfEmpty(conflictOrNoSuchUser(c, id, expectedVersion)));
        });
    }

    @Override
    public Mono<User> setDisabled(UUID id, boolean disabled) {
        return lifecycle.mono(() -> {
            Inputs.id(id, "id");
            return database.withConnection(disabled ? "disabling a user" : "enabling a user",
                    c -> Statements.query(c, sql.setDisabled, Rows::user, id, disabled, now()).next()
                            .flatMap(user -> revokingSessionsIf(disabled, c, user)))
                    .switchIfEmpty(Mono.error(() -> noSuchUser(id)));
        });
    }

    @Override
    public Mono<Void> changePassword(UUID id, @Nullable String newPassword) {
        return lifecycle.mono(() -> {
            Inputs.id(id, "id");
            return hashOf(newPassword).flatMap(passwordHash -> setPassword(id, orNull(passwordHash.orElse(null))));
        });
    }

    @Override
    public Mono<Void> changePasswordHash(UUID id, String passwordHash) {
        return lifecycle.mono(() -> {
            Inputs.id(id, "id");
            if (passwordHash == null) {
                throw new InvalidInputException("passwordHash must not be null; changePassword(id, null) removes the"
                        + " local password");
            }
            return setPassword(id, hasher.importedForm(passwordHash));
        });
    }

    /**
     * Stores a new password hash ({@code passwordHash} a hash or a typed null), then deletes every session of the user:
     * a cold {@code Mono} that completes, or fails with {@link NotFoundException}. Two statements, not one transaction:
     * the first renews the user's security stamp, which already ends every session (validation compares stamps), so
     * the delete only tidies up, and no transaction holds the user's row meanwhile (a transaction that a cancelled
     * caller leaves open behind PgBouncer held it for every later call).
     */
    private Mono<Void> setPassword(UUID id, Object passwordHash) {
        return database.withConnection("changing a password", c -> Statements.update(c, sql.setPassword, id,
                                passwordHash, now())
                        .flatMap(changed -> changed == 0 ? Mono.just(changed)
                                : Statements.update(c, sql.deleteSessionsOfUser, id).thenReturn(changed)))
                .flatMap(changed -> changedOrNoSuchUser(changed, id));
    }

    /**
     * {@code user}, after deleting every session of it when it was {@code disabled}: disabling renewed its stamp, which
     * already ended them, as for {@link #setPassword}.
     */
    private Mono<User> revokingSessionsIf(boolean disabled, Connection c, User user) {
        return disabled ? Statements.update(c, sql.deleteSessionsOfUser, user.id()).thenReturn(user) : Mono.just(user);
    }

    @Override
    public Mono<Void> unlock(UUID id) {
        return lifecycle.mono(() -> Statements.update(database, "unlocking a user", sql.unlock, Inputs.id(id, "id"))
                .flatMap(changed -> changedOrNoSuchUser(changed, id)));
    }

    @Override
    public Mono<Boolean> delete(UUID id) {
        return lifecycle.mono(() -> Statements.update(database, "deleting a user", sql.deleteUser, Inputs.id(id, "id"))
                .map(deleted -> deleted > 0));
    }

    /**
     * What to store for a new user: a hash of its password, the hash it brought (or a hash of the plain
     * text it brought, where the configuration imports plain text), or nothing.
     */
    private Mono<Optional<String>> storedHashOf(NewUser user) {
        String imported = user.passwordHash();
        if (imported == null) {
            return hashOf(user.password());
        }
        String plaintext = hasher.importedPlaintext(imported);
        if (plaintext != null) {
            return hashOf(plaintext);
        }
        return Mono.just(Optional.of(hasher.importedForm(imported)));
    }

    /**
     * The hash of a password after checking its length, made on the hashing scheduler; empty for a
     * user without a local password. The check throws, so call it where a throw is signalled.
     */
    private Mono<Optional<String>> hashOf(@Nullable String password) {
        if (password == null) {
            return Mono.just(Optional.empty());
        }
        return hasher.hash(Inputs.password(password, config.minPasswordLength(), config.maxPasswordLength()))
                .map(Optional::of);
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    /** Empty when a statement changed the user, else {@link #noSuchUser}. */
    private static Mono<Void> changedOrNoSuchUser(long changed, UUID id) {
        return changed == 0 ? Mono.error(noSuchUser(id)) : Mono.empty();
    }

    static NotFoundException noSuchUser(UUID id) {
        return new NotFoundException("there is no user with id " + id);
    }

    static Object orNull(@Nullable String value) {
        return value == null ? Statements.nullOf(String.class) : value;
    }
}
