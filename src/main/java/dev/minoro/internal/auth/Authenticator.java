package dev.minoro.internal.auth;

import dev.minoro.AccountDisabledException;
import dev.minoro.AccountLockedException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.InvalidInputException;
import dev.minoro.MinoroConfig;
import dev.minoro.User;
import dev.minoro.internal.password.PasswordHasher;
import dev.minoro.internal.repository.Inputs;
import dev.minoro.internal.repository.LoginStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Password logins: verification on the hashing scheduler, the same answer and about the same time for
 * an unknown email as for a wrong password, lockout after repeated failures, and rehashing of hashes
 * made with weaker parameters.
 */
public final class Authenticator {

    private final LoginStore store;
    private final PasswordHasher hasher;
    private final MinoroConfig config;
    private final Clock clock;

    public Authenticator(LoginStore store, PasswordHasher hasher, MinoroConfig config) {
        this.store = store;
        this.hasher = hasher;
        this.config = config;
        this.clock = config.clock();
    }

    /** See {@link dev.minoro.Minoro#authenticate(String, String)}. */
    public Mono<User> authenticate(@Nullable String email, @Nullable String password) {
        return Mono.defer(() -> {
            Inputs.required(email, "email");
            String candidate = Inputs.required(password, "password");
            String emailNorm;
            try {
                emailNorm = Inputs.normalisedEmail(email);
            } catch (InvalidInputException malformed) {
                // No account can have it; answer as for an unknown email.
                return rejectAsUnknown(candidate);
            }
            return store.find(emailNorm)
                    .flatMap(credentials -> check(credentials, candidate))
                    .switchIfEmpty(Mono.defer(() -> rejectAsUnknown(candidate)));
        });
    }

    private Mono<User> check(LoginStore.Credentials credentials, String password) {
        Instant now = Instant.ofEpochMilli(clock.millis());
        Instant lockedUntil = credentials.user().lockedUntil();
        if (lockedUntil != null && lockedUntil.isAfter(now)) {
            // No password is checked while locked: the answer must not tell whether it was right.
            return Mono.error(new AccountLockedException(lockedUntil));
        }
        String storedHash = credentials.passwordHash();
        if (storedHash == null) {
            return rejectAsUnknown(password);
        }
        return verify(password, storedHash).flatMap(right -> right
                ? succeed(credentials.user(), password, storedHash, now)
                : fail(credentials.user(), now));
    }

    private Mono<User> succeed(User user, String password, String storedHash, Instant now) {
        if (user.disabled()) {
            return Mono.error(new AccountDisabledException());
        }
        Mono<Optional<String>> newHash = hasher.needsRehash(storedHash)
                ? hasher.hash(password).map(Optional::of)
                : Mono.just(Optional.empty());
        return newHash.flatMap(hash -> store.recordSuccess(user.id(), now, hash.orElse(null),
                        hash.isPresent() ? storedHash : null))
                // deleted between the read and the write
                .switchIfEmpty(Mono.error(InvalidCredentialsException::new));
    }

    private Mono<User> fail(User user, Instant now) {
        return store.recordFailure(user.id(), config.maxFailedLogins(), now.plus(config.lockoutDuration()), now)
                .flatMap(lockedUntil -> Mono.<User>error(new AccountLockedException(lockedUntil)))
                .switchIfEmpty(Mono.error(InvalidCredentialsException::new));
    }

    /** Costs one hash, as a wrong password does, then fails as a wrong password does. */
    private Mono<User> rejectAsUnknown(String password) {
        return hasher.verifyAgainstDummy(acceptable(password) ? password : "")
                .then(Mono.error(InvalidCredentialsException::new));
    }

    /** A password over the configured cap, or not valid Unicode, cannot be right; it is not hashed, the dummy is. */
    private Mono<Boolean> verify(String password, String storedHash) {
        return acceptable(password)
                ? hasher.verify(password, storedHash)
                : hasher.verifyAgainstDummy("").thenReturn(false);
    }

    private boolean acceptable(String password) {
        return password.codePointCount(0, password.length()) <= config.maxPasswordLength()
                && Inputs.isWellFormed(password);
    }
}
