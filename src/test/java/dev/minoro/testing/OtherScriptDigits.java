package dev.minoro.testing;

import java.util.List;

/**
 * Numbers written with the decimal digits of other scripts, which {@code Integer.parseInt}, {@code Long.parseLong}
 * and {@code Character.digit} read as if they were ASCII ({@code "٥٤٣٢"} is 5432 to them): what a URL, an option or
 * a stored hash must refuse where it expects ASCII digits.
 */
public final class OtherScriptDigits {

    /** The zero of each script's digits: Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali, full-width. */
    private static final List<Character> ZEROS = List.of('\u0660', '\u06F0', '\u0966', '\u09E6', '\uFF10');

    private OtherScriptDigits() {
    }

    /**
     * {@return {@code ascii} in each other script: each ASCII digit of it replaced by that script's digit, every
     * other character kept}
     */
    public static List<String> of(String ascii) {
        return ZEROS.stream().map(zero -> {
            StringBuilder written = new StringBuilder(ascii.length());
            for (char c : ascii.toCharArray()) {
                written.append(c >= '0' && c <= '9' ? (char) (zero + (c - '0')) : c);
            }
            return written.toString();
        }).toList();
    }
}
