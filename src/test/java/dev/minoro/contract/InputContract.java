package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DuplicateEmailException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.InvalidInputException;
import dev.minoro.NewUser;
import dev.minoro.Role;
import dev.minoro.User;
import dev.minoro.testing.TestConfigs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * What Minoro accepts as text, for every database: nothing that UTF-8 cannot carry (it would be stored
 * changed), no invisible look-alikes in what identifies a user, a role or a permission, and emails that
 * are deliverable as given.
 */
public interface InputContract extends MinoroFixture {

    /** Each holds an unpaired surrogate: high or low, alone, at the start, the end, or a pair reversed. */
    List<String> UNPAIRED = List.of("a\uD800b", "\uDC00ab", "ab\uD83D", "a\uDE00\uD83Db");

    /** Invisible format characters (category Cf), the last one outside the BMP (U+E0001 LANGUAGE TAG). */
    List<String> INVISIBLE = List.of("\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\u200E", "\u200F",
            "\u202A", "\u202E", "\u2066", "\u2069", "\u061C", "\u180E", "\uFFF9", "\uDB40\uDC01");

    /** Every call that stores or looks up a string, with that string. */
    private Map<String, Function<String, Publisher<?>>> everyTextArgument(User user, String role) {
        Map<String, Function<String, Publisher<?>>> calls = new LinkedHashMap<>();
        calls.put("users().create: email", s -> minoro().users().create(NewUser.of(s + "@example.com", null)));
        calls.put("users().create: displayName",
                s -> minoro().users().create(NewUser.of("new@example.com", null).withDisplayName(s)));
        calls.put("users().findByEmail", s -> minoro().users().findByEmail(s + "@example.com"));
        calls.put("users().updateProfile: email",
                s -> minoro().users().updateProfile(user.id(), user.version(), s + "@example.com", null));
        calls.put("users().updateProfile: displayName",
                s -> minoro().users().updateProfile(user.id(), user.version(), user.email(), s));
        calls.put("authenticate: email", s -> minoro().authenticate(s + "@example.com", TestConfigs.PASSWORD));
        calls.put("roles().create: name", s -> minoro().roles().create(s, null));
        calls.put("roles().create: description", s -> minoro().roles().create("new-role", s));
        calls.put("roles().findByName", s -> minoro().roles().findByName(s));
        calls.put("roles().delete", s -> minoro().roles().delete(s));
        calls.put("roles().assign", s -> minoro().roles().assign(user.id(), s));
        calls.put("roles().revoke", s -> minoro().roles().revoke(user.id(), s));
        calls.put("roles().membersOf", s -> minoro().roles().membersOf(s));
        calls.put("roles().hasRole", s -> minoro().roles().hasRole(user.id(), s));
        calls.put("roles().grantPermission: role", s -> minoro().roles().grantPermission(s, "posts:write"));
        calls.put("roles().grantPermission: permission", s -> minoro().roles().grantPermission(role, s));
        calls.put("roles().revokePermission: role", s -> minoro().roles().revokePermission(s, "posts:write"));
        calls.put("roles().revokePermission: permission", s -> minoro().roles().revokePermission(role, s));
        calls.put("roles().permissionsOfRole", s -> minoro().roles().permissionsOfRole(s));
        calls.put("roles().hasPermission", s -> minoro().roles().hasPermission(user.id(), s));
        calls.put("users().create: password", s -> minoro().users().create(NewUser.of("pw@example.com", s + "-long")));
        calls.put("users().changePassword", s -> minoro().users().changePassword(user.id(), s + "-long"));
        return calls;
    }

    private void assertNothingChanged(User user) {
        minoro().users().count().as(StepVerifier::create).expectNext(1L).verifyComplete();
        minoro().roles().count().as(StepVerifier::create).expectNext(1L).verifyComplete();
        assertEquals(1L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_role_permissions"));
        assertEquals(0L, sqlValue(Long.class, "SELECT COUNT(*) FROM minoro_user_roles"));
        assertEquals(user, minoro().users().findById(user.id()).block(TIMEOUT));
    }

    @Test
    default void everyStoredOrLookedUpStringRefusesUnpairedSurrogates() {
        User user = user("plain@example.com");
        minoro().roles().create("editor", null).block(TIMEOUT);
        minoro().roles().grantPermission("editor", "posts:read").block(TIMEOUT);
        List<Executable> checks = new ArrayList<>();
        everyTextArgument(user, "editor").forEach((call, withText) -> {
            for (String text : UNPAIRED) {
                checks.add(() -> Flux.from(withText.apply(text)).as(StepVerifier::create)
                        .expectErrorSatisfies(e -> {
                            assertInstanceOf(InvalidInputException.class, e, call + " " + e);
                            assertTrue(e.getMessage().contains(" is not valid Unicode text: it contains an unpaired"
                                    + " surrogate"), call + ": " + e.getMessage());
                        })
                        .verify(TIMEOUT));
            }
        });
        assertAll(checks);
        assertNothingChanged(user);
    }

    /** The example: the account "a?b@example.com" must stay free and unreachable. */
    @Test
    default void anEmailWithASurrogateNeitherRegistersNorLogsInAsItsReplacement() {
        minoro().users().create(NewUser.of("a\uD800b@example.com", TestConfigs.PASSWORD)).as(StepVerifier::create)
                .expectErrorMessage("email is not valid Unicode text: it contains an unpaired surrogate (U+D800) at"
                        + " index 1, which UTF-8 cannot store")
                .verify(TIMEOUT);
        minoro().users().create(NewUser.of("a?b@example.com", TestConfigs.PASSWORD)).as(StepVerifier::create)
                .expectNextCount(1).verifyComplete();
        minoro().authenticate("a\uD800b@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectError(InvalidInputException.class).verify(TIMEOUT);
    }

    @Test
    default void emailsRoleNamesAndPermissionsRefuseInvisibleFormatCharacters() {
        User user = user("plain@example.com");
        minoro().roles().create("editor", null).block(TIMEOUT);
        minoro().roles().grantPermission("editor", "posts:read").block(TIMEOUT);
        Map<String, Function<String, Publisher<?>>> calls = everyTextArgument(user, "editor");
        for (String skipped : List.of("users().create: displayName", "users().updateProfile: displayName",
                "roles().create: description", "users().create: password", "users().changePassword",
                "authenticate: email")) {
            calls.remove(skipped);
        }
        List<Executable> checks = new ArrayList<>();
        calls.forEach((call, withText) -> {
            for (String invisible : INVISIBLE) {
                String text = "car" + invisible + "ol";
                checks.add(() -> Flux.from(withText.apply(text)).as(StepVerifier::create)
                        .expectErrorSatisfies(e -> {
                            assertInstanceOf(InvalidInputException.class, e, call + " " + e);
                            String code = String.format("U+%04X", text.codePointAt(3));
                            assertTrue(e.getMessage().contains(code + " " + Character.getName(text.codePointAt(3))
                                    + " at index 3"), call + ": " + e.getMessage());
                            assertTrue(e.getMessage().contains("invisible formatting character"),
                                    call + ": " + e.getMessage());
                        })
                        .verify(TIMEOUT));
            }
        });
        assertAll(checks);
        assertNothingChanged(user);
        // At login, an email no account can have is answered as an unknown one.
        minoro().authenticate("plain\u200B@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
    }

    /** The examples: no look-alike account or role next to the visible one. */
    @Test
    default void noInvisibleLookAlikeOfAnAccountOrARole() {
        user("carol@example.com");
        minoro().roles().create("admin", null).block(TIMEOUT);
        // Subscribed on a non-blocking thread: the check reads no file there (BlockHound would fail it).
        minoro().users().create(NewUser.of("car\u200Bol@example.com", TestConfigs.PASSWORD))
                .subscribeOn(Schedulers.parallel())
                .as(StepVerifier::create)
                .expectErrorMessage("email is not a valid address: it contains U+200B ZERO WIDTH SPACE at index 3,"
                        + " an invisible formatting character (Unicode category Cf)")
                .verify(TIMEOUT);
        minoro().roles().create("ad\u200Bmin", null).as(StepVerifier::create)
                .expectErrorMessage("roleName must not contain invisible formatting characters (Unicode category"
                        + " Cf): it has U+200B ZERO WIDTH SPACE at index 2")
                .verify(TIMEOUT);
        minoro().users().count().as(StepVerifier::create).expectNext(1L).verifyComplete();
        minoro().roles().count().as(StepVerifier::create).expectNext(1L).verifyComplete();
    }

    /**
     * Display names are shown, never compared: they keep what writing needs (the zero-width joiner of
     * emoji sequences and Indic scripts, the non-joiner of Persian, emoji tag sequences such as the flag of
     * Scotland) and refuse the other invisible format characters (bidirectional controls, zero-width space,
     * soft hyphen, byte order mark, stray tags).
     */
    @Test
    default void displayNamesKeepWhatWritingNeedsAndRefuseOtherInvisibleCharacters() {
        List<String> accepted = List.of("\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 family",
                "\u0645\u0647\u062F\u06CC\u200C\u0632\u0627\u062F\u0647", "\u0915\u094D\u200D\u0937",
                "Flag \uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC73\uDB40\uDC63\uDB40\uDC74\uDB40\uDC7F fan",
                "\u05E9\u05DC\u05D5\u05DD Shalom", "Ren\u00E9e O'Brien-Smith");
        int n = 0;
        for (String name : accepted) {
            User user = minoro().users().create(NewUser.of("shown" + n++ + "@example.com", null).withDisplayName(name))
                    .block(TIMEOUT);
            assertEquals(name, minoro().users().findById(user.id()).block(TIMEOUT).displayName());
        }
        List<String> refused = List.of("Alice\u202Eecila", "Bob\u200B", "Soft\u00ADhyphen", "\uFEFFBOM",
                "Iso\u2066late\u2069", "Tag \uDB40\uDC41\uDB40\uDC42", "\uDB40\uDC7F cancel tag alone",
                "Flag \uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62 unterminated", "a\u200Eb");
        for (String name : refused) {
            minoro().users().create(NewUser.of("refused@example.com", null).withDisplayName(name))
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(InvalidInputException.class, e, name);
                        assertTrue(e.getMessage().startsWith("displayName must not contain invisible formatting"
                                + " characters (Unicode category Cf) other than"), e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
    }

    /**
     * An email is stored as given, so it must be a deliverable address as given: characters that only
     * normalisation makes into '@', '.', ASCII letters or digits (full-width forms, ligatures,
     * superscripts, compatibility signs) are refused rather than stored.
     */
    @Test
    default void anEmailMustBeDeliverableAsGivenNotOnlyAfterNormalisation() {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("alice\uFF20example.com", "'\uFF20' (U+FF20 FULLWIDTH COMMERCIAL AT) at index 5, which Unicode"
                + " normalisation (NFKC) turns into '@'");
        refused.put("alice@example\uFF0Ecom", "(U+FF0E FULLWIDTH FULL STOP) at index 13");
        refused.put("alice@example\u2024com", "(U+2024 ONE DOT LEADER) at index 13");
        refused.put("alice@example.com\uFE52org", "(U+FE52 SMALL FULL STOP) at index 17");
        refused.put("\uFF41\uFF4C\uFF49\uFF43\uFF45@example.com", "(U+FF41 FULLWIDTH LATIN SMALL LETTER A) at index 0");
        refused.put("alice@\uFF45xample.com", "(U+FF45 FULLWIDTH LATIN SMALL LETTER E) at index 6");
        refused.put("\uFB01nance@example.com", "(U+FB01 LATIN SMALL LIGATURE FI) at index 0, which Unicode normalisation"
                + " (NFKC) turns into 'fi'");
        refused.put("x\u00B2@example.com", "(U+00B2 SUPERSCRIPT TWO) at index 1");
        refused.put("\u212Aelvin@example.com", "(U+212A KELVIN SIGN) at index 0");
        refused.put("\u2460@example.com", "(U+2460 CIRCLED DIGIT ONE) at index 0");
        refused.put("\uFF76\uFF80@example.jp", "(U+FF76 HALFWIDTH KATAKANA LETTER KA) at index 0");
        refused.put("a\u00A0b@example.com", "it contains white space or a control character");
        for (Map.Entry<String, String> email : refused.entrySet()) {
            for (Function<String, Publisher<?>> store : List.<Function<String, Publisher<?>>>of(
                    e -> minoro().users().create(NewUser.of(e, TestConfigs.PASSWORD)),
                    e -> minoro().users().updateProfile(UUID.randomUUID(), 0, e, null))) {
                Flux.from(store.apply(email.getKey())).as(StepVerifier::create)
                        .expectErrorSatisfies(e -> {
                            assertInstanceOf(InvalidInputException.class, e, email.getKey());
                            assertTrue(e.getMessage().startsWith("email is not a valid address: "), e.getMessage());
                            assertTrue(e.getMessage().contains(email.getValue()), e.getMessage());
                        })
                        .verify(TIMEOUT);
            }
        }
        minoro().users().count().as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    /** Composed and decomposed accents are the same address (RFC 6532 expects NFC): both are accepted, as one. */
    @Test
    default void canonicallyEquivalentEmailsAreOneAddress() {
        User composed = minoro().users().create(NewUser.of("\u00FCser@b\u00FCcher.example", TestConfigs.PASSWORD))
                .block(TIMEOUT);
        minoro().users().create(NewUser.of("u\u0308ser@bu\u0308cher.example", TestConfigs.PASSWORD))
                .as(StepVerifier::create).expectError(DuplicateEmailException.class).verify(TIMEOUT);
        minoro().users().findByEmail("u\u0308ser@bu\u0308cher.example").as(StepVerifier::create)
                .expectNext(composed).verifyComplete();
        User decomposed = minoro().users().create(NewUser.of("jose\u0301@example.com", null)).block(TIMEOUT);
        assertEquals("jose\u0301@example.com", decomposed.email(), "stored as given");
    }

    /**
     * Lookups compare normalised forms, so that a login typed with full-width letters or a full-width '@'
     * (as East Asian keyboards may produce) still finds the account.
     */
    @Test
    default void lookupsStillFindAnAccountTypedInCompatibilityForms() {
        User amy = user("amy@example.com");
        Role role = minoro().roles().create("editor", null).block(TIMEOUT);
        for (String typed : List.of("\uFF41\uFF4D\uFF59@example.com", "amy\uFF20example.com", "AMY@example\uFF0Ecom")) {
            minoro().users().findByEmail(typed).map(User::id).as(StepVerifier::create).expectNext(amy.id())
                    .verifyComplete();
            minoro().authenticate(typed, TestConfigs.PASSWORD).as(StepVerifier::create)
                    .assertNext(u -> assertEquals(amy.id(), u.id())).verifyComplete();
        }
        minoro().roles().findByName("\uFF45\uFF44\uFF49\uFF54\uFF4F\uFF52").as(StepVerifier::create).expectNext(role)
                .verifyComplete();
    }
}
