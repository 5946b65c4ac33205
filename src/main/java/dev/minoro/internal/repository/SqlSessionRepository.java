package dev.minoro.internal.repository;

import dev.minoro.AccountDisabledException;
import dev.minoro.InvalidInputException;
import dev.minoro.MinoroConfig;
import dev.minoro.NewSession;
import dev.minoro.Session;
import dev.minoro.SessionOptions;
import dev.minoro.SessionRepository;
import dev.minoro.internal.database.Database;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@link SessionRepository} over any {@link Database}, in plain SQL: tokens looked up by their SHA-256 through
 * the unique index, renewals written by a compare-and-set on the last renewal.
 */
final class SqlSessionRepository implements SessionRepository {

    /** The most rows one statement of {@link #purgeExpired()} deletes. */
    static final int PURGE_BATCH_SIZE = 1000;

    private final Database database;
    private final Sql sql;
    private final Clock clock;
    private final MinoroConfig config;
    private final UuidV7 ids;
    private final SessionTokens tokens;
    private final Lifecycle lifecycle;

    SqlSessionRepository(Database database, Sql sql, MinoroConfig config, UuidV7 ids, SessionTokens tokens,
            Lifecycle lifecycle) {
        this.database = database;
        this.sql = sql;
        this.clock = config.clock();
        this.config = config;
        this.ids = ids;
        this.tokens = tokens;
        this.lifecycle = lifecycle;
    }

    @Override
    public Mono<NewSession> create(UUID userId, SessionOptions options) {
        return lifecycle.mono(() -> {
            Inputs.id(userId, "userId");
            SessionOptions checked = Inputs.required(options, "options");
            Duration absolute = checked.absoluteTimeout(config.sessionAbsoluteTimeout());
            Duration idle = checked.idleTimeout(config.sessionIdleTimeout());
            if (idle != null && idle.compareTo(config.sessionRenewalInterval()) <= 0) {
                throw new InvalidInputException("The session idle timeout (" + idle + ") must be longer than the"
                        + " renewal interval (" + config.sessionRenewalInterval() + "): a session in use would end"
                        + " between two renewals");
            }
            Map<String, String> metadata = checked.metadata();
            metadata.forEach((key, value) -> {
                Inputs.validUnicode(key, "a session metadata key");
                Inputs.validUnicode(value, "the session metadata value of '" + key + "'");
            });
            String token = tokens.next();
            UUID id = ids.next();
            Instant now = now();
            Long idleMillis = idle == null ? null : idle.toMillis();
            Instant absoluteEnd = absolute == null ? null : now.plusMillis(absolute.toMillis());
            Instant expiresAt = end(absoluteEnd, now, idleMillis);
            return database.withConnection("creating a session", c -> Statements.update(c, sql.insertSession,
                            id, SessionTokens.hash(token), now, orNull(idleMillis), orNull(absoluteEnd),
                            orNull(expiresAt), SqlUserRepository.orNull(SessionMetadata.write(metadata)), userId)
                    // the user, for the session; when nothing was inserted, to say why: disabled, or none
                    .flatMap(inserted -> Statements.query(c, sql.userById, Rows::user, userId).next()
                            .flatMap(user -> inserted > 0
                                    ? Mono.just(new NewSession(token,
                                            new Session(id, user, now, now, expiresAt, absoluteEnd, metadata)))
                                    : Mono.<NewSession>error(new AccountDisabledException()))
                            .switchIfEmpty(Mono.error(() -> SqlUserRepository.noSuchUser(userId)))));
        });
    }

    /** A session's effective end: the earlier of its absolute end and {@code lastSeen} plus its idle timeout. */
    private static @Nullable Instant end(@Nullable Instant absoluteEnd, Instant lastSeen, @Nullable Long idleMillis) {
        Instant idleEnd = idleMillis == null ? null : lastSeen.plusMillis(idleMillis);
        if (idleEnd == null || absoluteEnd != null && absoluteEnd.isBefore(idleEnd)) {
            return absoluteEnd;
        }
        return idleEnd;
    }

    @Override
    public Mono<Session> validate(String token) {
        return lifecycle.mono(() -> {
            Inputs.required(token, "token");
            if (!SessionTokens.isWellFormed(token)) {
                return Mono.empty();
            }
            String hash = SessionTokens.hash(token);
            Instant now = now();
            // the read and the rare renewal are two statements of their own: the renewal's compare-and-set does
            // not need them on one connection, and a read alone runs below the connection where the driver can
            return Statements.first(database, "validating a session", sql.liveSessionByTokenHash, Found::of, hash, now)
                    .flatMap(found -> renewed(found, now));
        });
    }

    /** A live session as read, with its idle timeout, which renewing it needs. */
    private record Found(Session session, @Nullable Long idleMillis) {

        static Found of(Readable row) {
            return new Found(Rows.session(row), Rows.idleTimeoutMillis(row));
        }
    }

    /**
     * The session, renewed at {@code now} when its last renewal is at least the renewal interval old; of
     * concurrent validations, the one whose compare-and-set wins writes, and the others emit the session as read.
     */
    private Mono<Session> renewed(Found found, Instant now) {
        Session read = found.session();
        if (now.isBefore(read.lastSeenAt().plus(config.sessionRenewalInterval()))) {
            return Mono.just(read);
        }
        Instant expiresAt = end(read.absoluteExpiresAt(), now, found.idleMillis());
        Session renewed = new Session(read.id(), read.user(), read.createdAt(), now, expiresAt,
                read.absoluteExpiresAt(), read.metadata());
        return Statements.update(database, "validating a session", sql.renewSession, read.id(), now, orNull(expiresAt),
                        read.lastSeenAt())
                .map(changed -> changed > 0 ? renewed : read);
    }

    @Override
    public Mono<Boolean> revoke(String token) {
        return lifecycle.mono(() -> {
            Inputs.required(token, "token");
            if (!SessionTokens.isWellFormed(token)) {
                throw new InvalidInputException("token is not a Minoro session token: a token is "
                        + SessionTokens.TOKEN_LENGTH + " base64url characters, as NewSession.token() gave it");
            }
            return Statements.update(database, "revoking a session", sql.deleteSessionByTokenHash,
                            SessionTokens.hash(token), "minoro")
                    .map(deleted -> deleted > 0);
        });
    }

    @Override
    public Mono<Boolean> revoke(UUID userId, UUID sessionId) {
        return lifecycle.mono(() -> Statements.update(database, "revoking a session", sql.deleteSessionOfUser,
                        Inputs.id(userId, "userId"), Inputs.id(sessionId, "sessionId"))
                .map(deleted -> deleted > 0));
    }

    @Override
    public Mono<Long> revokeAll(UUID userId) {
        return lifecycle.mono(() -> Statements.update(database, "revoking a user's sessions",
                sql.deleteSessionsOfUser, Inputs.id(userId, "userId")));
    }

    @Override
    public Flux<Session> sessionsOf(UUID userId) {
        return lifecycle.flux(() -> {
            Inputs.id(userId, "userId");
            return Statements.streamed(database, "listing a user's sessions", sql.liveSessionsOf, Rows::session, userId,
                    now());
        });
    }

    @Override
    public Mono<Long> purgeExpired() {
        return lifecycle.mono(() -> {
            // One moment for every batch, so that the purge ends even while sessions keep expiring.
            Instant now = now();
            Mono<Long> batch = database.inTransaction("purging expired sessions",
                    c -> Statements.update(c, sql.purgeExpiredSessions, now));
            return batch.expand(deleted -> deleted < PURGE_BATCH_SIZE ? Mono.empty() : batch)
                    .reduce(0L, Long::sum);
        });
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private static Object orNull(@Nullable Instant value) {
        return value == null ? Statements.nullOf(Instant.class) : value;
    }

    private static Object orNull(@Nullable Long value) {
        return value == null ? Statements.nullOf(Long.class) : value;
    }
}
