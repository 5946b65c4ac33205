package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.AccountDisabledException;
import dev.minoro.AccountLockedException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.InvalidInputException;
import dev.minoro.Minoro;
import dev.minoro.User;
import dev.minoro.testing.TestConfigs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The contract of {@link Minoro#authenticate(String, String)}, for every database. */
public interface AuthenticationContract extends MinoroFixture {

    private Mono<User> login(String email, String password) {
        return minoro().authenticate(email, password);
    }

    @Test
    default void aRightPasswordLogsInAndRecordsTheTime() {
        User amy = user("amy@example.com");
        clock().advance(Duration.ofMinutes(1));
        login("AMY@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .assertNext(user -> {
                    assertEquals(amy.id(), user.id());
                    assertEquals(clock().instant(), user.lastLoginAt());
                    assertEquals(amy.version(), user.version(), "a login is not a change to the user");
                })
                .verifyComplete();
        assertEquals(clock().instant(), minoro().users().findById(amy.id()).block(TIMEOUT).lastLoginAt());
    }

    @Test
    default void anUnknownEmailAndAWrongPasswordFailAlike() {
        user("ben@example.com");
        List<Throwable> errors = new java.util.ArrayList<>();
        for (Mono<User> attempt : List.of(login("ben@example.com", "wrong password!"),
                login("nobody@example.com", TestConfigs.PASSWORD), login("not an email", TestConfigs.PASSWORD))) {
            attempt.as(StepVerifier::create).expectErrorSatisfies(errors::add).verify(TIMEOUT);
        }
        for (Throwable e : errors) {
            assertInstanceOf(InvalidCredentialsException.class, e);
            assertEquals("invalid email or password", e.getMessage());
        }
    }

    @Test
    default void aDisabledAccountIsRefusedOnlyAfterTheRightPassword() {
        User cat = user("cat@example.com");
        minoro().users().setDisabled(cat.id(), true).block(TIMEOUT);
        login("cat@example.com", "wrong password!").as(StepVerifier::create)
                .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
        login("cat@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(AccountDisabledException.class, e);
                    assertEquals("this account is disabled", e.getMessage());
                })
                .verify(TIMEOUT);
    }

    @Test
    default void repeatedFailuresLockTheAccountUntilTheLockEnds() {
        user("dee@example.com");
        for (int i = 1; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
            login("dee@example.com", "wrong password " + i).as(StepVerifier::create)
                    .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
        }
        Instant lockedUntil = clock().instant().plus(TestConfigs.LOCKOUT);
        login("dee@example.com", "wrong password 3").as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertEquals(lockedUntil, ((AccountLockedException) e).lockedUntil()))
                .verify(TIMEOUT);
        // While locked, even the right password is refused, without saying whether it was right.
        login("dee@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(AccountLockedException.class, e);
                    assertEquals("this account is locked after too many failed logins; try again after "
                            + lockedUntil, e.getMessage());
                })
                .verify(TIMEOUT);
        clock().advance(TestConfigs.LOCKOUT.minusMillis(1));
        login("dee@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectError(AccountLockedException.class).verify(TIMEOUT);
        clock().advance(Duration.ofMillis(1));
        login("dee@example.com", TestConfigs.PASSWORD).as(StepVerifier::create).expectNextCount(1).verifyComplete();
    }

    @Test
    default void aSuccessResetsTheFailureCount() {
        user("eve@example.com");
        for (int round = 0; round < 3; round++) {
            for (int i = 1; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
                login("eve@example.com", "wrong password").as(StepVerifier::create)
                        .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
            }
            login("eve@example.com", TestConfigs.PASSWORD).as(StepVerifier::create).expectNextCount(1)
                    .verifyComplete();
        }
    }

    @Test
    default void concurrentFailuresAreEachCounted() {
        user("fay@example.com");
        AtomicInteger locked = new AtomicInteger();
        AtomicInteger invalid = new AtomicInteger();
        Flux.range(0, TestConfigs.MAX_FAILED_LOGINS)
                .flatMap(i -> login("fay@example.com", "wrong password " + i)
                        .doOnError(AccountLockedException.class, e -> locked.incrementAndGet())
                        .doOnError(InvalidCredentialsException.class, e -> invalid.incrementAndGet())
                        .onErrorResume(e -> Mono.empty()))
                .then()
                .as(StepVerifier::create).verifyComplete();
        assertEquals(1, locked.get(), "exactly the failure that reached the threshold locks");
        assertEquals(TestConfigs.MAX_FAILED_LOGINS - 1, invalid.get());
        login("fay@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectError(AccountLockedException.class).verify(TIMEOUT);
    }

    @Test
    default void unlockAndPasswordChangeClearALock() {
        User gus = user("gus@example.com");
        for (int i = 0; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
            login("gus@example.com", "wrong").onErrorResume(e -> Mono.empty()).block(TIMEOUT);
        }
        login("gus@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectError(AccountLockedException.class).verify(TIMEOUT);
        User locked = minoro().users().findById(gus.id()).block(TIMEOUT);
        assertEquals(clock().instant().plus(TestConfigs.LOCKOUT), locked.lockedUntil());
        assertTrue(locked.lockedAt(clock().instant()));
        assertFalse(locked.lockedAt(locked.lockedUntil()));
        minoro().users().unlock(gus.id()).as(StepVerifier::create).verifyComplete();
        assertEquals(null, minoro().users().findById(gus.id()).block(TIMEOUT).lockedUntil());
        login("gus@example.com", TestConfigs.PASSWORD).as(StepVerifier::create).expectNextCount(1).verifyComplete();
    }

    @Test
    default void aWeakerStoredHashIsReplacedOnLogin() {
        User hal = user("hal@example.com");
        String weak = sqlValue(String.class, "SELECT password_hash FROM minoro_users WHERE email_norm = $1",
                "hal@example.com");
        assertTrue(weak.startsWith("$argon2id$v=19$m=64,t=1,p=1$"), "the fixture hashes cheaply");

        Minoro stronger = another(b -> b.argon2(128, 2, 1));
        stronger.authenticate("hal@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectNextCount(1).verifyComplete();
        String rehashed = sqlValue(String.class, "SELECT password_hash FROM minoro_users WHERE email_norm = $1",
                "hal@example.com");
        assertTrue(rehashed.startsWith("$argon2id$v=19$m=128,t=2,p=1$"), "rehashed with the configured parameters");

        // The weaker configuration accepts the stronger hash and leaves it alone.
        login("hal@example.com", TestConfigs.PASSWORD).as(StepVerifier::create).expectNextCount(1).verifyComplete();
        assertEquals(rehashed, sqlValue(String.class, "SELECT password_hash FROM minoro_users WHERE id = $1",
                hal.id()));
        login("hal@example.com", "wrong password").as(StepVerifier::create)
                .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
    }

    @Test
    default void owaspParametersMakeAStandardPhcString() {
        Minoro defaults = another(b -> b.argon2(19456, 2, 1));
        User ida = defaults.users().create(dev.minoro.NewUser.of("ida@example.com", TestConfigs.PASSWORD))
                .block(TIMEOUT);
        String hash = sqlValue(String.class, "SELECT password_hash FROM minoro_users WHERE id = $1", ida.id());
        assertTrue(hash.matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"),
                "a PHC string with a 16-byte salt and a 32-byte hash");
        assertFalse(hash.contains(TestConfigs.PASSWORD));
        defaults.authenticate("ida@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectNextCount(1).verifyComplete();
    }

    @Test
    default void aUserImportedWithABcryptHashLogsInAndIsRehashed() {
        String bcrypt = org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2b",
                TestConfigs.PASSWORD.toCharArray(), new byte[16], 4);
        dev.minoro.NewUser imported = dev.minoro.NewUser.of("lou@example.com", null).withPasswordHash(bcrypt);
        assertFalse(imported.toString().contains(bcrypt.substring(7)), imported.toString());
        User lou = minoro().users().create(imported).block(TIMEOUT);
        assertEquals("{imported}" + bcrypt,
                sqlValue(String.class, "SELECT password_hash FROM minoro_users WHERE id = $1", lou.id()),
                "kept as given, marked as made by another system from the password as typed");
        login("lou@example.com", "not the password").as(StepVerifier::create)
                .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
        login("lou@example.com", TestConfigs.PASSWORD).as(StepVerifier::create).expectNextCount(1).verifyComplete();
        assertTrue(sqlValue(String.class, "SELECT password_hash FROM minoro_users WHERE id = $1", lou.id())
                .startsWith("$argon2id$v=19$"), "replaced at the first login");

        minoro().users().create(dev.minoro.NewUser.of("max@example.com", null).withPasswordHash("{noop}secret"))
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(InvalidInputException.class, e);
                    assertEquals("passwordHash cannot be used: Spring Security's {noop} holds the password in plain"
                            + " text, which Minoro imports only when MinoroConfig's importPlaintextPasswords is set"
                            + " (and then hashes it with Argon2id at import)", e.getMessage());
                })
                .verify(TIMEOUT);
    }

    @Test
    default void anOverLongPasswordIsAWrongPassword() {
        user("jo@example.com");
        login("jo@example.com", "x".repeat(5000)).as(StepVerifier::create)
                .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
        login("nobody@example.com", "x".repeat(5000)).as(StepVerifier::create)
                .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
        login("jo@example.com", TestConfigs.PASSWORD + "\uD800").as(StepVerifier::create)
                .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
    }

    @Test
    default void nullArgumentsAreRefused() {
        login(null, TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(InvalidInputException.class, e);
                    assertEquals("email must not be null", e.getMessage());
                })
                .verify(TIMEOUT);
        login("a@example.com", null).as(StepVerifier::create)
                .expectErrorMessage("password must not be null").verify(TIMEOUT);
    }

    @Test
    default void passwordsAreComparedAfterNfkcNormalisation() {
        String composed = "caf\u00e9 au lait!";
        String decomposed = "cafe\u0301 au lait!";
        assertNotEquals(composed, decomposed);
        minoro().users().create(dev.minoro.NewUser.of("kim@example.com", composed)).block(TIMEOUT);
        login("kim@example.com", decomposed).as(StepVerifier::create).expectNextCount(1).verifyComplete();
    }
}
