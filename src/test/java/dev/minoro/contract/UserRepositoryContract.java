package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DuplicateEmailException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.InvalidInputException;
import dev.minoro.MinoroException;
import dev.minoro.NewUser;
import dev.minoro.NotFoundException;
import dev.minoro.User;
import dev.minoro.UserRepository;
import dev.minoro.VersionConflictException;
import dev.minoro.testing.TestConfigs;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The contract of {@link UserRepository}, for every database. */
public interface UserRepositoryContract extends MinoroFixture {

    private UserRepository users() {
        return minoro().users();
    }

    @Test
    default void createsAUserWithAUuidV7AndTheClocksTime() {
        users().create(NewUser.of("Alice@Example.com", TestConfigs.PASSWORD).withDisplayName("Alice"))
                .as(StepVerifier::create)
                .assertNext(user -> {
                    assertEquals(7, user.id().version());
                    assertEquals("Alice@Example.com", user.email(), "the email is kept as given");
                    assertEquals("Alice", user.displayName());
                    assertFalse(user.disabled());
                    assertEquals(clock().instant(), user.createdAt());
                    assertEquals(clock().instant(), user.updatedAt());
                    assertNull(user.lastLoginAt());
                    assertEquals(0, user.version());
                })
                .verifyComplete();
    }

    @Test
    default void findsWhatItCreatedByIdAndByEmailIgnoringCaseAndUnicodeForm() {
        User alice = user("Alice@Example.com");
        users().findById(alice.id()).as(StepVerifier::create).expectNext(alice).verifyComplete();
        users().findByEmail("alice@example.COM").as(StepVerifier::create).expectNext(alice).verifyComplete();
        // NFKC folds the fullwidth forms onto ASCII.
        users().findByEmail("\uFF21lice@example.com").as(StepVerifier::create).expectNext(alice).verifyComplete();
    }

    @Test
    default void findsNothingForUnknownIdsAndEmails() {
        users().findById(UUID.randomUUID()).as(StepVerifier::create).verifyComplete();
        users().findByEmail("nobody@example.com").as(StepVerifier::create).verifyComplete();
    }

    @Test
    default void refusesADuplicateEmailIgnoringCase() {
        user("bob@example.com");
        users().create(NewUser.of("BOB@example.com", TestConfigs.PASSWORD))
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(DuplicateEmailException.class, e);
                    assertEquals("a user with this email already exists (emails are compared case-insensitively)",
                            e.getMessage());
                })
                .verify(TIMEOUT);
        users().count().as(StepVerifier::create).expectNext(1L).verifyComplete();
    }

    @Test
    default void refusesMalformedEmailsWithAMessageSayingWhy() {
        List<String> malformed = List.of("", "   ", "no-at-sign", "two@at@example.com", " lead@example.com",
                "trail@example.com ", "in side@example.com", "@example.com", "local@", "a..b@example.com",
                ".a@example.com", "a@example..com", "a@-example.com", "tab\t@example.com", "nul\u0000@example.com",
                "a@exa mple.com", "<a>@example.com", "x".repeat(250) + "@example.com",
                "x".repeat(65) + "@example.com");
        for (String email : malformed) {
            users().create(NewUser.of(email, TestConfigs.PASSWORD))
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(InvalidInputException.class, e, email);
                        assertTrue(e.getMessage().startsWith("email is not a valid address: "), e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
        users().count().as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    default void acceptsUnusualButValidEmails() {
        for (String email : List.of("o'brien+tag@example.com", "x@localhost", "üser@bücher.example",
                "a.b-c_d@sub.example.co.uk", "x'--@example.com")) {
            users().create(NewUser.of(email, null)).as(StepVerifier::create)
                    .assertNext(u -> assertEquals(email, u.email())).verifyComplete();
            users().findByEmail(email).as(StepVerifier::create)
                    .assertNext(u -> assertEquals(email, u.email())).verifyComplete();
        }
    }

    @Test
    default void refusesPasswordsOutsideTheConfiguredLengthWithoutRepeatingThem() {
        String tooShort = "short7!";
        String tooLong = "p".repeat(1025);
        users().create(NewUser.of("a@example.com", tooShort)).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(InvalidInputException.class, e);
                    assertEquals("password must have at least 8 characters", e.getMessage());
                })
                .verify(TIMEOUT);
        users().create(NewUser.of("a@example.com", tooLong)).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(InvalidInputException.class, e);
                    assertEquals("password must have at most 1024 characters", e.getMessage());
                })
                .verify(TIMEOUT);
        users().count().as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    default void userMethodsRefuseNullArguments() {
        List<Mono<?>> calls = List.of(users().create(null), users().findById(null), users().findByEmail(null),
                users().setDisabled(null, true), users().changePassword(null, "whatever-long"),
                users().delete(null), users().unlock(null), users().updateProfile(null, 0, "a@example.com", null),
                users().create(NewUser.of(null, TestConfigs.PASSWORD)));
        for (Mono<?> call : calls) {
            call.as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(InvalidInputException.class, e);
                        assertTrue(e.getMessage().endsWith(" must not be null"), e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
    }

    @Test
    default void aUserWithoutAPasswordCannotLogInWithOne() {
        users().create(NewUser.of("sso@example.com", null)).block(TIMEOUT);
        minoro().authenticate("sso@example.com", "").as(StepVerifier::create)
                .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
    }

    @Test
    default void countsAndPagesByEmail() {
        List<String> emails = IntStream.range(0, 7).mapToObj(i -> "user" + (6 - i) + "@example.com")
                .collect(Collectors.toList());
        emails.forEach(e -> users().create(NewUser.of(e, null)).block(TIMEOUT));
        users().count().as(StepVerifier::create).expectNext(7L).verifyComplete();
        users().findAll(0, 3).map(User::email).collectList().as(StepVerifier::create)
                .expectNext(List.of("user0@example.com", "user1@example.com", "user2@example.com")).verifyComplete();
        users().findAll(6, 3).map(User::email).collectList().as(StepVerifier::create)
                .expectNext(List.of("user6@example.com")).verifyComplete();
        users().findAll(-1, 3).as(StepVerifier::create).expectError(InvalidInputException.class).verify(TIMEOUT);
        users().findAll(0, 0).as(StepVerifier::create).expectError(InvalidInputException.class).verify(TIMEOUT);
        users().findAll(0, 1001).as(StepVerifier::create).expectError(InvalidInputException.class).verify(TIMEOUT);
    }

    @Test
    default void updatesTheProfileOptimistically() {
        User carol = user("carol@example.com");
        clock().advance(Duration.ofSeconds(5));
        User renamed = users().updateProfile(carol.id(), 0, "Carol@Example.org", "Carol").block(TIMEOUT);
        assertEquals("Carol@Example.org", renamed.email());
        assertEquals("Carol", renamed.displayName());
        assertEquals(1, renamed.version());
        assertEquals(carol.createdAt(), renamed.createdAt());
        assertEquals(clock().instant(), renamed.updatedAt());
        users().findByEmail("carol@example.org").as(StepVerifier::create).expectNext(renamed).verifyComplete();
        users().findByEmail("carol@example.com").as(StepVerifier::create).verifyComplete();

        users().updateProfile(carol.id(), 0, "carol@example.net", null).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(VersionConflictException.class, e);
                    assertEquals(0, ((VersionConflictException) e).expectedVersion());
                })
                .verify(TIMEOUT);
        users().updateProfile(UUID.randomUUID(), 0, "x@example.com", null).as(StepVerifier::create)
                .expectError(NotFoundException.class).verify(TIMEOUT);
        user("dave@example.com");
        users().updateProfile(carol.id(), 1, "DAVE@example.com", null).as(StepVerifier::create)
                .expectError(DuplicateEmailException.class).verify(TIMEOUT);
    }

    @Test
    default void disablesAndEnables() {
        User erin = user("erin@example.com");
        User disabled = users().setDisabled(erin.id(), true).block(TIMEOUT);
        assertTrue(disabled.disabled());
        assertEquals(1, disabled.version());
        users().findById(erin.id()).map(User::disabled).as(StepVerifier::create).expectNext(true).verifyComplete();
        assertFalse(users().setDisabled(erin.id(), false).block(TIMEOUT).disabled());
        users().setDisabled(UUID.randomUUID(), true).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(NotFoundException.class, e);
                    assertTrue(e.getMessage().startsWith("there is no user with id "), e.getMessage());
                })
                .verify(TIMEOUT);
    }

    @Test
    default void changesThePassword() {
        User frank = user("frank@example.com");
        users().changePassword(frank.id(), "a brand new passphrase").as(StepVerifier::create).verifyComplete();
        minoro().authenticate("frank@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
        minoro().authenticate("frank@example.com", "a brand new passphrase").as(StepVerifier::create)
                .expectNextCount(1).verifyComplete();
        users().findById(frank.id()).map(User::version).as(StepVerifier::create).expectNext(1L).verifyComplete();
        users().changePassword(frank.id(), "short").as(StepVerifier::create)
                .expectError(InvalidInputException.class).verify(TIMEOUT);
        users().changePassword(UUID.randomUUID(), "a brand new passphrase").as(StepVerifier::create)
                .expectError(NotFoundException.class).verify(TIMEOUT);
    }

    @Test
    default void deletesAUserAndItsMemberships() {
        User gina = user("gina@example.com");
        minoro().roles().create("editor", null).block(TIMEOUT);
        minoro().roles().assign(gina.id(), "editor").block(TIMEOUT);
        users().delete(gina.id()).as(StepVerifier::create).expectNext(true).verifyComplete();
        users().delete(gina.id()).as(StepVerifier::create).expectNext(false).verifyComplete();
        users().findById(gina.id()).as(StepVerifier::create).verifyComplete();
        minoro().roles().membersOf("editor").as(StepVerifier::create).verifyComplete();
        assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_user_roles"));
    }

    @Test
    default void userFieldsStoreSqlInjectionStringsLiterally() {
        String email = "robert'--or'1'='1@example.com";
        String displayName = "Robert'); DROP TABLE minoro_users;-- \" OR 1=1 /*";
        User user = users().create(NewUser.of(email, TestConfigs.PASSWORD).withDisplayName(displayName))
                .block(TIMEOUT);
        users().findByEmail(email).as(StepVerifier::create).expectNext(user).verifyComplete();
        assertEquals(displayName, users().findById(user.id()).block(TIMEOUT).displayName());
        users().findByEmail("'or'1'='1@example.com").as(StepVerifier::create).verifyComplete();
        users().count().as(StepVerifier::create).expectNext(1L).verifyComplete();
    }

    @Test
    default void isColdAndRepeatsOnEachSubscription() {
        Mono<User> create = users().create(NewUser.of("cold@example.com", TestConfigs.PASSWORD));
        Mono<Long> count = users().count();
        users().delete(UUID.randomUUID());
        count.as(StepVerifier::create).expectNext(0L).verifyComplete();
        create.as(StepVerifier::create).expectNextCount(1).verifyComplete();
        count.as(StepVerifier::create).expectNext(1L).verifyComplete();
        create.as(StepVerifier::create).expectError(DuplicateEmailException.class).verify(TIMEOUT);
    }

    @Test
    default void failsClearlyAfterClose() {
        minoro().close().block(TIMEOUT);
        minoro().close().as(StepVerifier::create).verifyComplete();
        users().count().as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(MinoroException.class, e);
                    assertEquals("this Minoro instance is closed; make a new one with Minoro.create(...)",
                            e.getMessage());
                })
                .verify(TIMEOUT);
    }
}
