package dev.minoro.internal.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.minoro.InvalidInputException;
import org.junit.jupiter.api.Test;

final class InputsTests {

    @Test
    void emailsAreNormalisedWithNfkcThenLowerCase() {
        assertEquals("alice@example.com", Inputs.normalisedEmail("Alice@EXAMPLE.com"));
        assertEquals("alice@example.com", Inputs.normalisedEmail("\uFF21lice@example.com"));
        assertEquals("straße@example.com", Inputs.normalisedEmail("STRAßE@example.com"));
        // Locale.ROOT: a Turkish default locale must not turn I into a dotless ı.
        assertEquals("iii@example.com", Inputs.normalisedEmail("III@example.com"));
    }

    @Test
    void passwordMessagesGiveTheBoundsButNeverThePassword() {
        InvalidInputException tooShort = assertThrows(InvalidInputException.class,
                () -> Inputs.password("hunter2", 8, 1024));
        assertEquals("password must have at least 8 characters", tooShort.getMessage());
        assertFalse(tooShort.getMessage().contains("hunter2"));
        assertThrows(InvalidInputException.class, () -> Inputs.password("x".repeat(1025), 8, 1024));
        // Length counts characters, not UTF-16 units: 8 emoji are 8 characters.
        assertEquals("\uD83D\uDE00".repeat(8), Inputs.password("\uD83D\uDE00".repeat(8), 8, 8));
        assertEquals("password is not valid Unicode text: it contains an unpaired surrogate, which UTF-8 cannot store",
                assertThrows(InvalidInputException.class, () -> Inputs.password("password\uD83D", 8, 64))
                        .getMessage());
    }

    @Test
    void roleNamesArePlainTextNormalisedForComparison() {
        assertEquals("admin", Inputs.normalisedRoleName("ADMIN"));
        assertEquals("ﬁle-admin".toLowerCase(java.util.Locale.ROOT).replace("ﬁ", "fi"),
                Inputs.normalisedRoleName("\uFB01le-Admin"));
        assertEquals("roleName must not be blank",
                assertThrows(InvalidInputException.class, () -> Inputs.normalisedRoleName(" ")).getMessage());
        assertEquals("roleName must not have leading or trailing white space, was ' admin'",
                assertThrows(InvalidInputException.class, () -> Inputs.normalisedRoleName(" admin")).getMessage());
    }

    @Test
    void optionalTextMayBeNullButNotMalformed() {
        assertNull(Inputs.displayName(null));
        assertNull(Inputs.description(null));
        assertEquals("line one\nline two", Inputs.description("line one\nline two"));
        assertThrows(InvalidInputException.class, () -> Inputs.displayName("a\u0007b"));
        assertThrows(InvalidInputException.class, () -> Inputs.displayName("d".repeat(201)));
    }
}
