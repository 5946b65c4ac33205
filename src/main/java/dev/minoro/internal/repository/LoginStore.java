package dev.minoro.internal.repository;

import dev.minoro.User;
import dev.minoro.internal.database.Database;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** What a password login reads and writes: a user's credentials, failed attempts and last login. */
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

    private final Database database;
    private final Sql sql;
    private final Lifecycle lifecycle;

    LoginStore(Database database, Sql sql, Lifecycle lifecycle) {
        this.database = database;
        this.sql = sql;
        this.lifecycle = lifecycle;
    }

    /** A cold {@code Mono} of the credentials of the user with this normalised email, or empty. */
    public Mono<Credentials> find(String emailNorm) {
        return lifecycle.mono(() -> {
            return database.withConnection("checking a login", c -> Statements.query(c, sql.credentialsByEmail,
                    row -> new Credentials(Rows.user(row), row.get("password_hash", String.class)), emailNorm)
                    .next());
        });
    }

    /**
     * Counts a failed login; the one that reaches {@code maxFailures} in a row locks the account until
     * {@code lockUntil} and restarts the count.
     *
     * @return a cold {@code Mono} of when the account's lock ends, or empty when it is not locked
     */
    public Mono<Instant> recordFailure(UUID userId, int maxFailures, Instant lockUntil, Instant now) {
        return database.withConnection("recording a failed login", c -> Statements.query(c, sql.recordFailure,
                        row -> Optional.ofNullable(row.get("locked_until", Instant.class)), userId, maxFailures,
                        lockUntil).next())
                .flatMap(locked -> Mono.justOrEmpty(locked.filter(until -> until.isAfter(now))));
    }

    /**
     * Records a successful login: the last-login time, the failed-attempt count cleared, and when
     * {@code newHash} is given, the password hash replaced if it is still {@code oldHash}.
     *
     * @return a cold {@code Mono} of the updated user, or empty when the user was deleted meanwhile
     */
    public Mono<User> recordSuccess(UUID userId, Instant now, @Nullable String newHash, @Nullable String oldHash) {
        return database.withConnection("recording a login", c -> Statements.query(c, sql.recordSuccess, Rows::user,
                userId, now, SqlUserRepository.orNull(newHash), SqlUserRepository.orNull(oldHash)).next());
    }
}
