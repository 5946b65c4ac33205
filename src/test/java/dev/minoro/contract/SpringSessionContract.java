package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.Minoro;
import dev.minoro.User;
import dev.minoro.spring.session.MinoroReactiveSessionRepository;
import dev.minoro.spring.session.MinoroSession;
import dev.minoro.spring.session.SessionAttributeSerializer;
import dev.minoro.spring.session.SessionSerializationException;
import dev.minoro.testing.OtherScriptDigits;
import dev.minoro.testing.StatementRecorder;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.session.ReactiveFindByIndexNameSessionRepository;
import reactor.test.StepVerifier;

/**
 * The Spring Session store ({@link MinoroReactiveSessionRepository}), modelled on Spring Session's own repository
 * tests (JDBC's and reactive Redis's integration tests), on every database target.
 */
public interface SpringSessionContract extends MinoroFixture {

    String PRINCIPAL = ReactiveFindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME;
    String SECURITY_CONTEXT = "SPRING_SECURITY_CONTEXT";

    /** A serializable value of the application's own type. */
    record Cart(String owner, List<String> items) implements Serializable {
    }

    private MinoroReactiveSessionRepository sessions() {
        return MinoroReactiveSessionRepository.of(minoro());
    }

    private static MinoroSession created(MinoroReactiveSessionRepository repository) {
        return repository.createSession().block(TIMEOUT);
    }

    private static void save(MinoroReactiveSessionRepository repository, MinoroSession session) {
        repository.save(session).as(StepVerifier::create).verifyComplete();
    }

    private static MinoroSession found(MinoroReactiveSessionRepository repository, String id) {
        MinoroSession session = repository.findById(id).block(TIMEOUT);
        assertNotNull(session, "no session found");
        return session;
    }

    private static void absent(MinoroReactiveSessionRepository repository, String id) {
        repository.findById(id).as(StepVerifier::create).verifyComplete();
    }

    private long sessionRows() {
        return sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_sessions");
    }

    private long attributeRows() {
        return sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_session_attributes");
    }

    private static SecurityContextImpl securityContext(String name) {
        return new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated(name, null,
                AuthorityUtils.createAuthorityList("ROLE_USER")));
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    default void aSavedSessionIsFoundWithItsAttributesOfSeveralTypes() {
        MinoroReactiveSessionRepository repository = sessions();
        MinoroSession session = created(repository);
        Instant instant = Instant.parse("2026-01-02T03:04:05.678Z");
        session.setAttribute("text", "värde ✓");
        session.setAttribute("int", 42);
        session.setAttribute("long", Long.MIN_VALUE);
        session.setAttribute("instant", instant);
        session.setAttribute("bytes", new byte[] { 0, 1, -1, 127 });
        session.setAttribute("list", List.of("a", "b"));
        session.setAttribute("map", Map.of("k", 1));
        session.setAttribute("cart", new Cart("ada", List.of("book", "pen")));
        session.setAttribute("empty", "");
        save(repository, session);

        MinoroSession read = found(repository, session.getId());
        assertEquals(session.getId(), read.getId());
        assertEquals(session.getAttributeNames(), read.getAttributeNames());
        assertEquals("värde ✓", read.<String>getAttribute("text"));
        assertEquals(Integer.valueOf(42), read.<Integer>getAttribute("int"));
        assertEquals(Long.valueOf(Long.MIN_VALUE), read.<Long>getAttribute("long"));
        assertEquals(instant, read.getAttribute("instant"));
        assertArrayEquals(new byte[] { 0, 1, -1, 127 }, read.getAttribute("bytes"));
        assertEquals(List.of("a", "b"), read.getAttribute("list"));
        assertEquals(Map.of("k", 1), read.getAttribute("map"));
        assertEquals(new Cart("ada", List.of("book", "pen")), read.getAttribute("cart"));
        assertEquals("", read.getAttribute("empty"));
        assertEquals((Object) null, read.getAttribute("missing"));
        assertEquals(session.getCreationTime(), read.getCreationTime());
        assertEquals(session.getLastAccessedTime(), read.getLastAccessedTime());
        assertEquals(MinoroReactiveSessionRepository.DEFAULT_MAX_INACTIVE_INTERVAL, read.getMaxInactiveInterval());
        assertFalse(read.isExpired());
        assertEquals(9L, attributeRows());

        repository.deleteById(session.getId()).as(StepVerifier::create).verifyComplete();
        absent(repository, session.getId());
        assertEquals(0L, sessionRows());
        assertEquals(0L, attributeRows(), "the attributes go with their session");
        repository.deleteById(session.getId()).as(StepVerifier::create).verifyComplete();
    }

    @Test
    default void aSessionWithoutAttributesIsFoundAndAnUnsavedOneIsNot() {
        MinoroReactiveSessionRepository repository = sessions();
        MinoroSession unsaved = created(repository);
        absent(repository, unsaved.getId());
        assertEquals(0L, sessionRows(), "creating a session writes nothing");
        save(repository, unsaved);
        assertEquals(Set.of(), found(repository, unsaved.getId()).getAttributeNames());
        absent(repository, "");
        absent(repository, "not-a-session-id");
    }

    @Test
    default void savingTenAttributesOfWhichOneChangedWritesThatOneAloneInOneStatement() {
        MinoroReactiveSessionRepository repository = sessions();
        MinoroSession session = created(repository);
        for (int i = 0; i < 10; i++) {
            session.setAttribute("attribute" + i, "value" + i);
        }
        save(repository, session);

        StatementRecorder recorder = new StatementRecorder();
        Minoro recorded = another(b -> withConnections(b, recorder::wrap));
        MinoroReactiveSessionRepository observed = MinoroReactiveSessionRepository.of(recorded);
        MinoroSession read = found(observed, session.getId());
        int before = recorder.statements().size();
        int transactionsBefore = recorder.transactions().size();
        read.setAttribute("attribute3", "changed");
        save(observed, read);
        List<String> statements = recorder.statements().subList(before, recorder.statements().size());
        assertEquals(1, statements.size(), statements.toString());
        assertTrue(statements.get(0).startsWith("INSERT INTO minoro_session_attributes"), statements.toString());
        assertEquals(transactionsBefore, recorder.transactions().size(), "one statement needs no transaction");

        MinoroSession again = found(repository, session.getId());
        for (int i = 0; i < 10; i++) {
            assertEquals(i == 3 ? "changed" : "value" + i, again.getAttribute("attribute" + i));
        }

        // With the last access due to be written as well: two statements, one transaction.
        MinoroSession later = found(observed, session.getId());
        clock().advance(Duration.ofMinutes(2));
        later.setLastAccessedTime(clock().instant());
        later.setAttribute("attribute7", "changed too");
        int beforeRenewal = recorder.statements().size();
        int transactionsBeforeRenewal = recorder.transactions().size();
        save(observed, later);
        List<String> renewal = recorder.statements().subList(beforeRenewal, recorder.statements().size());
        assertEquals(2, renewal.size(), renewal.toString());
        assertTrue(renewal.get(0).startsWith("UPDATE minoro_sessions"), renewal.toString());
        assertEquals(transactionsBeforeRenewal + 1, recorder.transactions().size(), "one transaction");
        MinoroSession renewed = found(repository, session.getId());
        assertEquals(clock().instant(), renewed.getLastAccessedTime());
        assertEquals("changed too", renewed.getAttribute("attribute7"));
    }

    @Test
    default void aSessionAccessedWithinTheRenewalIntervalIsNotWrittenAgain() {
        MinoroReactiveSessionRepository repository = sessions();
        MinoroSession session = created(repository);
        session.setAttribute("a", "b");
        save(repository, session);

        StatementRecorder recorder = new StatementRecorder();
        MinoroReactiveSessionRepository observed = MinoroReactiveSessionRepository.of(
                another(b -> withConnections(b, recorder::wrap)));
        Instant stored = session.getLastAccessedTime();
        for (int access = 0; access < 2; access++) {
            MinoroSession read = found(observed, session.getId());
            clock().advance(Duration.ofSeconds(20));
            read.setLastAccessedTime(clock().instant());
            read.getAttribute("a");
            int before = recorder.statements().size();
            save(observed, read);
            assertEquals(before, recorder.statements().size(), "nothing written within the renewal interval");
        }
        assertEquals(stored, found(repository, session.getId()).getLastAccessedTime());

        // Past it, the last access is written; a session read again carries the new one.
        MinoroSession read = found(observed, session.getId());
        clock().advance(Duration.ofSeconds(20));
        read.setLastAccessedTime(clock().instant());
        save(observed, read);
        assertEquals(clock().instant(), found(repository, session.getId()).getLastAccessedTime());
    }

    @Test
    default void aRemovedAttributeLosesItsRowAndOthersStay() {
        MinoroReactiveSessionRepository repository = sessions();
        MinoroSession session = created(repository);
        session.setAttribute("keep", "k");
        session.setAttribute("drop", "d");
        session.setAttribute("nulled", "n");
        save(repository, session);
        assertEquals(3L, attributeRows());

        MinoroSession read = found(repository, session.getId());
        read.removeAttribute("drop");
        read.setAttribute("nulled", null);
        read.removeAttribute("never-there");
        save(repository, read);
        assertEquals(1L, attributeRows());
        MinoroSession again = found(repository, session.getId());
        assertEquals(Set.of("keep"), again.getAttributeNames());
        assertEquals("k", again.getAttribute("keep"));

        // Removed and set again before the save: the new value.
        again.removeAttribute("keep");
        again.setAttribute("keep", "k2");
        save(repository, again);
        assertEquals("k2", found(repository, session.getId()).getAttribute("keep"));
    }

    @Test
    default void changeSessionIdReplacesTheIdAndTheOldOneFindsNothing() {
        MinoroReactiveSessionRepository repository = sessions();
        MinoroSession session = created(repository);
        session.setAttribute("a", "b");
        save(repository, session);
        String original = session.getId();

        MinoroSession read = found(repository, original);
        String first = read.changeSessionId();
        String second = read.changeSessionId();
        assertNotEquals(original, first);
        assertNotEquals(first, second);
        save(repository, read);
        absent(repository, original);
        absent(repository, first);
        MinoroSession changed = found(repository, second);
        assertEquals("b", changed.getAttribute("a"));
        assertEquals(session.getCreationTime(), changed.getCreationTime());
        assertEquals(1L, sessionRows());

        // Changed before its first save: stored under the new id only.
        MinoroSession fresh = created(repository);
        String freshOriginal = fresh.getId();
        String freshChanged = fresh.changeSessionId();
        save(repository, fresh);
        absent(repository, freshOriginal);
        found(repository, freshChanged);
    }

    @Test
    default void idsAre256RandomBitsAndNeverStored() throws Exception {
        MinoroReactiveSessionRepository repository = sessions();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < 20; i++) {
            MinoroSession session = created(repository);
            assertTrue(session.getId().matches("[A-Za-z0-9_-]{43}"), session.getId());
            ids.add(session.getId());
            save(repository, session);
            assertEquals(1L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_sessions WHERE token_hash = $1",
                    sha256(session.getId())));
            assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_sessions WHERE token_hash = $1"
                    + " OR CAST(id AS TEXT) = $1 OR principal_name = $1 OR metadata = $1", session.getId()));
            assertFalse(session.toString().contains(session.getId()), session.toString());
        }
        assertEquals(20, ids.size());
    }

    @Test
    default void aSessionExpiresItsMaxInactiveIntervalAfterItsLastAccess() {
        MinoroReactiveSessionRepository repository = sessions();
        MinoroSession session = created(repository);
        save(repository, session);
        clock().advance(Duration.ofMinutes(30).minusMillis(1));
        assertFalse(found(repository, session.getId()).isExpired());
        clock().advance(Duration.ofMillis(1));
        absent(repository, session.getId());
        assertEquals(0L, sessionRows(), "an expired session is deleted when asked for");

        MinoroSession shorter = created(repository);
        shorter.setMaxInactiveInterval(Duration.ofSeconds(10));
        save(repository, shorter);
        assertEquals(Duration.ofSeconds(10), found(repository, shorter.getId()).getMaxInactiveInterval());
        clock().advance(Duration.ofSeconds(9));
        // Accessed: the write is due at half of a short interval, so the session lives on past the first 10 s.
        MinoroSession accessed = found(repository, shorter.getId());
        accessed.setLastAccessedTime(clock().instant());
        save(repository, accessed);
        clock().advance(Duration.ofSeconds(9));
        found(repository, shorter.getId());
        clock().advance(Duration.ofSeconds(1));
        absent(repository, shorter.getId());

        MinoroReactiveSessionRepository fiveMinutes = MinoroReactiveSessionRepository.builder(minoro())
                .defaultMaxInactiveInterval(Duration.ofMinutes(5)).build();
        MinoroSession byDefault = created(fiveMinutes);
        save(fiveMinutes, byDefault);
        clock().advance(Duration.ofMinutes(5));
        absent(fiveMinutes, byDefault.getId());
    }

    @Test
    default void aNegativeMaxInactiveIntervalNeverExpires() {
        MinoroReactiveSessionRepository repository = sessions();
        MinoroSession session = created(repository);
        session.setMaxInactiveInterval(Duration.ofSeconds(-1));
        session.setAttribute("a", "b");
        save(repository, session);
        clock().advance(Duration.ofDays(3650));
        MinoroSession read = found(repository, session.getId());
        assertTrue(read.getMaxInactiveInterval().isNegative());
        assertFalse(read.isExpired());
        assertEquals("b", read.getAttribute("a"));
    }

    @Test
    default void findByPrincipalNameFindsTheSessionsOfThePrincipal() {
        MinoroReactiveSessionRepository repository = sessions();
        MinoroSession byIndex = created(repository);
        byIndex.setAttribute(PRINCIPAL, "grace");
        save(repository, byIndex);
        MinoroSession bySecurity = created(repository);
        bySecurity.setAttribute(SECURITY_CONTEXT, securityContext("grace"));
        save(repository, bySecurity);
        MinoroSession other = created(repository);
        other.setAttribute(SECURITY_CONTEXT, securityContext("alan"));
        save(repository, other);
        MinoroSession anonymous = created(repository);
        save(repository, anonymous);

        Map<String, MinoroSession> grace = repository.findByPrincipalName("grace").block(TIMEOUT);
        assertEquals(2, grace.size(), grace.toString());
        for (Map.Entry<String, MinoroSession> entry : grace.entrySet()) {
            assertEquals(entry.getKey(), entry.getValue().getId());
            assertTrue(entry.getKey().startsWith("minoro-session:"), entry.getKey());
            absent(repository, entry.getKey());
        }
        assertEquals(Set.of(Set.of(PRINCIPAL), Set.of(SECURITY_CONTEXT)),
                Set.copyOf(grace.values().stream().map(MinoroSession::getAttributeNames).toList()));
        repository.findByIndexNameAndIndexValue("other-index", "grace").as(StepVerifier::create)
                .expectNext(Map.of()).verifyComplete();

        // A changed principal moves the session; a removed one takes it out of the index.
        MinoroSession moved = found(repository, bySecurity.getId());
        moved.setAttribute(SECURITY_CONTEXT, securityContext("alan"));
        save(repository, moved);
        MinoroSession dropped = found(repository, byIndex.getId());
        dropped.removeAttribute(PRINCIPAL);
        save(repository, dropped);
        assertEquals(Map.of(), repository.findByPrincipalName("grace").block(TIMEOUT));
        assertEquals(2, repository.findByPrincipalName("alan").block(TIMEOUT).size());

        // A session found by its handle is saved under its real id, which keeps working.
        MinoroSession byHandle = repository.findByPrincipalName("alan").block(TIMEOUT).values().iterator().next();
        clock().advance(Duration.ofMinutes(5));
        byHandle.setLastAccessedTime(clock().instant());
        byHandle.setAttribute("seen-by", "an administrator");
        save(repository, byHandle);
        List<MinoroSession> alans = List.of(found(repository, other.getId()), found(repository, bySecurity.getId()));
        assertEquals(1, alans.stream().filter(s -> "an administrator".equals(s.getAttribute("seen-by"))
                && s.getLastAccessedTime().equals(clock().instant())).count(), "saved under its real id");

        // Deleting by the handle deletes the session ("sign out everywhere"); by the handle with its digits written
        // in another script, which UUID.fromString reads as the same, deletes nothing.
        List<String> handles = new ArrayList<>(repository.findByPrincipalName("alan").block(TIMEOUT).keySet());
        for (String handle : handles) {
            for (String lookalike : OtherScriptDigits.of(handle)) {
                repository.deleteById(lookalike).as(StepVerifier::create).verifyComplete();
            }
        }
        assertEquals(Set.copyOf(handles), repository.findByPrincipalName("alan").block(TIMEOUT).keySet());
        for (String handle : handles) {
            repository.deleteById(handle).as(StepVerifier::create).verifyComplete();
        }
        absent(repository, other.getId());
        absent(repository, bySecurity.getId());
        found(repository, anonymous.getId());
        found(repository, byIndex.getId());
    }

    @Test
    default void findByPrincipalNameLeavesOutAndDeletesExpiredSessions() {
        MinoroReactiveSessionRepository repository = sessions();
        MinoroSession shortLived = created(repository);
        shortLived.setAttribute(PRINCIPAL, "grace");
        shortLived.setMaxInactiveInterval(Duration.ofSeconds(30));
        save(repository, shortLived);
        MinoroSession longLived = created(repository);
        longLived.setAttribute(PRINCIPAL, "grace");
        save(repository, longLived);
        clock().advance(Duration.ofMinutes(1));
        Map<String, MinoroSession> grace = repository.findByPrincipalName("grace").block(TIMEOUT);
        assertEquals(1, grace.size());
        assertEquals(1L, sessionRows());
    }

    @Test
    default void aSessionOfAUserEndsWhenTheUserIsDisabledOrItsStampChanges() {
        MinoroReactiveSessionRepository repository = sessions();
        User ada = user("ada@example.com");
        User bob = user("bob@example.com");
        MinoroSession adas = created(repository);
        adas.setAttribute(SECURITY_CONTEXT, securityContext("ADA@example.com"));
        save(repository, adas);
        MinoroSession bobs = created(repository);
        bobs.setAttribute(SECURITY_CONTEXT, securityContext("bob@example.com"));
        save(repository, bobs);
        MinoroSession strangers = created(repository);
        strangers.setAttribute(SECURITY_CONTEXT, securityContext("stranger@example.com"));
        save(repository, strangers);
        MinoroSession notAnEmail = created(repository);
        notAnEmail.setAttribute(PRINCIPAL, "admin");
        save(repository, notAnEmail);
        assertEquals(ada.id().toString(), sqlValue(String.class, "SELECT CAST(user_id AS TEXT) FROM minoro_sessions"
                + " WHERE token_hash = $1", hashOf(adas)));
        found(repository, adas.getId());

        minoro().users().setDisabled(ada.id(), true).block(TIMEOUT);
        absent(repository, adas.getId());
        assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_sessions WHERE token_hash = $1",
                hashOf(adas)), "the dead session is deleted");
        minoro().users().setDisabled(ada.id(), false).block(TIMEOUT);
        absent(repository, adas.getId());

        found(repository, bobs.getId());
        minoro().users().changePassword(bob.id(), "another long password").block(TIMEOUT);
        absent(repository, bobs.getId());

        found(repository, strangers.getId());
        found(repository, notAnEmail.getId());

        // A session made after the change is bound to the new stamp; deleting the user deletes it.
        MinoroSession again = created(repository);
        again.setAttribute(SECURITY_CONTEXT, securityContext("bob@example.com"));
        save(repository, again);
        found(repository, again.getId());
        minoro().users().delete(bob.id()).block(TIMEOUT);
        absent(repository, again.getId());
    }

    /**
     * Minoro's sessions and the Spring store's share one table, but neither's token opens the other's: a Spring
     * session id validates no Minoro session and revokes none, and a Minoro token is no Spring session, nor becomes one
     * when a Spring session is saved under it.
     */
    @Test
    default void aMinoroTokenAndASpringSessionIdNeverOpenEachOthersSessions() {
        MinoroReactiveSessionRepository repository = sessions();
        User ada = user("ada@example.com");
        MinoroSession spring = created(repository);
        spring.setAttribute(SECURITY_CONTEXT, securityContext("ada@example.com"));
        save(repository, spring);
        String token = minoro().sessions().create(ada.id(), dev.minoro.SessionOptions.defaults()).block(TIMEOUT)
                .token();

        minoro().sessions().validate(spring.getId()).as(StepVerifier::create).verifyComplete();
        minoro().sessions().revoke(spring.getId()).as(StepVerifier::create).expectNext(false).verifyComplete();
        found(repository, spring.getId());

        absent(repository, token);
        repository.deleteById(token).as(StepVerifier::create).verifyComplete();
        assertEquals(ada.id(), minoro().sessions().validate(token).block(TIMEOUT).userId(), "still a Minoro session");

        // Both are the user's sessions: signing out everywhere ends both.
        assertEquals(2L, minoro().sessions().revokeAll(ada.id()).block(TIMEOUT));
        absent(repository, spring.getId());
        minoro().sessions().validate(token).as(StepVerifier::create).verifyComplete();
    }

    private String hashOf(MinoroSession session) {
        try {
            return sha256(session.getId());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    default void aSessionDeletedMeanwhileIsNotBroughtBackByASave() {
        MinoroReactiveSessionRepository repository = sessions();
        MinoroSession session = created(repository);
        session.setAttribute("a", "b");
        save(repository, session);
        MinoroSession read = found(repository, session.getId());
        repository.deleteById(session.getId()).as(StepVerifier::create).verifyComplete();
        clock().advance(Duration.ofMinutes(5));
        read.setLastAccessedTime(clock().instant());
        read.setAttribute("c", "d");
        read.removeAttribute("a");
        save(repository, read);
        absent(repository, session.getId());
        assertEquals(0L, sessionRows());
        assertEquals(0L, attributeRows());
    }

    @Test
    default void aValueTheSerializerCannotWriteIsATypedErrorAndNothingIsWritten() {
        MinoroReactiveSessionRepository repository = sessions();
        MinoroSession session = created(repository);
        session.setAttribute("fine", "yes");
        session.setAttribute("thread", new Object());
        SessionSerializationException error = assertThrows(SessionSerializationException.class,
                () -> repository.save(session).block(TIMEOUT));
        assertEquals("thread", error.attributeName());
        assertTrue(error.getMessage().startsWith("could not serialize session attribute \"thread\" (a java.lang.Object)"),
                error.getMessage());
        assertFalse(error.getMessage().contains(session.getId()));
        assertNotNull(error.getCause());
        assertEquals(0L, sessionRows());
    }

    @Test
    default void aValueTheSerializerCannotReadIsATypedErrorWhenRead() {
        SessionAttributeSerializer failingReads = new SessionAttributeSerializer() {
            @Override
            public byte[] serialize(String name, Object value) {
                return ((String) value).getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Object deserialize(String name, byte[] bytes) {
                if (name.equals("broken")) {
                    throw new IllegalArgumentException("unreadable");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
        };
        MinoroReactiveSessionRepository repository = MinoroReactiveSessionRepository.builder(minoro())
                .serializer(failingReads).build();
        MinoroSession session = created(repository);
        session.setAttribute("broken", "x");
        session.setAttribute("fine", "y");
        save(repository, session);
        assertArrayEquals("y".getBytes(StandardCharsets.UTF_8), sqlValue(byte[].class,
                "SELECT value FROM minoro_session_attributes WHERE name = 'fine'"), "the application's serializer wrote it");
        MinoroSession read = found(repository, session.getId());
        assertEquals("y", read.getAttribute("fine"));
        SessionSerializationException error = assertThrows(SessionSerializationException.class,
                () -> read.getAttribute("broken"));
        assertEquals("broken", error.attributeName());
        assertTrue(error.getMessage().startsWith("could not deserialize session attribute \"broken\""),
                error.getMessage());
    }
}
