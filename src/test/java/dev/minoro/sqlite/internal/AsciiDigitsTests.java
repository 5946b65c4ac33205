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
