package dev.minoro;

import java.util.UUID;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The user accounts. Every method returns a cold publisher: nothing touches the database before
 * subscription, and each subscription does the work again. Database work runs on the driver's threads
 * (the SQLite driver's bounded scheduler, or PostgreSQL's event loops); password hashing runs on
 * Minoro's hashing scheduler; no method blocks the subscribing thread.
 *
 * <p>Emails are compared case-insensitively: each is stored as given and, for lookups and uniqueness,
 * in its NFKC, lower-cased ({@link java.util.Locale#ROOT}) form. An email to store must be a deliverable
 * address as given: no character that normalisation alone changes (a full-width {@code ＠} or letter, a
 * ligature, a superscript); lookups compare the normalised form and accept such characters. Every string
 * must be valid Unicode (no unpaired surrogate, which UTF-8 cannot store); emails must not contain
 * invisible format characters (Unicode category Cf), and display names none but the zero-width joiner and
 * non-joiner and emoji tag sequences. A null or unacceptable argument fails with
 * {@link InvalidInputException}, a database failure with {@link DatabaseException}, and a call made
 * after (or cut short by) {@link Minoro#close()} with {@link MinoroClosedException}.
 */
public interface UserRepository {

    /**
     * Creates a user, hashing its password (if any) with Argon2id.
     *
     * @param user the user to create
     * @return a cold {@code Mono} emitting the new user
     * @throws DuplicateEmailException (signalled) when the email is taken
     * @throws InvalidInputException   (signalled) for a malformed email (over 254 characters, no single
     *                                 {@code @}, white space, control or invisible format characters, a
     *                                 character that only normalisation makes valid), text that is not
     *                                 valid Unicode, a password outside the configured length, or an
     *                                 imported hash Minoro cannot check or that costs more than
     *                                 {@code importedHashCostFactor} allows
     * @throws OverloadedException     (signalled) when the hashing queue is full
     */
    Mono<User> create(NewUser user);

    /**
     * Creates many users, typically moved from another system with their password hashes (see
     * {@link NewUser#withPasswordHash}), and reports what became of each.
     *
     * <p>A cold {@code Flux} that emits one {@link ImportResult} per user of {@code users}, in their order:
     * {@link ImportResult.Status#CREATED CREATED}, {@link ImportResult.Status#DUPLICATE DUPLICATE} (the email is
     * taken, also by an earlier user of the same input) or {@link ImportResult.Status#INVALID INVALID} (what
     * {@link #create} would refuse with {@link InvalidInputException}); a refused user never stops the others.
     * Users are taken in batches of {@value #IMPORT_BATCH_SIZE}, each written in one transaction and reported
     * once it is committed. {@code users} is read as the results are consumed: at most two batches are held at
     * once, so that an input of any size imports in bounded memory, and a slow consumer slows the reading.
     * Imported hashes are only parsed; users given a password (or Spring Security's {@code {noop}} plain text
     * where {@code importPlaintextPasswords} allows it) are hashed one after the other on the hashing threads,
     * at the cost of one Argon2id hash each.
     *
     * <p>Errors end the import after the batches already reported, which stay committed (the batch under way is
     * rolled back): an error of {@code users} itself, {@link DatabaseException}, {@link OverloadedException}
     * when hashing a password finds the hashing queue full, {@link MinoroClosedException}. Cancelling rolls back
     * the batch under way.
     *
     * @param users the users to create; it must not emit null
     * @return a cold {@code Flux} of one result per user, in input order
     */
    Flux<ImportResult> importAll(Flux<NewUser> users);

    /** How many users {@link #importAll} writes per transaction. */
    int IMPORT_BATCH_SIZE = 500;

    /**
     * {@return a cold {@code Mono} emitting the user with this id, or completing empty when there is none}
     *
     * @param id the user's id
     */
    Mono<User> findById(UUID id);

    /**
     * {@return a cold {@code Mono} emitting the user with this email (case-insensitive), or completing empty}
     *
     * @param email the email, compared case-insensitively
     */
    Mono<User> findByEmail(String email);

    /**
     * {@return a cold {@code Flux} of at most {@code limit} users ordered by normalised email, skipping the first
     * {@code offset}: a page for administration screens}
     *
     * @param offset how many users to skip
     * @param limit the most users to emit
     * @throws InvalidInputException (signalled) unless {@code offset >= 0} and {@code 1 <= limit <= 1000}
     */
    Flux<User> findAll(int offset, int limit);

    /** {@return a cold {@code Mono} emitting the number of users} */
    Mono<Long> count();

    /**
     * Lists one page of the users that {@code query} keeps, ordered by creation time, then id. Continue with
     * {@code query.after(page.nextCursor())}: a cursor is a position, so that users created or deleted between two
     * pages neither repeat nor skip the others, and every page costs the same however deep it is (keyset paging,
     * on the index of {@code (created_at, id)}). See {@link UserQuery} for the filters and which of them read an
     * index.
     *
     * @param query the filters, page size and cursor
     * @return a cold {@code Mono} emitting the page: its users (at most {@link UserQuery#pageSize()}) and the
     *         cursor of the next page, or null when none follows
     * @throws InvalidInputException (signalled) for a null query, a cursor that no search returned, or a text
     *                               filter that is empty, longer than 254 characters, not valid Unicode or holds
     *                               control characters
     */
    Mono<Page<User>> search(UserQuery query);

    /**
     * Counts the users that {@code query} keeps, every page of them: its cursor and page size are ignored.
     *
     * @param query the filters
     * @return a cold {@code Mono} emitting the number of users the filters keep
     * @throws InvalidInputException (signalled) as {@link #search(UserQuery)}
     */
    Mono<Long> count(UserQuery query);

    /**
     * Changes the email and display name if the user is still at {@code expectedVersion}. A changed email (as
     * compared, so not a change of case alone) renews the user's {@link User#securityStamp()}.
     *
     * @param id the user's id
     * @param expectedVersion the version the caller read ({@link User#version()})
     * @param email the email, compared case-insensitively
     * @param displayName the name to show, or null for none
     * @return a cold {@code Mono} emitting the updated user, at the next version
     * @throws VersionConflictException (signalled) when the user was changed since that version
     * @throws NotFoundException        (signalled) when there is no such user
     * @throws DuplicateEmailException  (signalled) when another user has the new email
     * @throws InvalidInputException    (signalled) for a malformed email or display name, as {@link #create}
     */
    Mono<User> updateProfile(UUID id, long expectedVersion, String email, @Nullable String displayName);

    /**
     * Disables (logins refused) or enables the user if it is still at {@code expectedVersion}. Disabling an enabled
     * user renews its {@link User#securityStamp()}; disabling revokes every session of the user
     * ({@link SessionRepository#revokeAll}): the new stamp ends them at once, and their rows are deleted right after.
     *
     * @param id the user's id
     * @param expectedVersion the version the caller read ({@link User#version()})
     * @param disabled true to disable the user, false to enable it
     * @return a cold {@code Mono} emitting the updated user, at the next version
     * @throws VersionConflictException (signalled) when the user was changed since that version; nothing is changed
     * @throws NotFoundException        (signalled) when there is no such user
     */
    Mono<User> setDisabled(UUID id, long expectedVersion, boolean disabled);

    /**
     * Disables (logins refused) or enables the user, whatever its version. Disabling an enabled user renews its
     * {@link User#securityStamp()}; disabling revokes every session of the user ({@link SessionRepository#revokeAll}):
     * the new stamp ends them at once, and their rows are deleted right after.
     *
     * @param id the user's id
     * @param disabled true to disable the user, false to enable it
     * @return a cold {@code Mono} emitting the updated user
     * @throws NotFoundException (signalled) when there is no such user
     */
    Mono<User> setDisabled(UUID id, boolean disabled);

    /**
     * Replaces the password (hashing it on Minoro's hashing scheduler) and clears any lockout; a null
     * password removes the local password. Renews the user's {@link User#securityStamp()}, sets
     * {@link User#passwordChangedAt()}, and revokes every session of the user ({@link SessionRepository#revokeAll}):
     * the new stamp ends them at once, and their rows are deleted right after.
     *
     * @param id the user's id
     * @param newPassword the new password, or null to remove the local password
     * @return a cold {@code Mono} completing when the password is stored
     * @throws InvalidInputException (signalled) for a password outside the configured length
     * @throws NotFoundException     (signalled) when there is no such user
     */
    Mono<Void> changePassword(UUID id, @Nullable String newPassword);

    /**
     * Replaces the password with {@code passwordHash}, a hash made by another system, and clears any lockout: for
     * a password that something else hashed (Spring Security's {@code ReactiveUserDetailsPasswordService}, a
     * migration from another user store). The formats are those of {@link NewUser#withPasswordHash(String)}: Argon2
     * PHC strings and bcrypt, without a {@code {bcrypt}}-style prefix. As there, the user then logs in with the
     * original password, and the first login replaces the hash with Minoro's own Argon2id. Nothing is hashed. As
     * {@link #changePassword}, renews the security stamp and revokes every session of the user in the same
     * transaction.
     *
     * @param id the user's id
     * @param passwordHash the hash, in one of the imported formats
     * @return a cold {@code Mono} completing when the hash is stored
     * @throws InvalidInputException (signalled) for a null hash, a hash Minoro cannot check, or one costlier than
     *                               {@code importedHashCostFactor} allows; the message never quotes the hash
     * @throws NotFoundException     (signalled) when there is no such user
     */
    Mono<Void> changePasswordHash(UUID id, String passwordHash);

    /**
     * Clears the failed-login counter and any lockout.
     *
     * @param id the user's id
     * @return a cold {@code Mono} that completes when the user is unlocked
     * @throws NotFoundException (signalled) when there is no such user
     */
    Mono<Void> unlock(UUID id);

    /**
     * Deletes the user and its role memberships.
     *
     * @param id the user's id
     * @return a cold {@code Mono} emitting true when a user was deleted, false when there was none
     */
    Mono<Boolean> delete(UUID id);
}
