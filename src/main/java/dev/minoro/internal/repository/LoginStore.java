package dev.minoro.internal.repository;

import dev.minoro.User;
import dev.minoro.internal.database.Database;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * What a password login reads and writes: a user's credentials, the attempts reserved against its
 * lockout threshold, and its last login.
 *
 * <p>Lockout works by reservation: an attempt is counted in the database, in one statement that also
 * refuses it when the account is locked or the threshold is reached, before its password is checked; a
 * right password gives it back. So concurrency cannot buy more checks than the threshold, and an
 * attempt that never finishes (cancelled, or its process killed between the two statements) stays
 * counted as a failure: at worst it helps lock the account for one lockout duration. (One whose right
 * password's give-back the database failed is given back later by the authenticator.)
 */
public final class LoginStore {

    /**
     * A user with its password hash.
     *
     * @param user         the user, with its lockout state
     * @param passwordHash the stored hash, or null when the user has no local password
     */
    public record Credentials(User user, @Nullable String passwordHash) {

        @Override
        public String toString() {
            return "Credentials{user=" + user + ", passwordHash=" + (passwordHash == null ? "none" : "****") + '}';
        }
    }

    /**
     * What reserving an attempt found.
     *
     * @param user         the user as it is after the reservation
     * @param passwordHash its stored hash
     * @param granted      whether the attempt may check its password: false when it found the account at
     *                     the threshold without a lock (the threshold was lowered) and locked it
     * @param lockSet      the lock this reservation set, because it reached the threshold (the password is
     *                     still checked), or null
     */
    public record Attempt(User user, String passwordHash, boolean granted, @Nullable Instant lockSet) {

        @Override
        public String toString() {
            return "Attempt{user=" + user + ", passwordHash=****, granted=" + granted + ", lockSet=" + lockSet + '}';
        }
    }

    private final Database database;
    private final Sql sql;

    LoginStore(Database database, Sql sql) {
        this.database = database;
        this.sql = sql;
    }

    /** A cold {@code Mono} of the credentials of the user with this normalised email, or empty. */
    public Mono<Credentials> find(String emailNorm) {
        return database.withConnection("checking a login", c -> Statements.query(c, sql.credentialsByEmail,
                row -> new Credentials(Rows.user(row), row.get("password_hash", String.class)), emailNorm)
                .next());
    }

    /**
     * Reserves a login attempt for the user with this normalised email, in one statement: counted as a
     * failure from now until {@link #recordSuccess} or {@link #release} gives it back; the attempt that
     * reaches {@code maxFailures} locks the account until {@code lockUntil}. An expired lock is cleared
     * and the count starts again.
     *
     * @return a cold {@code Mono} of the attempt; empty when there is no such user, the user has no
     *         password, or the account is locked at {@code now} (nothing is counted then)
     */
    public Mono<Attempt> reserve(String emailNorm, int maxFailures, Instant now, Instant lockUntil) {
        return database.withConnection("checking a login", c -> Statements.query(c, sql.reserveAttempt, row -> {
                    User user = Rows.user(row);
                    int count = Rows.notNull(row.get("failed_attempts", Integer.class), "failed_attempts");
                    boolean granted = count <= maxFailures;
                    return new Attempt(user, Rows.notNull(row.get("password_hash", String.class), "password_hash"),
                            granted, granted ? user.lockedUntil() : null);
                }, emailNorm, now, maxFailures, lockUntil).next());
    }

    /**
     * Records a successful login: the attempt given back (the count restarts, and the lock it set, if
     * any, is lifted, but no other lock), the last-login time, and when {@code newHash} is given, the
     * password hash replaced if it is still {@code oldHash}.
     *
     * @return a cold {@code Mono} of the updated user, or empty when the user was deleted meanwhile
     */
    public Mono<User> recordSuccess(Attempt attempt, Instant now, @Nullable String newHash, @Nullable String oldHash) {
        return database.withConnection("recording a login", c -> Statements.query(c, sql.recordSuccess, Rows::user,
                attempt.user().id(), orNull(attempt.lockSet()), now, SqlUserRepository.orNull(newHash),
                SqlUserRepository.orNull(oldHash)).next());
    }

    /** Gives an attempt back without recording a login, as {@link #recordSuccess} does: a cold {@code Mono}. */
    public Mono<Void> release(Attempt attempt) {
        UUID id = attempt.user().id();
        return database.withConnection("recording a login",
                c -> Statements.update(c, sql.releaseAttempt, id, orNull(attempt.lockSet()))).then();
    }

    private static Object orNull(@Nullable Instant value) {
        return value == null ? Statements.nullOf(Instant.class) : value;
    }
}
