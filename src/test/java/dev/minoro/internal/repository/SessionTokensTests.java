package dev.minoro.internal.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class SessionTokensTests {

    @Test
    void tokensAre256RandomBitsAsBase64urlWithoutPadding() {
        SessionTokens tokens = new SessionTokens(UuidV7.seededDrbg());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String token = tokens.next();
            assertEquals(43, token.length(), token);
            assertTrue(SessionTokens.isWellFormed(token), token);
            assertEquals(32, Base64.getUrlDecoder().decode(token).length);
            seen.add(token);
        }
        assertEquals(10_000, seen.size());
    }

    @Test
    void onlyATokensFormIsWellFormed() {
        String token = new SessionTokens(UuidV7.seededDrbg()).next();
        String body = token.substring(0, 42);
        for (String malformed : List.of("", "a", token + "A", token.substring(1), body + "=", body + "+", body + "/",
                body + "B", body + "_", body + "9", body + " ", " " + body, body + "\u00e9", body + "\uD83D")) {
            assertFalse(SessionTokens.isWellFormed(malformed), malformed);
        }
        for (char last : "AEIMQUYcgkosw048".toCharArray()) {
            assertTrue(SessionTokens.isWellFormed(body + last));
        }
        assertTrue(SessionTokens.isWellFormed("-".repeat(42) + "w"));
    }

    @Test
    void theHashIsTheSha256OfTheTokenInLowerCaseHex() {
        // FIPS 180-2's example
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SessionTokens.hash("abc"));
        assertTrue(SessionTokens.hash(new SessionTokens(UuidV7.seededDrbg()).next()).matches("[0-9a-f]{64}"));
    }
}
