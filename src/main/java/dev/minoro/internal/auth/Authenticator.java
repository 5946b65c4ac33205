package dev.minoro.internal.auth;

import dev.minoro.AccountDisabledException;
import dev.minoro.AccountLockedException;
import dev.minoro.DatabaseException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.InvalidInputException;
import dev.minoro.MinoroConfig;
import dev.minoro.PasswordExpiredException;
import dev.minoro.User;
import dev.minoro.internal.metrics.Instrumentation;
import dev.minoro.internal.metrics.LoginAttempt;
import dev.minoro.internal.password.PasswordHasher;
import dev.minoro.internal.repository.Inputs;
import dev.minoro.internal.repository.LoginStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * Password logins: verification on the hashing scheduler, the same answer and about the same time for
 * an unknown email as for a wrong password, lockout after repeated failures, and rehashing of hashes
 * made with weaker parameters or by other systems.
 *
 * <p>A login first takes its place in the hashing queue, so that an overloaded instance refuses it
 * before any database work; then it reserves an attempt in the database (see {@link LoginStore}), which
 * refuses it unchecked when the account is locked or its threshold is reached; only then is the password
 * checked.
 *
 * <p>A right password whose attempt cannot be given back because the database failed (an outage, a fail-over) is
 * answered with that failure, and the attempt is given back in the background, retried with backoff for up to one
 * lockout duration, so that an outage does not lock out the accounts that were logging in with right passwords.
 */
public final class Authenticator {

    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(1);

    private final LoginStore store;
    private final PasswordHasher hasher;
    private final MinoroConfig config;
    private final Clock clock;
    private final Instrumentation instrumentation;
    private final Sinks.Empty<Void> closed = Sinks.empty();
    private final LoginEvents events;

    public Authenticator(LoginStore store, PasswordHasher hasher, MinoroConfig config,
            Instrumentation instrumentation, LoginEvents events) {
        this.store = store;
        this.hasher = hasher;
        this.config = config;
        this.clock = config.clock();
        this.instrumentation = instrumentation;
        this.events = events;
    }

    /** Stops giving back attempts in the background (see the class comment); the database closes next. */
    public void close() {
        closed.tryEmitEmpty();
    }

    /**
     * See {@link dev.minoro.Minoro#authenticate(String, String)}. Reported to the instrumentation with its outcome,
     * where an {@link InvalidCredentialsException} tells the metrics (never the caller) which of an unknown email
     * and a wrong password it answered; published to the login events with the same outcome.
     */
    public Mono<User> authenticate(@Nullable String email, @Nullable String password) {
        return Mono.defer(() -> {
            LoginAttempt attempt = new LoginAttempt();
            return events.around(attempt, instrumentation.login(attempt, attempt(attempt, email, password)));
        });
    }

    private Mono<User> attempt(LoginAttempt attempt, @Nullable String email, @Nullable String password) {
        return Mono.defer(() -> {
            String typedEmail = Inputs.required(email, "email");
            String candidate = Inputs.required(password, "password");
            Inputs.validUnicode(typedEmail, "email");
            String emailNorm;
            try {
                emailNorm = Inputs.normalisedEmail(typedEmail);
            } catch (InvalidInputException malformed) {
                // No account can have it; answer as for an unknown email.
                emailNorm = null;
            }
            String lookup = emailNorm;
            if (lookup == null) {
                attempt.unknownEmail();
            } else {
                attempt.email(lookup);
            }
            return hasher.withSlot(slot -> lookup == null
                    ? rejectAsUnknown(slot, candidate)
                    : login(attempt, slot, lookup, candidate, true));
        });
    }

    private Mono<User> login(LoginAttempt attempt, PasswordHasher.Slot slot, String emailNorm, String password,
            boolean mayRetry) {
        Instant now = Instant.ofEpochMilli(clock.millis());
        return store.reserve(emailNorm, config.maxFailedLogins(), now, now.plus(config.lockoutDuration()))
                .doOnNext(reserved -> attempt.user(reserved.user().id()))
                .flatMap(reserved -> reserved.granted()
                        ? check(slot, reserved, password, now)
                        : Mono.<User>error(new AccountLockedException(lockedUntil(reserved.user()))))
                .switchIfEmpty(Mono.defer(() -> refused(attempt, slot, emailNorm, password, now, mayRetry)));
    }

    /**
     * No attempt was reserved: no such user, no password, or locked. No password is checked while
     * locked: the answer must not tell whether it was right.
     */
    private Mono<User> refused(LoginAttempt attempt, PasswordHasher.Slot slot, String emailNorm, String password,
            Instant now, boolean mayRetry) {
        return store.find(emailNorm)
                .filter(credentials -> credentials.passwordHash() != null)
                .flatMap(credentials -> {
                    attempt.user(credentials.user().id());
                    Instant lockedUntil = credentials.user().lockedUntil();
                    if (lockedUntil != null && lockedUntil.isAfter(now)) {
                        return Mono.<User>error(new AccountLockedException(lockedUntil));
                    }
                    // Unlocked between the two statements (an administrator, a password change, or the
                    // lock running out): reserve again, once; should that race repeat, answer as for a wrong
                    // password, at the same cost.
                    return mayRetry ? login(attempt, slot, emailNorm, password, false)
                            : rejectAsUnknown(slot, password);
                })
                .switchIfEmpty(Mono.defer(() -> {
                    attempt.unknownEmail();
                    return rejectAsUnknown(slot, password);
                }));
    }

    private Mono<User> check(PasswordHasher.Slot slot, LoginStore.Attempt attempt, String password, Instant now) {
        String storedHash = attempt.passwordHash();
        // A password over the configured cap, or not valid Unicode, cannot be right; it is not hashed, the
        // dummy is.
        Mono<Boolean> verified = acceptable(password)
                ? slot.verify(password, storedHash)
                : slot.verifyAgainstDummy("").thenReturn(false);
        return verified.flatMap(right -> right
                ? succeed(slot, attempt, password, now)
                : Mono.error(attempt.lockSet() != null
                        ? new AccountLockedException(attempt.lockSet())
                        : new InvalidCredentialsException()));
    }

    private Mono<User> succeed(PasswordHasher.Slot slot, LoginStore.Attempt attempt, String password, Instant now) {
        if (attempt.user().disabled()) {
            // The right password is not a failed attempt, even for a disabled account.
            return givenBackLaterOnFailure(attempt, store.release(attempt))
                    .then(Mono.error(new AccountDisabledException()));
        }
        Instant expiredAt = expiry(attempt.user());
        if (expiredAt != null && !expiredAt.isAfter(now)) {
            // Nor for an expired one; no login is recorded, and the old hash is not rehashed: it is to be replaced.
            return givenBackLaterOnFailure(attempt, store.release(attempt))
                    .then(Mono.error(new PasswordExpiredException(expiredAt)));
        }
        String storedHash = attempt.passwordHash();
        Mono<User> recorded = hasher.needsRehash(storedHash)
                ? slot.hash(password).flatMap(newHash -> store.recordSuccess(attempt, now, newHash, storedHash))
                : store.recordSuccess(attempt, now, null, null);
        // empty: deleted between the reservation and the write
        return givenBackLaterOnFailure(attempt, recorded).switchIfEmpty(Mono.error(InvalidCredentialsException::new));
    }

    /**
     * {@code write}, which gives back a right password's attempt; when the database fails it, the attempt is given
     * back in the background while the caller gets the failure.
     */
    private <T> Mono<T> givenBackLaterOnFailure(LoginStore.Attempt attempt, Mono<T> write) {
        return write.onErrorResume(DatabaseException.class, e -> {
            giveBackLater(attempt);
            return Mono.error(e);
        });
    }

    private void giveBackLater(LoginStore.Attempt attempt) {
        Duration window = config.lockoutDuration();
        store.release(attempt)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_RETRY).maxBackoff(LONGEST_RETRY)
                        .filter(DatabaseException.class::isInstance))
                .timeout(window)
                .takeUntilOther(closed.asMono())
                .subscribe(null, e -> log.warn("Giving back the login attempt of user {}, whose password was right,"
                        + " failed: its failed-login count stays raised until its next successful login.",
                        attempt.user().id(), e));
    }

    /**
     * When the user's password expires under {@link MinoroConfig#passwordMaxAge()}, or null when passwords never
     * expire. A password set by code at schema version 1 during a rolling deploy has no time; it counts from the
     * user's creation.
     */
    private @Nullable Instant expiry(User user) {
        Duration maxAge = config.passwordMaxAge();
        if (maxAge == null) {
            return null;
        }
        Instant changedAt = user.passwordChangedAt();
        return (changedAt == null ? user.createdAt() : changedAt).plus(maxAge);
    }

    /** Costs one hash, as a wrong password does, then fails as a wrong password does. */
    private Mono<User> rejectAsUnknown(PasswordHasher.Slot slot, String password) {
        return slot.verifyAgainstDummy(acceptable(password) ? password : "")
                .then(Mono.error(InvalidCredentialsException::new));
    }

    private boolean acceptable(String password) {
        return password.codePointCount(0, password.length()) <= config.maxPasswordLength()
                && Inputs.isWellFormed(password);
    }

    private static Instant lockedUntil(User user) {
        Instant lockedUntil = user.lockedUntil();
        if (lockedUntil == null) {
            throw new IllegalStateException("a refused attempt always comes with a lock");
        }
        return lockedUntil;
    }
}
