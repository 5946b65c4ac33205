package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.AccountDisabledException;
import dev.minoro.DuplicateEmailException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.NotFoundException;
import dev.minoro.PasswordExpiredException;
import dev.minoro.User;
import dev.minoro.UserRepository;
import dev.minoro.VersionConflictException;
import dev.minoro.testing.TestConfigs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The contract of account management from schema version 2 on: versioned updates, security stamps and the password
 * maximum age, for every database.
 */
public interface AccountManagementContract extends MinoroFixture {

    private UserRepository users() {
        return minoro().users();
    }

    private User reread(User user) {
        return users().findById(user.id()).block(TIMEOUT);
    }

    @Test
    default void aStaleVersionChangesNothing() {
        User ada = user("ada@example.com");
        User renamed = users().updateProfile(ada.id(), 0, "ada@example.com", "Ada").block(TIMEOUT);
        assertEquals(1, renamed.version());
        User before = reread(ada);
        users().updateProfile(ada.id(), 0, "other@example.com", "Stale").as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    VersionConflictException conflict = assertInstanceOf(VersionConflictException.class, e);
                    assertEquals(ada.id(), conflict.userId());
                    assertEquals(0, conflict.expectedVersion());
                })
                .verify(TIMEOUT);
        users().setDisabled(ada.id(), 0, true).as(StepVerifier::create)
                .expectError(VersionConflictException.class).verify(TIMEOUT);
        assertEquals(before, reread(ada), "nothing changed");

        User disabled = users().setDisabled(ada.id(), 1, true).block(TIMEOUT);
        assertTrue(disabled.disabled());
        assertEquals(2, disabled.version());
        User enabled = users().setDisabled(ada.id(), 2, false).block(TIMEOUT);
        assertFalse(enabled.disabled());
        assertEquals(3, enabled.version());
        users().setDisabled(UUID.randomUUID(), 0, true).as(StepVerifier::create)
                .expectError(NotFoundException.class).verify(TIMEOUT);
    }

    @Test
    default void anUpdatedEmailIsNormalisedAndDuplicateChecked() {
        User ada = user("ada@example.com");
        user("taken@example.com");
        users().updateProfile(ada.id(), 0, "TAKEN@example.com", null).as(StepVerifier::create)
                .expectError(DuplicateEmailException.class).verify(TIMEOUT);
        assertEquals(0, reread(ada).version());
        User moved = users().updateProfile(ada.id(), 0, "Ada.Lovelace@Example.com", null).block(TIMEOUT);
        assertEquals("Ada.Lovelace@Example.com", moved.email());
        users().findByEmail("ada.lovelace@example.com").as(StepVerifier::create).expectNext(moved).verifyComplete();
        users().findByEmail("ada@example.com").as(StepVerifier::create).verifyComplete();
    }

    /** Two administrators edit the same user at once: exactly one wins, the other gets a conflict. */
    @Test
    default void concurrentUpdatesAtOneVersionHaveOneWinner() {
        User ada = user("ada@example.com");
        List<Object> outcomes = Flux.range(0, 8)
                .flatMap(i -> users().updateProfile(ada.id(), 0, "ada@example.com", "Editor " + i)
                        .map(Object.class::cast)
                        .onErrorResume(VersionConflictException.class, Mono::just), 8)
                .collectList().block(TIMEOUT);
        assertEquals(1, outcomes.stream().filter(User.class::isInstance).count(), outcomes.toString());
        assertEquals(7, outcomes.stream().filter(VersionConflictException.class::isInstance).count());
        assertEquals(1, reread(ada).version());
    }

    @Test
    default void loginBookkeepingNeverBumpsTheVersion() {
        User ada = user("ada@example.com");
        minoro().authenticate("ada@example.com", "wrong password").as(StepVerifier::create)
                .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
        User loggedIn = minoro().authenticate("ada@example.com", TestConfigs.PASSWORD).block(TIMEOUT);
        assertEquals(0, loggedIn.version());
        assertEquals(ada.securityStamp(), loggedIn.securityStamp());
        for (int i = 0; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
            minoro().authenticate("ada@example.com", "wrong password").onErrorComplete().block(TIMEOUT);
        }
        User locked = reread(ada);
        assertTrue(locked.lockedAt(clock().instant()));
        users().unlock(ada.id()).block(TIMEOUT);
        // A login that rehashes (the stored hash is weaker than the configuration's) changes no version either.
        Minoro stronger = another(b -> b.argon2(128, 1, 1));
        User rehashed = stronger.authenticate("ada@example.com", TestConfigs.PASSWORD).block(TIMEOUT);
        assertTrue(sqlValue(String.class, "SELECT password_hash FROM minoro_users WHERE id = $1", ada.id())
                .contains("m=128"), "rehashed");
        assertEquals(0, rehashed.version());
        assertEquals(0, reread(ada).version());
        assertEquals(ada.securityStamp(), reread(ada).securityStamp(), "a rehash is the same password");
        assertEquals(ada.passwordChangedAt(), reread(ada).passwordChangedAt());
    }

    @Test
    default void theSecurityStampChangesWithPasswordEmailDisableAndRoles() {
        User ada = user("ada@example.com");
        assertTrue(ada.securityStamp().matches("[0-9a-f]{32}"), ada.securityStamp());
        assertNotEquals(ada.securityStamp(), user("bob@example.com").securityStamp());
        assertEquals(ada, reread(ada), "create emits what is stored");
        Set<String> stamps = ConcurrentHashMap.newKeySet();
        stamps.add(ada.securityStamp());

        // Not by a profile change that keeps the email (a change of case alone keeps it too).
        User renamed = users().updateProfile(ada.id(), 0, "ADA@example.com", "Ada").block(TIMEOUT);
        assertEquals(ada.securityStamp(), renamed.securityStamp());
        User moved = users().updateProfile(ada.id(), 1, "ada@elsewhere.example", "Ada").block(TIMEOUT);
        assertTrue(stamps.add(moved.securityStamp()), "an email change renews it");

        users().changePassword(ada.id(), "another long password").block(TIMEOUT);
        assertTrue(stamps.add(reread(ada).securityStamp()), "a password change renews it");

        User disabled = users().setDisabled(ada.id(), true).block(TIMEOUT);
        assertTrue(stamps.add(disabled.securityStamp()), "disabling renews it");
        User enabled = users().setDisabled(ada.id(), false).block(TIMEOUT);
        assertEquals(disabled.securityStamp(), enabled.securityStamp(), "enabling keeps it");

        minoro().roles().create("editor", null).block(TIMEOUT);
        minoro().roles().create("viewer", null).block(TIMEOUT);
        minoro().roles().assign(ada.id(), "editor").block(TIMEOUT);
        assertTrue(stamps.add(reread(ada).securityStamp()), "an assignment renews it");
        String afterAssign = reread(ada).securityStamp();
        minoro().roles().assign(ada.id(), "editor").block(TIMEOUT);
        assertEquals(afterAssign, reread(ada).securityStamp(), "an assignment that changes nothing keeps it");
        minoro().roles().revoke(ada.id(), "editor").block(TIMEOUT);
        assertTrue(stamps.add(reread(ada).securityStamp()), "a revocation renews it");
        minoro().roles().setRoles(ada.id(), Set.of("viewer")).block(TIMEOUT);
        assertTrue(stamps.add(reread(ada).securityStamp()), "setRoles renews it");
        String afterSet = reread(ada).securityStamp();
        minoro().roles().setRoles(ada.id(), Set.of("VIEWER")).block(TIMEOUT);
        assertEquals(afterSet, reread(ada).securityStamp(), "setRoles that changes nothing keeps it");
        minoro().roles().rename("viewer", "reader").block(TIMEOUT);
        assertEquals(afterSet, reread(ada).securityStamp(), "a rename keeps it");
        minoro().roles().delete("reader").block(TIMEOUT);
        assertTrue(stamps.add(reread(ada).securityStamp()), "deleting a role it had renews it");
        assertFalse(reread(ada).toString().contains(reread(ada).securityStamp()), "toString hides the stamp");
    }

    @Test
    default void anExpiredPasswordFailsOnlyAfterTheRightPassword() {
        Minoro expiring = another(b -> b.passwordMaxAge(Duration.ofDays(90)));
        User ada = user("ada@example.com");
        assertEquals(clock().instant(), ada.passwordChangedAt());
        assertNull(minoro().users().create(NewUser.of("nopassword@example.com", null)).block(TIMEOUT)
                .passwordChangedAt());
        clock().advance(Duration.ofDays(90).minusMillis(1));
        expiring.authenticate("ada@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectNextCount(1).verifyComplete();
        clock().advance(Duration.ofMillis(1));
        Instant lastLogin = reread(ada).lastLoginAt();

        expiring.authenticate("ada@example.com", "wrong password").as(StepVerifier::create)
                .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
        expiring.authenticate("ada@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    PasswordExpiredException expired = assertInstanceOf(PasswordExpiredException.class, e);
                    assertEquals(ada.passwordChangedAt().plus(Duration.ofDays(90)), expired.expiredAt());
                    assertFalse(e.getMessage().contains(TestConfigs.PASSWORD));
                })
                .verify(TIMEOUT);
        assertEquals(lastLogin, reread(ada).lastLoginAt(), "no login recorded");
        // The right password gave its attempt back: expired logins never lock the account.
        for (int i = 0; i < TestConfigs.MAX_FAILED_LOGINS + 1; i++) {
            expiring.authenticate("ada@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                    .expectError(PasswordExpiredException.class).verify(TIMEOUT);
        }
        // Without a maximum age, the same password still works; a disabled account says so first.
        minoro().authenticate("ada@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectNextCount(1).verifyComplete();
        users().setDisabled(ada.id(), true).block(TIMEOUT);
        expiring.authenticate("ada@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectError(AccountDisabledException.class).verify(TIMEOUT);
        users().setDisabled(ada.id(), false).block(TIMEOUT);

        users().changePassword(ada.id(), "a brand new password").block(TIMEOUT);
        assertEquals(clock().instant(), reread(ada).passwordChangedAt());
        expiring.authenticate("ada@example.com", "a brand new password").as(StepVerifier::create)
                .expectNextCount(1).verifyComplete();
    }
}
