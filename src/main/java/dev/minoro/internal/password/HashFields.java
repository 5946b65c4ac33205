package dev.minoro.internal.password;

import dev.minoro.sqlite.internal.AsciiDigits;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * Reads the fields of a hash string: decimal parameters and salts and hashes in the encodings other systems
 * write. Every failure names the field ({@code what}, such as "Argon2 salt") and never quotes the text.
 */
final class HashFields {

    private HashFields() {
    }

    /** Digits only, no sign, no leading zero, at most 10 of them: enough for any bound a format sets. */
    static long decimal(String digits, String what) throws MalformedHashException {
        if (!AsciiDigits.isDecimal(digits, false) || digits.length() > 10
                || digits.length() > 1 && digits.charAt(0) == '0') {
            throw new MalformedHashException("the " + what + " is not a decimal number");
        }
        return Long.parseLong(digits);
    }

    /** Standard base64 without padding, as PHC strings use it; padding and line breaks are refused. */
    static byte[] base64(String text, String what) throws MalformedHashException {
        return decoded(text, !text.isEmpty() && text.indexOf('=') < 0, Base64.getDecoder()::decode, what,
                "standard base64 without padding");
    }

    /**
     * Standard base64 without padding, or passlib's "adapted" base64, which writes {@code .} for {@code +}
     * (a character standard base64 never uses, so both read alike).
     */
    static byte[] phcOrPasslibBase64(String text, String what) throws MalformedHashException {
        return base64(text.replace('.', '+'), what);
    }

    /** Standard base64 with its padding, as Java's and Python's default encoders write it. */
    static byte[] paddedBase64(String text, String what) throws MalformedHashException {
        return decoded(text, !text.isEmpty() && text.length() % 4 == 0, Base64.getDecoder()::decode, what,
                "standard base64 with padding");
    }

    /** Hexadecimal digits, either case, two per byte. */
    static byte[] hex(String text, String what) throws MalformedHashException {
        return decoded(text, !text.isEmpty() && text.length() % 2 == 0, HexFormat.of()::parseHex, what,
                "an even number of hexadecimal digits");
    }

    /**
     * {@code text} decoded by {@code decoder} when {@code wellFormed}; otherwise, or when the decoder refuses it, a
     * failure saying that the {@code what} is not {@code encoding}.
     */
    private static byte[] decoded(String text, boolean wellFormed, Function<String, byte[]> decoder, String what,
            String encoding) throws MalformedHashException {
        if (wellFormed) {
            try {
                return decoder.apply(text);
            } catch (IllegalArgumentException e) {
                // The decoder's message quotes the offending character: part of the hash, so it is not kept.
            }
        }
        throw new MalformedHashException("the " + what + " is not " + encoding);
    }

    /** {@code value} within {@code min..max}, or a failure naming {@code what} and the bounds. */
    static long within(long value, long min, long max, String what) throws MalformedHashException {
        if (value < min || value > max) {
            throw new MalformedHashException("the " + what + " " + value + " is outside " + min + ".." + max);
        }
        return value;
    }

    /** {@code bytes} when its length is within {@code min..max}, or a failure naming {@code what}. */
    static byte[] lengthWithin(byte[] bytes, int min, int max, String what) throws MalformedHashException {
        if (bytes.length < min || bytes.length > max) {
            throw new MalformedHashException("the " + what + " has " + bytes.length + " bytes, outside " + min + ".."
                    + max);
        }
        return bytes;
    }
}
