package dev.minoro;

import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Login sessions kept in the same database as the users: opaque bearer tokens for cookies or
 * {@code Authorization} headers. Every method returns a cold publisher: nothing touches the database before
 * subscription, and each subscription does the work again; none blocks the subscribing thread.
 *
 * <p><b>Tokens.</b> {@link #create} makes a token of 256 bits from {@link java.security.SecureRandom}, encoded as
 * base64url without padding (43 characters), and returns it exactly once, in the {@link NewSession}. The database
 * keeps only the token's SHA-256, so a copy of the database yields no usable token; a token is looked up by its
 * hash through a unique index, never compared character by character with stored tokens, so timing tells nothing
 * about other tokens.
 *
 * <p><b>Expiry.</b> A session ends at its absolute timeout however active it is, and earlier when it is idle for
 * longer than its idle timeout ({@link SessionOptions}; defaults from {@link MinoroConfig#sessionAbsoluteTimeout()}
 * and {@link MinoroConfig#sessionIdleTimeout()}). {@link #validate} renews the idle deadline, writing at most once
 * per {@link MinoroConfig#sessionRenewalInterval()} per session, not once per request. Expired sessions are never
 * valid; their rows stay until {@link #purgeExpired()} removes them.
 *
 * <p><b>Revocation.</b> Besides {@link #revoke} and {@link #revokeAll}, every session of a user is revoked by a
 * password change ({@link UserRepository#changePassword}) and by disabling the user (the change renews the user's
 * security stamp, which ends the sessions at once, and their rows are deleted right after); and a
 * session is no longer valid once the user's {@link User#securityStamp()} differs from the one it was created
 * under (a role change, an email change), or once the user is disabled or deleted, whatever made the change.
 *
 * <p>A null or malformed argument fails with {@link InvalidInputException}, a database failure with
 * {@link DatabaseException}, and a call made after (or cut short by) {@link Minoro#close()} with
 * {@link MinoroClosedException}. Hashing a token (SHA-256) is cheap and runs on the subscribing thread; the
 * database work runs on the driver's threads.
 */
public interface SessionRepository {

    /**
     * Creates a session for a user.
     *
     * @param userId  the user's id
     * @param options the session's timeouts and metadata; {@link SessionOptions#defaults()} for the configured
     *                defaults
     * @return a cold {@code Mono} emitting the new session with its token, the only time the token is available
     * @throws NotFoundException (signalled) when there is no such user
     * @throws AccountDisabledException (signalled) when the user is disabled
     * @throws InvalidInputException (signalled) when {@code userId} or {@code options} is null, the idle timeout
     *                               is not longer than {@link MinoroConfig#sessionRenewalInterval()}, or the
     *                               metadata is not valid Unicode text
     */
    Mono<NewSession> create(UUID userId, SessionOptions options);

    /**
     * Checks a token: emits its session and user when the token is known, the session has not expired, the user
     * is not disabled and its security stamp is the one the session was created under; else completes empty.
     * Renews the idle deadline when the last renewal is older than {@link MinoroConfig#sessionRenewalInterval()}.
     *
     * <p>One indexed query reads the session with its user; when a renewal is due, one conditional
     * {@code UPDATE} writes it, and of concurrent validations of one token only one writes. Since renewals are
     * written at most once per renewal interval, an idle session may end up to that much earlier than its idle
     * timeout after its last use.
     *
     * @param token the token from {@link NewSession#token()}; any other string (a cookie a client made up, or the
     *              id of a Spring Session store's session, which is kept apart) completes empty, and one that does not
     *              have a token's form (43 base64url characters) does so without a database round trip
     * @return a cold {@code Mono} emitting the session with its {@link Session#user() user} ({@code lastSeenAt} and
     *         {@code expiresAt} as renewed, or as read when a concurrent validation renewed it), or completing empty
     * @throws InvalidInputException (signalled) when {@code token} is null
     */
    Mono<Session> validate(String token);

    /**
     * Revokes the session of a token.
     *
     * @param token the session's token
     * @return a cold {@code Mono} emitting true when a session was revoked, false when the token is unknown
     * @throws InvalidInputException (signalled) when {@code token} is null or does not have a token's form (43
     *                               base64url characters); the message never quotes it
     */
    Mono<Boolean> revoke(String token);

    /**
     * Revokes one session of a user by its public id, for a "sign out this device" button on a page listing
     * {@link #sessionsOf(UUID)}.
     *
     * @param userId    the user's id
     * @param sessionId the session's public {@link Session#id()}
     * @return a cold {@code Mono} emitting true when a session was revoked, false when the user has no such session
     */
    Mono<Boolean> revoke(UUID userId, UUID sessionId);

    /**
     * Revokes every session of a user ("sign out everywhere"), the sessions of the Spring Session store bound to
     * the user included.
     *
     * @param userId the user's id
     * @return a cold {@code Mono} emitting the number of sessions revoked
     */
    Mono<Long> revokeAll(UUID userId);

    /**
     * {@return a cold {@code Flux} of the user's live sessions (those {@link #validate} would accept: not expired,
     * made under the user's current security stamp, the user enabled), newest first, for a "your devices" page; the
     * tokens are not in them; sessions of the Spring Session store bound to the user are among them}
     *
     * @param userId the user's id
     */
    Flux<Session> sessionsOf(UUID userId);

    /**
     * Deletes expired sessions in batches of at most {@code 1000} rows, one short transaction per batch, so that
     * neither a table lock nor a large transaction builds up; applications schedule it (every few minutes is
     * plenty: expired sessions are never valid, purging only reclaims space). Sessions made invalid by a change of
     * their user's security stamp stay until they expire too. The expiry is judged at one moment, when the purge
     * starts. On PostgreSQL it passes over the sessions another transaction holds (another instance's purge running
     * at the same time, a revocation, a user's delete) instead of waiting for them, and ends at the first batch that
     * deletes fewer than 1000; so instances may all schedule it, and a session passed over is left to the next run.
     *
     * @return a cold {@code Mono} emitting the number of sessions deleted
     */
    Mono<Long> purgeExpired();
}
