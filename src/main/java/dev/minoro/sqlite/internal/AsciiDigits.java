package dev.minoro.sqlite.internal;

/**
 * Digits as URLs, R2DBC options, SQL and stored hash formats write them: ASCII only. {@code Integer.parseInt},
 * {@code Long.parseLong} and {@code Character.digit} also read the digits of other scripts (Arabic-Indic,
 * Devanagari, full-width …), so that {@code "٥٤٣٢"} would be port 5432 and {@code "%٣A"} an escape of {@code ':'};
 * so do {@code UUID.fromString}, {@code BigInteger} and {@code BigDecimal}. Each number and UUID Minoro reads from
 * text is checked here before one of those reads it; text that Spring Boot's binder or r2dbc-postgresql reads as a
 * number is refused when it holds such a digit ({@link #hasOtherScriptDigit}).
 */
public final class AsciiDigits {

    private AsciiDigits() {
    }

    /**
     * {@return whether {@code text} is one or more ASCII digits {@code 0-9}, after one {@code +} or {@code -} when
     * {@code signed}} The length is not bounded: the parse that follows reports a value out of its range.
     */
    public static boolean isDecimal(CharSequence text, boolean signed) {
        int start = signed && !text.isEmpty() && (text.charAt(0) == '+' || text.charAt(0) == '-') ? 1 : 0;
        if (start == text.length()) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return whether {@code text} is one or more ASCII hexadecimal digits ({@code 0-9}, {@code A-F},
     * {@code a-f})}
     */
    public static boolean isHex(CharSequence text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (hexValue(text.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return whether {@code text} is a UUID in its canonical form: 36 characters, ASCII hexadecimal digits (of
     * either case) in groups of 8, 4, 4, 4 and 12 between hyphens} {@code UUID.fromString} also takes shorter groups
     * ({@code 1-2-3-4-5}) and the digits of other scripts; {@code UUID.toString()} writes this form in lower case.
     */
    public static boolean isCanonicalUuid(CharSequence text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean hyphen = i == 8 || i == 13 || i == 18 || i == 23;
            if (hyphen ? c != '-' : hexValue(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return whether {@code text} holds a decimal digit of another script than ASCII's ({@code ٥}, {@code ５} …)}
     * For text that another library parses as a number (Spring Boot's binder, a driver's options): there, such a
     * digit would be read as the ASCII digit it stands for.
     */
    public static boolean hasOtherScriptDigit(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x7f && Character.isDigit(c)) {
                return true;
            }
        }
        return false;
    }

    /** {@return whether every character of {@code text} is ASCII} */
    public static boolean isAscii(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** {@return the value of {@code c} as an ASCII hexadecimal digit, or -1 when it is not one} */
    public static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
