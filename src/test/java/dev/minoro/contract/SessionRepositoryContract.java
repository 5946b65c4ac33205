package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.AccountDisabledException;
import dev.minoro.DatabaseType;
import dev.minoro.InvalidInputException;
import dev.minoro.Minoro;
import dev.minoro.NewSession;
import dev.minoro.NotFoundException;
import dev.minoro.Session;
import dev.minoro.SessionOptions;
import dev.minoro.SessionRepository;
import dev.minoro.User;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.StatementRecorder;
import dev.minoro.testing.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The contract of {@link SessionRepository}: opaque tokens stored as hashes, absolute and sliding expiry with
 * renewals written at most once per interval, revocation (explicit and with password changes and disabling), the
 * "your devices" list and the batched purge, for every database.
 */
public interface SessionRepositoryContract extends MinoroFixture {

    /** The renewal interval of the test configuration: {@code MinoroConfig}'s default. */
    Duration RENEWAL = Duration.ofMinutes(1);

    private SessionRepository sessions() {
        return minoro().sessions();
    }

    private NewSession session(User user) {
        return sessions().create(user.id(), SessionOptions.defaults()).block(TIMEOUT);
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private long sessionRows(UUID userId) {
        return sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_sessions WHERE user_id = $1", userId);
    }

    private void assertValid(NewSession session) {
        sessions().validate(session.token()).as(StepVerifier::create)
                .assertNext(active -> assertEquals(session.session().id(), active.id()))
                .verifyComplete();
    }

    private void assertInvalid(NewSession session) {
        sessions().validate(session.token()).as(StepVerifier::create).verifyComplete();
    }

    @Test
    default void aNewSessionsTokenIsShownOnceAndTheDatabaseKeepsOnlyItsHash() {
        User ada = user("ada@example.com");
        NewSession created = sessions().create(ada.id(), SessionOptions.defaults()
                .withMetadata(Map.of("userAgent", "Firefox/140", "ip", "203.0.113.7"))).block(TIMEOUT);
        String token = created.token();
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), "256 bits as base64url without padding: " + token.length());
        assertFalse(created.toString().contains(token), created.toString());
        assertTrue(created.toString().contains("<redacted>"), created.toString());

        Session session = created.session();
        Instant now = clock().instant();
        assertEquals(ada.id(), session.userId());
        assertEquals(now, session.createdAt());
        assertEquals(now, session.lastSeenAt());
        assertEquals(now.plus(Duration.ofHours(24)), session.absoluteExpiresAt(), "the configured default");
        assertEquals(now.plus(Duration.ofMinutes(30)), session.expiresAt(), "the idle end comes first");
        assertEquals(Map.of("userAgent", "Firefox/140", "ip", "203.0.113.7"), session.metadata());
        assertEquals(7, session.id().version(), "a UUIDv7");

        assertEquals(sha256(token), sqlValue(String.class, "SELECT token_hash FROM minoro_sessions WHERE id = $1",
                session.id()));
        assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_sessions WHERE token_hash = $1"
                + " OR metadata LIKE $2 OR principal_name = $1", token, "%" + token + "%"), "the token is nowhere");
        assertEquals(ada.securityStamp(), sqlValue(String.class,
                "SELECT security_stamp FROM minoro_sessions WHERE id = $1", session.id()));

        Set<String> tokens = IntStream.range(0, 20).mapToObj(i -> session(ada).token()).collect(Collectors.toSet());
        assertEquals(20, tokens.size(), "a new token each time");
        assertFalse(tokens.contains(token));
    }

    @Test
    default void aKnownTokenValidatesToItsSessionAndUser() {
        User ada = user("ada@example.com");
        NewSession created = session(ada);
        Session active = sessions().validate(created.token()).block(TIMEOUT);
        assertEquals(created.session(), active, "not renewed within the renewal interval");
        assertEquals(minoro().users().findById(ada.id()).block(TIMEOUT), active.user());

        // Unknown tokens of a token's form, strings of another form, tokens of another user's session: empty.
        String unknown = "A".repeat(42) + "E";
        sessions().validate(unknown).as(StepVerifier::create).verifyComplete();
        for (String malformed : List.of("", "short", created.token() + "x", created.token().substring(1) + "=",
                created.token().substring(0, 42) + "B", created.token().toUpperCase().substring(0, 42) + "+")) {
            sessions().validate(malformed).as(StepVerifier::create).verifyComplete();
        }
        // The hash, offered as a token, is not one.
        sessions().validate(sha256(created.token())).as(StepVerifier::create).verifyComplete();
        sessions().validate(null).as(StepVerifier::create).expectError(InvalidInputException.class).verify(TIMEOUT);
    }

    @Test
    default void aSessionEndsAtItsAbsoluteTimeoutHoweverActive() {
        User ada = user("ada@example.com");
        NewSession created = sessions().create(ada.id(), SessionOptions.defaults()
                .withAbsoluteTimeout(Duration.ofMinutes(10)).withIdleTimeout(Duration.ofMinutes(5))).block(TIMEOUT);
        Instant end = clock().instant().plus(Duration.ofMinutes(10));
        assertEquals(end, created.session().absoluteExpiresAt());
        for (int i = 0; i < 4; i++) {
            clock().advance(Duration.ofMinutes(2));
            Session active = sessions().validate(created.token()).block(TIMEOUT);
            assertEquals(clock().instant(), active.lastSeenAt(), "renewed");
            assertTrue(!active.expiresAt().isAfter(end), "never past the absolute end");
        }
        clock().advance(Duration.ofMinutes(2).minusMillis(1));
        assertValid(created);
        clock().advance(Duration.ofMillis(1));
        assertInvalid(created);
    }

    @Test
    default void anIdleSessionEndsAndAnActiveOneSlides() {
        User ada = user("ada@example.com");
        NewSession created = sessions().create(ada.id(), SessionOptions.defaults()
                .withAbsoluteTimeout(null).withIdleTimeout(Duration.ofMinutes(10))).block(TIMEOUT);
        assertNull(created.session().absoluteExpiresAt());
        // Used every 9 minutes for 3 hours: always valid, since each use renews it.
        for (int i = 0; i < 20; i++) {
            clock().advance(Duration.ofMinutes(9));
            Session active = sessions().validate(created.token()).block(TIMEOUT);
            assertEquals(clock().instant().plus(Duration.ofMinutes(10)), active.expiresAt());
        }
        assertEquals(clock().instant(), sqlValue(Instant.class,
                "SELECT last_seen_at FROM minoro_sessions WHERE id = $1", created.session().id()));
        clock().advance(Duration.ofMinutes(10));
        assertInvalid(created);
        assertEquals(List.of(), sessions().sessionsOf(ada.id()).collectList().block(TIMEOUT));
        assertEquals(1, sessionRows(ada.id()), "kept until purged");

        NewSession forever = sessions().create(ada.id(), SessionOptions.defaults().withAbsoluteTimeout(null)
                .withIdleTimeout(null)).block(TIMEOUT);
        assertNull(forever.session().expiresAt());
        clock().advance(Duration.ofDays(3650));
        assertValid(forever);
    }

    @Test
    default void aRenewalIsWrittenAtMostOncePerInterval() {
        User ada = user("ada@example.com");
        NewSession created = session(ada);
        StatementRecorder recorder = new StatementRecorder();
        Minoro recorded = another(b -> withConnections(b, recorder::wrap));
        int afterBoot = recorder.statements().size();
        int transactionsAfterBoot = recorder.transactions().size();

        // Within the interval: one statement each, a read.
        for (int i = 0; i < 5; i++) {
            clock().advance(RENEWAL.dividedBy(6));
            recorded.sessions().validate(created.token()).as(StepVerifier::create).expectNextCount(1)
                    .verifyComplete();
        }
        assertEquals(5, recorder.statements().size() - afterBoot, recorder.statements().toString());
        assertEquals(created.session().lastSeenAt(), sqlValue(Instant.class,
                "SELECT last_seen_at FROM minoro_sessions WHERE id = $1", created.session().id()));

        // Past it: the read and one write; then reads again.
        clock().advance(RENEWAL.dividedBy(6));
        Instant renewedAt = clock().instant();
        Session renewed = recorded.sessions().validate(created.token()).block(TIMEOUT);
        assertEquals(renewedAt, renewed.lastSeenAt());
        assertEquals(renewedAt.plus(Duration.ofMinutes(30)), renewed.expiresAt());
        assertEquals(7, recorder.statements().size() - afterBoot, recorder.statements().toString());
        assertTrue(recorder.statements().get(recorder.statements().size() - 1).startsWith("UPDATE minoro_sessions"));
        assertEquals(renewedAt, sqlValue(Instant.class, "SELECT last_seen_at FROM minoro_sessions WHERE id = $1",
                created.session().id()));
        assertEquals(renewedAt.plus(Duration.ofMinutes(30)), sqlValue(Instant.class,
                "SELECT expires_at FROM minoro_sessions WHERE id = $1", created.session().id()));
        for (int i = 0; i < 3; i++) {
            clock().advance(Duration.ofSeconds(10));
            recorded.sessions().validate(created.token()).as(StepVerifier::create).expectNextCount(1)
                    .verifyComplete();
        }
        assertEquals(10, recorder.statements().size() - afterBoot, recorder.statements().toString());
        assertEquals(transactionsAfterBoot, recorder.transactions().size(), "validation needs no transaction");
    }

    @Test
    default void concurrentValidationsOfOneTokenWriteTheRenewalOnce() {
        User ada = user("ada@example.com");
        NewSession created = session(ada);
        countRenewals();
        for (int round = 1; round <= 3; round++) {
            clock().advance(RENEWAL);
            List<Session> validated = Flux.range(0, 16)
                    .flatMap(i -> sessions().validate(created.token()), 16)
                    .collectList().block(TIMEOUT);
            assertEquals(16, validated.size(), "every validation succeeds");
            assertEquals(round, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_test_renewals"),
                    "one renewal written per interval, however many validations ran at once");
            assertEquals(clock().instant(), sqlValue(Instant.class,
                    "SELECT last_seen_at FROM minoro_sessions WHERE id = $1", created.session().id()));
        }
    }

    /** Counts, in the table {@code minoro_test_renewals}, the updates of a session's {@code last_seen_at}. */
    private void countRenewals() {
        RawSql.execute(database(), "CREATE TABLE minoro_test_renewals (n INTEGER)");
        if (database().type() == DatabaseType.POSTGRES) {
            RawSql.execute(database(), "CREATE OR REPLACE FUNCTION minoro_test_count_renewal() RETURNS trigger"
                    + " LANGUAGE plpgsql AS 'BEGIN INSERT INTO minoro_test_renewals VALUES (1); RETURN NEW; END'");
            RawSql.execute(database(), "CREATE TRIGGER minoro_test_renewal AFTER UPDATE OF last_seen_at"
                    + " ON minoro_sessions FOR EACH ROW EXECUTE FUNCTION minoro_test_count_renewal()");
        } else {
            RawSql.execute(database(), "CREATE TRIGGER minoro_test_renewal AFTER UPDATE OF last_seen_at"
                    + " ON minoro_sessions BEGIN INSERT INTO minoro_test_renewals VALUES (1); END");
        }
    }

    @Test
    default void aDisabledUsersSessionsAreRevokedWithTheChange() {
        User ada = user("ada@example.com");
        User bob = user("bob@example.com");
        NewSession first = session(ada);
        NewSession second = session(ada);
        NewSession bobs = session(bob);
        minoro().users().setDisabled(ada.id(), true).block(TIMEOUT);
        assertInvalid(first);
        assertInvalid(second);
        assertEquals(0, sessionRows(ada.id()), "deleted with the change");
        assertValid(bobs);
        sessions().create(ada.id(), SessionOptions.defaults()).as(StepVerifier::create)
                .expectError(AccountDisabledException.class).verify(TIMEOUT);
        User enabled = minoro().users().setDisabled(ada.id(), false).block(TIMEOUT);
        assertInvalid(first);

        // The versioned form revokes too; enabling revokes nothing.
        NewSession third = session(ada);
        minoro().users().setDisabled(ada.id(), enabled.version() + 5, true).as(StepVerifier::create)
                .expectError().verify(TIMEOUT);
        assertValid(third);
        User disabled = minoro().users().setDisabled(ada.id(), enabled.version(), true).block(TIMEOUT);
        assertInvalid(third);
        assertEquals(0, sessionRows(ada.id()));
        minoro().users().setDisabled(ada.id(), disabled.version(), false).block(TIMEOUT);
        NewSession fourth = session(ada);
        minoro().users().setDisabled(ada.id(), false).block(TIMEOUT);
        assertValid(fourth);
    }

    @Test
    default void aRoleChangeOrEmailChangeEndsSessionsThroughTheStamp() {
        User ada = user("ada@example.com");
        minoro().roles().create("editor", null).block(TIMEOUT);
        NewSession before = session(ada);
        minoro().roles().assign(ada.id(), "editor").block(TIMEOUT);
        assertInvalid(before);
        assertEquals(1, sessionRows(ada.id()), "not deleted, but no longer valid");
        assertEquals(List.of(), sessions().sessionsOf(ada.id()).collectList().block(TIMEOUT));

        NewSession after = session(ada);
        assertValid(after);
        User current = minoro().users().findById(ada.id()).block(TIMEOUT);
        minoro().users().updateProfile(ada.id(), current.version(), "ada.lovelace@example.com", null)
                .block(TIMEOUT);
        assertInvalid(after);

        // A stamp changed behind Minoro's back counts too.
        NewSession third = session(ada);
        RawSql.execute(database(), "UPDATE minoro_users SET security_stamp = $1 WHERE id = $2",
                "0123456789abcdef0123456789abcdef", ada.id());
        assertInvalid(third);
    }

    @Test
    default void aDeletedUsersSessionsGoWithIt() {
        User ada = user("ada@example.com");
        NewSession created = session(ada);
        minoro().users().delete(ada.id()).block(TIMEOUT);
        assertInvalid(created);
        assertEquals(0, sessionRows(ada.id()));
        sessions().create(ada.id(), SessionOptions.defaults()).as(StepVerifier::create)
                .expectError(NotFoundException.class).verify(TIMEOUT);
    }

    @Test
    default void revokingEndsOneSessionOrAll() {
        User ada = user("ada@example.com");
        User bob = user("bob@example.com");
        NewSession phone = session(ada);
        NewSession laptop = session(ada);
        NewSession tablet = session(ada);
        NewSession bobs = session(bob);

        sessions().revoke(phone.token()).as(StepVerifier::create).expectNext(true).verifyComplete();
        sessions().revoke(phone.token()).as(StepVerifier::create).expectNext(false).verifyComplete();
        assertInvalid(phone);
        assertValid(laptop);

        // By public id: only the owner's.
        UUID laptopId = laptop.session().id();
        sessions().revoke(bob.id(), laptopId).as(StepVerifier::create).expectNext(false).verifyComplete();
        assertValid(laptop);
        sessions().revoke(ada.id(), laptopId).as(StepVerifier::create).expectNext(true).verifyComplete();
        sessions().revoke(ada.id(), laptopId).as(StepVerifier::create).expectNext(false).verifyComplete();
        assertInvalid(laptop);

        NewSession desktop = session(ada);
        sessions().revokeAll(ada.id()).as(StepVerifier::create).expectNext(2L).verifyComplete();
        assertInvalid(tablet);
        assertInvalid(desktop);
        assertValid(bobs);
        sessions().revokeAll(ada.id()).as(StepVerifier::create).expectNext(0L).verifyComplete();
        sessions().revokeAll(UUID.randomUUID()).as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    default void changingAPasswordRevokesEverySessionOfTheUser() {
        User ada = user("ada@example.com");
        User bob = user("bob@example.com");
        NewSession bobs = session(bob);

        NewSession first = session(ada);
        minoro().users().changePassword(ada.id(), "another good password").block(TIMEOUT);
        assertInvalid(first);
        assertEquals(0, sessionRows(ada.id()));

        NewSession second = session(ada);
        String hash = sqlValue(String.class, "SELECT password_hash FROM minoro_users WHERE id = $1", bob.id());
        minoro().users().changePasswordHash(ada.id(), hash).block(TIMEOUT);
        assertInvalid(second);
        assertEquals(0, sessionRows(ada.id()));

        NewSession third = session(ada);
        minoro().users().changePassword(ada.id(), null).block(TIMEOUT);
        assertInvalid(third);
        assertEquals(0, sessionRows(ada.id()));
        assertValid(bobs);

        // A refused password changes nothing, sessions included.
        NewSession fourth = session(ada);
        minoro().users().changePassword(ada.id(), "short").as(StepVerifier::create)
                .expectError(InvalidInputException.class).verify(TIMEOUT);
        assertValid(fourth);
    }

    @Test
    default void aLoginAndItsRehashRevokeNothing() {
        User hal = user("hal@example.com");
        NewSession created = session(hal);
        minoro().authenticate("hal@example.com", TestConfigs.PASSWORD).block(TIMEOUT);
        assertValid(created);

        String weak = sqlValue(String.class, "SELECT password_hash FROM minoro_users WHERE id = $1", hal.id());
        Minoro stronger = another(b -> b.argon2(128, 2, 1));
        stronger.authenticate("hal@example.com", TestConfigs.PASSWORD).block(TIMEOUT);
        assertNotEquals(weak, sqlValue(String.class, "SELECT password_hash FROM minoro_users WHERE id = $1",
                hal.id()), "rehashed");
        assertValid(created);
        assertEquals(1, sessionRows(hal.id()));
    }

    @Test
    default void sessionsOfListsTheLiveSessionsNewestFirstWithTheirMetadata() {
        User ada = user("ada@example.com");
        User bob = user("bob@example.com");
        session(bob);
        NewSession expiring = sessions().create(ada.id(), SessionOptions.defaults()
                .withAbsoluteTimeout(Duration.ofMinutes(5)).withMetadata(Map.of("device", "old phone")))
                .block(TIMEOUT);
        List<NewSession> live = IntStream.range(0, 3).mapToObj(i -> {
            clock().advance(Duration.ofMinutes(1));
            return sessions().create(ada.id(), SessionOptions.defaults()
                    .withMetadata(Map.of("userAgent", "Agent " + i, "ip", "192.0.2." + i))).block(TIMEOUT);
        }).toList();
        clock().advance(Duration.ofMinutes(3));
        List<Session> listed = sessions().sessionsOf(ada.id()).collectList().block(TIMEOUT);
        assertEquals(List.of(live.get(2).session(), live.get(1).session(), live.get(0).session()), listed);
        assertEquals(Map.of("userAgent", "Agent 1", "ip", "192.0.2.1"), listed.get(1).metadata());
        assertFalse(listed.contains(expiring.session()));

        // A validation's renewal shows.
        Session renewed = sessions().validate(live.get(0).token()).block(TIMEOUT);
        assertEquals(renewed, sessions().sessionsOf(ada.id()).blockLast(TIMEOUT));
        sessions().sessionsOf(UUID.randomUUID()).as(StepVerifier::create).verifyComplete();
        sessions().sessionsOf(null).as(StepVerifier::create).expectError(InvalidInputException.class)
                .verify(TIMEOUT);
    }

    @Test
    default void purgeExpiredDeletesInBoundedBatches() {
        User ada = user("ada@example.com");
        User bob = user("bob@example.com");
        SessionOptions brief = SessionOptions.defaults().withAbsoluteTimeout(Duration.ofMinutes(1));
        int expired = 2500;
        Flux.range(0, expired)
                .concatMap(i -> sessions().create(i % 2 == 0 ? ada.id() : bob.id(), brief))
                .then().block(Duration.ofMinutes(3));
        clock().advance(Duration.ofMinutes(1));
        List<NewSession> live = List.of(session(ada), session(bob), session(ada));

        StatementRecorder recorder = new StatementRecorder();
        Minoro recorded = another(b -> withConnections(b, recorder::wrap));
        int afterBoot = recorder.statements().size();
        int transactionsAfterBoot = recorder.transactions().size();
        recorded.sessions().purgeExpired().as(StepVerifier::create).expectNext((long) expired).verifyComplete();
        List<String> statements = recorder.statements().subList(afterBoot, recorder.statements().size());
        assertEquals(3, statements.size(), "batches of 1000, 1000 and 500: " + statements);
        assertEquals(3, recorder.transactions().size() - transactionsAfterBoot, "one short transaction per batch");
        assertEquals(3L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_sessions"));
        live.forEach(this::assertValid);

        sessions().purgeExpired().as(StepVerifier::create).expectNext(0L).verifyComplete();
        clock().advance(Duration.ofHours(25));
        sessions().purgeExpired().as(StepVerifier::create).expectNext(3L).verifyComplete();
        assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_sessions"));
    }

    @Test
    default void badInputGetsATypedErrorAndChangesNothing() {
        User ada = user("ada@example.com");
        sessions().create(null, SessionOptions.defaults()).as(StepVerifier::create)
                .expectError(InvalidInputException.class).verify(TIMEOUT);
        sessions().create(ada.id(), null).as(StepVerifier::create)
                .expectError(InvalidInputException.class).verify(TIMEOUT);
        sessions().create(UUID.randomUUID(), SessionOptions.defaults()).as(StepVerifier::create)
                .expectError(NotFoundException.class).verify(TIMEOUT);
        sessions().create(ada.id(), SessionOptions.defaults().withIdleTimeout(RENEWAL)).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(InvalidInputException.class, e);
                    assertEquals("The session idle timeout (PT1M) must be longer than the renewal interval (PT1M):"
                            + " a session in use would end between two renewals", e.getMessage());
                })
                .verify(TIMEOUT);
        sessions().create(ada.id(), SessionOptions.defaults().withMetadata(Map.of("device", "bad \uD800 text")))
                .as(StepVerifier::create).expectError(InvalidInputException.class).verify(TIMEOUT);
        assertThrows(InvalidInputException.class, () -> SessionOptions.defaults().withIdleTimeout(Duration.ZERO));
        assertEquals("The session absolute timeout must be at most 36500 days, or null for none; got PT960000H",
                assertThrows(InvalidInputException.class, () -> SessionOptions.defaults()
                        .withAbsoluteTimeout(Duration.ofDays(40_000))).getMessage());
        Map<String, String> tooMany = new HashMap<>();
        IntStream.range(0, 17).forEach(i -> tooMany.put("k" + i, "v"));
        assertThrows(InvalidInputException.class, () -> SessionOptions.defaults().withMetadata(tooMany));
        assertThrows(InvalidInputException.class, () -> SessionOptions.defaults()
                .withMetadata(Map.of("k", "v".repeat(1001))));
        assertEquals(0, sessionRows(ada.id()), "nothing was created");

        NewSession created = session(ada);
        String token = created.token();
        for (String malformed : List.of("", "short", token + "x", token.substring(0, 42) + "!")) {
            sessions().revoke(malformed).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(InvalidInputException.class, e);
                        assertFalse(malformed.length() > 3 && e.getMessage().contains(malformed), e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
        sessions().revoke((String) null).as(StepVerifier::create).expectError(InvalidInputException.class)
                .verify(TIMEOUT);
        sessions().revoke(null, created.session().id()).as(StepVerifier::create)
                .expectError(InvalidInputException.class).verify(TIMEOUT);
        sessions().revoke(ada.id(), null).as(StepVerifier::create).expectError(InvalidInputException.class)
                .verify(TIMEOUT);
        sessions().revokeAll(null).as(StepVerifier::create).expectError(InvalidInputException.class)
                .verify(TIMEOUT);
        assertValid(created);
    }
}
