package dev.minoro.sqlite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.OtherScriptDigits;
import org.junit.jupiter.api.Test;

/** ASCII digits are digits; those of other scripts, which Java's number parsing also reads, are not. */
final class AsciiDigitsTests {

    @Test
    void asciiDecimalsWithASignWhereAllowed() {
        assertTrue(AsciiDigits.isDecimal("0", false));
        assertTrue(AsciiDigits.isDecimal("5432", false));
        assertTrue(AsciiDigits.isDecimal("-12", true));
        assertTrue(AsciiDigits.isDecimal("+12", true));
        assertFalse(AsciiDigits.isDecimal("-12", false));
        assertFalse(AsciiDigits.isDecimal("", false));
        assertFalse(AsciiDigits.isDecimal("-", true));
        assertFalse(AsciiDigits.isDecimal("1 2", false));
        assertFalse(AsciiDigits.isDecimal("12a", false));
    }

    @Test
    void asciiHexInEitherCase() {
        assertTrue(AsciiDigits.isHex("09afAF"));
        assertFalse(AsciiDigits.isHex(""));
        assertFalse(AsciiDigits.isHex("0g"));
        assertEquals(0, AsciiDigits.hexValue('0'));
        assertEquals(10, AsciiDigits.hexValue('a'));
        assertEquals(15, AsciiDigits.hexValue('F'));
        assertEquals(-1, AsciiDigits.hexValue('G'));
    }

    @Test
    void canonicalUuidsAreThirtySixAsciiCharactersInFiveGroups() {
        String uuid = "0190f0e4-7c3a-7b1e-9a2b-3c4d5e6f7a8b";
        assertTrue(AsciiDigits.isCanonicalUuid(uuid));
        assertTrue(AsciiDigits.isCanonicalUuid(uuid.toUpperCase(java.util.Locale.ROOT)));
        assertFalse(AsciiDigits.isCanonicalUuid("1-2-3-4-5"), "UUID.fromString reads it");
        assertFalse(AsciiDigits.isCanonicalUuid(uuid.substring(1)));
        assertFalse(AsciiDigits.isCanonicalUuid(uuid + "0"));
        assertFalse(AsciiDigits.isCanonicalUuid(uuid.replace('-', '0')));
        assertFalse(AsciiDigits.isCanonicalUuid("0190f0e47-c3a-7b1e-9a2b-3c4d5e6f7a8b"), "a hyphen out of place");
        assertFalse(AsciiDigits.isCanonicalUuid(uuid.replace('f', 'g')));
        for (String written : OtherScriptDigits.of(uuid)) {
            assertEquals(java.util.UUID.fromString(uuid), java.util.UUID.fromString(written), "Java reads " + written);
            assertFalse(AsciiDigits.isCanonicalUuid(written), written);
        }
    }

    @Test
    void asciiTextAndTheDigitsOfOtherScriptsInIt() {
        assertTrue(AsciiDigits.isAscii("12.5e-3"));
        assertFalse(AsciiDigits.isAscii("12.5é"));
        assertFalse(AsciiDigits.hasOtherScriptDigit("fetch 64"));
        assertFalse(AsciiDigits.hasOtherScriptDigit("تطبيق"), "letters of other scripts are not digits");
        for (String written : OtherScriptDigits.of("64")) {
            assertFalse(AsciiDigits.isAscii(written), written);
            assertTrue(AsciiDigits.hasOtherScriptDigit("x" + written), written);
        }
    }

    @Test
    void theDigitsOfOtherScriptsAreNotDigits() {
        for (String number : OtherScriptDigits.of("5432")) {
            assertEquals(5432, Integer.parseInt(number), "Java reads " + number + " as 5432: why AsciiDigits exists");
            assertFalse(AsciiDigits.isDecimal(number, false), number);
            assertFalse(AsciiDigits.isDecimal("-" + number, true), number);
            assertFalse(AsciiDigits.isHex(number), number);
            assertFalse(AsciiDigits.isDecimal("54" + number.substring(2), false), "mixed: " + number);
            for (char c : number.toCharArray()) {
                assertEquals(-1, AsciiDigits.hexValue(c), number);
            }
        }
    }
}
