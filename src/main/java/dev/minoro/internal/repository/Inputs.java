package dev.minoro.internal.repository;

import dev.minoro.InvalidInputException;
import java.text.Normalizer;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Checks and normalises what callers pass in, so that each mistake gets an
 * {@link InvalidInputException} naming the argument and saying what was wrong — never repeating a
 * password — and both databases compare emails and role names the same way.
 */
public final class Inputs {

    static final int MAX_EMAIL_LENGTH = 254;
    static final int MAX_LOCAL_PART_LENGTH = 64;
    static final int MAX_DISPLAY_NAME_LENGTH = 200;
    static final int MAX_ROLE_NAME_LENGTH = 100;
    static final int MAX_DESCRIPTION_LENGTH = 1000;
    static final int MAX_PERMISSION_LENGTH = 200;
    static final int MAX_PAGE_SIZE = 1000;

    /** Characters allowed in an email's local part besides letters and digits (RFC 5322 atext). */
    private static final String LOCAL_PART_SYMBOLS = "!#$%&'*+/=?^_`{|}~-.";

    private Inputs() {
    }

    /** {@code value}, or an {@link InvalidInputException} saying that {@code name} must not be null. */
    public static <T> T required(@Nullable T value, String name) {
        if (value == null) {
            throw new InvalidInputException(name + " must not be null");
        }
        return value;
    }

    /** The id, which must not be null. */
    public static UUID id(@Nullable UUID id, String name) {
        return required(id, name);
    }

    /**
     * The form of an email that lookups and the unique index compare: Unicode NFKC, then lower case in
     * {@link Locale#ROOT}, after checking that it is a plausible address.
     *
     * @throws InvalidInputException when it is null, longer than 254 characters, has leading or trailing
     *                               white space, not exactly one {@code @}, white space or control characters,
     *                               an empty or over-long local part, or a domain that is not dot-separated
     *                               labels of letters, digits and hyphens
     */
    public static String normalisedEmail(@Nullable String email) {
        required(email, "email");
        String nfkc = Normalizer.normalize(email, Normalizer.Form.NFKC);
        if (nfkc.codePointCount(0, nfkc.length()) > MAX_EMAIL_LENGTH) {
            throw invalidEmail("it is longer than " + MAX_EMAIL_LENGTH + " characters");
        }
        if (nfkc.isBlank()) {
            throw invalidEmail("it is blank");
        }
        int at = nfkc.indexOf('@');
        if (at < 0 || at != nfkc.lastIndexOf('@')) {
            throw invalidEmail("it must contain exactly one '@'");
        }
        String local = nfkc.substring(0, at);
        String domain = nfkc.substring(at + 1);
        if (local.isEmpty() || local.codePointCount(0, local.length()) > MAX_LOCAL_PART_LENGTH) {
            throw invalidEmail("the part before '@' must have 1 to " + MAX_LOCAL_PART_LENGTH + " characters");
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw invalidEmail("the part before '@' must not start or end with '.' or contain '..'");
        }
        for (int i = 0; i < local.length(); ) {
            int c = local.codePointAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
                throw invalidEmail("it contains white space or a control character");
            }
            if (c < 0x80 && !Character.isLetterOrDigit(c) && LOCAL_PART_SYMBOLS.indexOf(c) < 0) {
                throw invalidEmail("the part before '@' contains '" + Character.toString(c)
                        + "', which addresses without quotes cannot have");
            }
            i += Character.charCount(c);
        }
        checkDomain(domain);
        return nfkc.toLowerCase(Locale.ROOT);
    }

    private static void checkDomain(String domain) {
        if (domain.isEmpty()) {
            throw invalidEmail("the domain after '@' is empty");
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                throw invalidEmail("the domain after '@' must be labels of 1 to 63 characters separated by"
                        + " single dots");
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                throw invalidEmail("a domain label must not start or end with '-'");
            }
            for (int i = 0; i < label.length(); ) {
                int c = label.codePointAt(i);
                boolean ok = c == '-' || (c < 0x80 ? Character.isLetterOrDigit(c)
                        : Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK
                                || Character.getType(c) == Character.COMBINING_SPACING_MARK);
                if (!ok) {
                    throw invalidEmail(Character.isWhitespace(c) || Character.isISOControl(c)
                            || Character.isSpaceChar(c)
                            ? "it contains white space or a control character"
                            : "the domain contains '" + Character.toString(c) + "'");
                }
                i += Character.charCount(c);
            }
        }
    }

    private static InvalidInputException invalidEmail(String why) {
        return new InvalidInputException("email is not a valid address: " + why);
    }

    /**
     * Checks a password's length in characters (code points) against the configured bounds.
     *
     * @throws InvalidInputException when it is null or outside {@code min..max}; the message gives the
     *                               bounds, never the password
     */
    public static String password(@Nullable String password, int min, int max) {
        required(password, "password");
        if (!isWellFormed(password)) {
            throw new InvalidInputException("password must be valid Unicode text: it contains an unpaired"
                    + " surrogate character");
        }
        int length = password.codePointCount(0, password.length());
        if (length < min) {
            throw new InvalidInputException("password must have at least " + min + " characters");
        }
        if (length > max) {
            throw new InvalidInputException("password must have at most " + max + " characters");
        }
        return password;
    }

    /** Whether {@code text} is valid UTF-16: every surrogate is part of a pair. */
    public static boolean isWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** A display name: null, or at most 200 characters without control characters. */
    public static @Nullable String displayName(@Nullable String displayName) {
        if (displayName == null) {
            return null;
        }
        checkText("displayName", displayName, MAX_DISPLAY_NAME_LENGTH, false);
        return displayName;
    }

    /**
     * The compared form of a role name (NFKC, lower case), after checking it is not blank, has no leading
     * or trailing white space, no control characters and at most 100 characters.
     */
    public static String normalisedRoleName(@Nullable String roleName) {
        required(roleName, "roleName");
        checkText("roleName", roleName, MAX_ROLE_NAME_LENGTH, true);
        return Normalizer.normalize(roleName, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /** A role description: null, or at most 1000 characters without control characters other than new lines. */
    public static @Nullable String description(@Nullable String description) {
        if (description == null) {
            return null;
        }
        if (description.codePointCount(0, description.length()) > MAX_DESCRIPTION_LENGTH) {
            throw new InvalidInputException("description must have at most " + MAX_DESCRIPTION_LENGTH
                    + " characters");
        }
        if (description.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
            throw new InvalidInputException("description must not contain control characters");
        }
        return description;
    }

    /**
     * A permission such as {@code posts:write}, compared exactly: not blank, no leading or trailing white
     * space, no control characters, at most 200 characters.
     */
    public static String permission(@Nullable String permission) {
        required(permission, "permission");
        checkText("permission", permission, MAX_PERMISSION_LENGTH, true);
        return permission;
    }

    /** Checks a page request: {@code offset >= 0}, {@code 1 <= limit <= 1000}. */
    public static void page(int offset, int limit) {
        if (offset < 0) {
            throw new InvalidInputException("offset must be >= 0, was " + offset);
        }
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new InvalidInputException("limit must be between 1 and " + MAX_PAGE_SIZE + ", was " + limit);
        }
    }

    private static void checkText(String name, String value, int maxLength, boolean notBlank) {
        if (notBlank && value.isBlank()) {
            throw new InvalidInputException(name + " must not be blank");
        }
        if (!value.strip().equals(value)) {
            throw new InvalidInputException(name + " must not have leading or trailing white space, was '"
                    + value + "'");
        }
        if (value.codePointCount(0, value.length()) > maxLength) {
            throw new InvalidInputException(name + " must have at most " + maxLength + " characters");
        }
        if (value.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(name + " must not contain control characters");
        }
    }
}
