package dev.minoro.internal.repository;

import dev.minoro.InvalidInputException;
import dev.minoro.internal.database.Database;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the Spring Session store ({@code dev.minoro.spring.session}) reads and writes: sessions in
 * {@code minoro_sessions}, found by the SHA-256 of their id (the id itself is never stored), and their attributes,
 * already serialized, in {@code minoro_session_attributes}. A session whose principal name is a user's email is
 * bound to that user and the user's security stamp, and is dead once the user is disabled, deleted or has a new
 * stamp. Internal: not API; the store reaches it through {@code MinoroRuntime.springSessionStore}.
 *
 * <p>Every method is cold and runs its statements on a connection of its own; a dead session met on the way
 * (expired, or its user no longer allows it) is deleted and not emitted.
 */
public final class SpringSessionStore {

    /** What {@link Stored#maxInactiveInterval()} says of a session that never expires, as Spring Session does. */
    private static final Duration NEVER = Duration.ofSeconds(-1);

    /**
     * A live session as stored.
     *
     * @param id                  the session's primary key (not a credential)
     * @param tokenHash           the SHA-256 of its id, as {@link #hash} makes it
     * @param createdAt           when it was made, to the millisecond
     * @param lastSeenAt          when it was last written as accessed, to the millisecond
     * @param maxInactiveInterval its idle timeout; negative when it never expires
     * @param principalName       the principal name it is indexed by, or null
     * @param attributes          its serialized attributes by name
     */
    public record Stored(UUID id, String tokenHash, Instant createdAt, Instant lastSeenAt, Duration maxInactiveInterval,
            @Nullable String principalName, Map<String, byte[]> attributes) {
    }

    /**
     * What saving a session writes.
     *
     * @param id                  the session's primary key
     * @param insert              whether the session is new: its row is inserted, else updated
     * @param tokenHash           the SHA-256 of its current id ({@link #hash})
     * @param writeRow            whether the session's own row is written (always when {@code insert}); when false
     *                            only attributes are written and the next four components are not read
     * @param lastSeenAt          when it was last accessed
     * @param maxInactiveInterval its idle timeout: negative for never, zero for expired at once
     * @param rebind              whether the principal name is written and the session bound again to the user it
     *                            names (always when {@code insert})
     * @param principalName       the principal name, or null
     * @param createdAt           when it was made (read when {@code insert})
     * @param upserts             the serialized attributes to write, by name
     * @param removals            the names of the attributes to delete
     */
    public record Write(UUID id, boolean insert, String tokenHash, boolean writeRow, Instant lastSeenAt,
            Duration maxInactiveInterval, boolean rebind, @Nullable String principalName, Instant createdAt,
            Map<String, byte[]> upserts, Set<String> removals) {

        /** Whether this write changes nothing. */
        public boolean isEmpty() {
            return !insert && !writeRow && upserts.isEmpty() && removals.isEmpty();
        }

        @Override
        public String toString() {
            return "Write{id=" + id + ", insert=" + insert + ", writeRow=" + writeRow + ", upserts=" + upserts.keySet()
                    + ", removals=" + removals + '}';
        }
    }

    /** One row of the session query: the session's columns, and one attribute (or none). */
    private record Part(UUID id, String tokenHash, Instant createdAt, Instant lastSeenAt, @Nullable Long idleTimeoutMs,
            @Nullable Instant expiresAt, @Nullable String principalName, @Nullable UUID userId,
            @Nullable String stamp, @Nullable UUID boundUser, @Nullable Boolean disabled, @Nullable String userStamp,
            @Nullable String name, byte @Nullable [] value) {

        /** Whether the session may still be used at {@code now}. */
        boolean liveAt(Instant now) {
            if (expiresAt != null && !expiresAt.isAfter(now)) {
                return false;
            }
            return userId == null || boundUser != null && !Boolean.TRUE.equals(disabled)
                    && Objects.equals(stamp, userStamp);
        }

        Duration maxInactiveInterval() {
            if (idleTimeoutMs != null) {
                return Duration.ofMillis(idleTimeoutMs);
            }
            return expiresAt == null ? NEVER : Duration.ZERO;
        }
    }

    private final Database database;
    private final Sql sql;
    private final Clock clock;
    private final UuidV7 ids;
    private final SessionTokens tokens;
    private final Lifecycle lifecycle;

    SpringSessionStore(Database database, Sql sql, Clock clock, UuidV7 ids, SessionTokens tokens,
            Lifecycle lifecycle) {
        this.database = database;
        this.sql = sql;
        this.clock = clock;
        this.ids = ids;
        this.tokens = tokens;
        this.lifecycle = lifecycle;
    }

    /** A new session id, as Minoro's session tokens are made: 256 random bits, base64url (43 characters). */
    public String newSessionId() {
        return tokens.next();
    }

    /** A new primary key for a session. */
    public UUID newPrimaryKey() {
        return ids.next();
    }

    /** The store's time, to the millisecond (what both databases keep): its Minoro's clock. */
    public Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    /** The SHA-256 of a session id's UTF-8 bytes, as 64 lower-case hex digits: what {@code token_hash} keeps. */
    public static String hash(String sessionId) {
        return SessionTokens.hash(sessionId);
    }

    /** A cold {@code Mono} of the live session whose id hashes to {@code tokenHash}, or empty. */
    public Mono<Stored> find(String tokenHash) {
        return lifecycle.mono(() -> live(database.withConnectionMany("reading a Spring session",
                c -> Statements.query(c, sql.springSessionByTokenHash, SpringSessionStore::part, tokenHash))).next());
    }

    /** A cold {@code Flux} of the live sessions of principal {@code principalName}, by primary key. */
    public Flux<Stored> findByPrincipalName(String principalName) {
        return lifecycle.flux(() -> live(database.withConnectionMany("reading the Spring sessions of a principal",
                c -> Statements.query(c, sql.springSessionsByPrincipal, SpringSessionStore::part, principalName))));
    }

    /**
     * The sessions the rows of {@code parts} make (rows of one session are adjacent); dead ones are deleted, one
     * statement each, once the query's connection is given back, before the flux completes.
     */
    private Flux<Stored> live(Flux<Part> parts) {
        return parts.collectList().flatMapIterable(all -> all).bufferUntilChanged(Part::id).concatMap(rows -> {
            Part first = rows.get(0);
            if (!first.liveAt(now())) {
                return delete(first.id()).then(Mono.empty());
            }
            Map<String, byte[]> attributes = new LinkedHashMap<>();
            for (Part row : rows) {
                if (row.name() != null && row.value() != null) {
                    attributes.put(row.name(), row.value());
                }
            }
            return Mono.just(new Stored(first.id(), first.tokenHash(), first.createdAt(), first.lastSeenAt(),
                    first.maxInactiveInterval(), first.principalName(), attributes));
        });
    }

    /**
     * A cold {@code Mono} that writes a session as {@code write} says: its row (inserted, or updated, binding it
     * again to a user when asked), the attributes to write and those to delete, in one transaction when that takes
     * more than one statement. Writes to a session deleted meanwhile change nothing.
     */
    public Mono<Void> write(Write write) {
        return lifecycle.mono(() -> {
            if (write.isEmpty()) {
                return Mono.empty();
            }
            int statements = (write.insert() || write.writeRow() ? 1 : 0) + (write.upserts().isEmpty() ? 0 : 1)
                    + (write.removals().isEmpty() ? 0 : 1);
            return statements == 1
                    ? database.withConnection("saving a Spring session", c -> writeAll(c, write))
                    : database.inTransaction("saving a Spring session", c -> writeAll(c, write));
        });
    }

    private Mono<Void> writeAll(Connection c, Write write) {
        Mono<Long> row = Mono.empty();
        if (write.insert() || write.writeRow()) {
            Duration idle = write.maxInactiveInterval();
            Object idleMs = idle.isNegative() || idle.isZero() ? Statements.nullOf(Long.class)
                    : (Object) Math.max(1, idle.toMillis());
            Object expiresAt = idle.isNegative() ? Statements.nullOf(Instant.class)
                    : write.lastSeenAt().plus(idle).truncatedTo(ChronoUnit.MILLIS);
            if (write.insert()) {
                row = Statements.update(c, sql.insertSpringSession, write.id(), write.tokenHash(),
                        SqlUserRepository.orNull(write.principalName()), write.createdAt(), write.lastSeenAt(),
                        boundEmail(write.principalName()), idleMs, expiresAt);
            } else if (write.rebind()) {
                row = Statements.update(c, sql.updateSpringSessionBinding, write.id(), write.tokenHash(),
                        write.lastSeenAt(), idleMs, expiresAt, SqlUserRepository.orNull(write.principalName()),
                        boundEmail(write.principalName()));
            } else {
                row = Statements.update(c, sql.updateSpringSession, write.id(), write.tokenHash(), write.lastSeenAt(),
                        idleMs, expiresAt);
            }
        }
        Mono<Long> upserts = Mono.empty();
        if (!write.upserts().isEmpty()) {
            List<Object> args = new ArrayList<>(1 + 2 * write.upserts().size());
            args.add(write.id());
            write.upserts().forEach((name, value) -> {
                args.add(name);
                args.add(value);
            });
            upserts = Statements.update(c, sql.upsertSpringSessionAttributes(write.upserts().size()), args.toArray());
        }
        Mono<Long> removals = Mono.empty();
        if (!write.removals().isEmpty()) {
            List<Object> args = new ArrayList<>(1 + write.removals().size());
            args.add(write.id());
            args.addAll(write.removals());
            removals = Statements.update(c, sql.deleteSpringSessionAttributes(write.removals().size()), args.toArray());
        }
        return row.then(upserts).then(removals).then();
    }

    /** The normalised email that {@code principalName} is, to bind the session to its user, or a null argument. */
    private static Object boundEmail(@Nullable String principalName) {
        if (principalName == null) {
            return Statements.nullOf(String.class);
        }
        try {
            return Inputs.normalisedEmail(principalName);
        } catch (InvalidInputException notAnEmail) {
            return Statements.nullOf(String.class);
        }
    }

    /** A cold {@code Mono} that deletes the session whose id hashes to {@code tokenHash}: whether there was one. */
    public Mono<Boolean> delete(String tokenHash) {
        return lifecycle.mono(() -> Statements.update(database, "deleting a Spring session",
                sql.deleteSessionByTokenHash, tokenHash, "spring").map(count -> count > 0));
    }

    /** A cold {@code Mono} that deletes the session of primary key {@code id}: whether there was one. */
    public Mono<Boolean> delete(UUID id) {
        return lifecycle.mono(() -> Statements.update(database, "deleting a Spring session",
                sql.deleteSpringSessionById, id).map(count -> count > 0));
    }

    private static Part part(Readable row) {
        return new Part(
                Rows.notNull(row.get("id", UUID.class), "id"),
                Rows.notNull(row.get("token_hash", String.class), "token_hash"),
                Rows.notNull(row.get("created_at", Instant.class), "created_at"),
                Rows.notNull(row.get("last_seen_at", Instant.class), "last_seen_at"),
                row.get("idle_timeout_ms", Long.class),
                row.get("expires_at", Instant.class),
                row.get("principal_name", String.class),
                row.get("user_id", UUID.class),
                row.get("security_stamp", String.class),
                row.get("bound_user", UUID.class),
                row.get("disabled", Boolean.class),
                row.get("user_stamp", String.class),
                row.get("name", String.class),
                row.get("value", byte[].class));
    }
}
