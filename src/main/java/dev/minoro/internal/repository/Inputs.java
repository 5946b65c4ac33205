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
 *
 * <p>Rules for every string Minoro stores or looks up:
 * <ul>
 *   <li>it must be valid Unicode text: an unpaired UTF-16 surrogate cannot be written as UTF-8, and a
 *       driver would store {@code ?} in its place;</li>
 *   <li>what identifies something (emails, role names, permissions) must not contain invisible format
 *       characters (Unicode category Cf: zero-width characters, the soft hyphen, bidirectional controls,
 *       tags), which would make look-alikes of visible names;</li>
 *   <li>display names, which are shown and never compared, may hold the format characters writing needs:
 *       the zero-width joiner (emoji sequences, Indic scripts), the zero-width non-joiner (Persian, Indic
 *       scripts) and emoji tag sequences (subdivision flags such as Scotland's); no other;</li>
 *   <li>an email to store must be a deliverable address as given: besides its form, no character in it
 *       may be one that Unicode normalisation (NFKC) changes on its own, such as a full-width '＠' or
 *       letter, a ligature, a superscript or the Kelvin sign, since the address as given would name
 *       another mailbox than the one it is compared as. Composed and decomposed accents are canonically
 *       equivalent and both accepted (as one address). Lookups are lenient: they compare the normalised
 *       form, so a login typed with full-width letters still finds its account.</li>
 * </ul>
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

    private static final int ZERO_WIDTH_SPACE = 0x200B;
    private static final int ZERO_WIDTH_NON_JOINER = 0x200C;
    private static final int ZERO_WIDTH_JOINER = 0x200D;
    /** WAVING BLACK FLAG, the base of emoji tag sequences. */
    private static final int TAG_SEQUENCE_BASE = 0x1F3F4;
    private static final int FIRST_TAG = 0xE0020;
    private static final int LAST_TAG = 0xE007E;
    private static final int CANCEL_TAG = 0xE007F;

    /**
     * Whether {@link #preload} ran in this class loader. Once per class loader, not per boot: the JDK keeps the
     * normalisation tables, and the character names behind a soft reference that only memory pressure clears.
     */
    private static volatile boolean preloaded;

    private Inputs() {
    }

    /**
     * Loads what checking inputs reads from the JDK's resources on first use (the Unicode normalisation
     * and character name tables). Blocking: call it where blocking is allowed, so that no caller's
     * thread, such as an event loop, does the reading.
     */
    public static void preload() {
        if (!preloaded) {
            Normalizer.normalize("\uFB01", Normalizer.Form.NFKC);
            Character.getName(ZERO_WIDTH_SPACE);
            preloaded = true;
        }
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
     * Checks that {@code text} is valid Unicode: every UTF-16 surrogate is part of a pair.
     *
     * @throws InvalidInputException when it is not, naming the surrogate and where it is
     */
    public static String validUnicode(String text, String name) {
        int at = unpairedSurrogate(text);
        if (at >= 0) {
            throw new InvalidInputException(name + " is not valid Unicode text: it contains an unpaired surrogate ("
                    + codePoint(text.charAt(at)) + ") at index " + at + ", which UTF-8 cannot store");
        }
        return text;
    }

    /**
     * The form of an email that lookups and the unique index compare: Unicode NFKC, then lower case in
     * {@link Locale#ROOT}, after checking that it is a plausible address once normalised (lookups are
     * lenient: a full-width form finds the account).
     *
     * @throws InvalidInputException when it is null, not valid Unicode, holds an invisible format
     *                               character, or is not an address: longer than 254 characters, leading or
     *                               trailing white space, not exactly one {@code @}, white space or control
     *                               characters, an empty or over-long local part, or a domain that is not
     *                               dot-separated labels of letters, digits and hyphens
     */
    public static String normalisedEmail(@Nullable String email) {
        required(email, "email");
        validUnicode(email, "email");
        checkNoFormatCharacter(email);
        String nfkc = Normalizer.normalize(email, Normalizer.Form.NFKC);
        checkAddress(nfkc);
        return nfkc.toLowerCase(Locale.ROOT);
    }

    /**
     * {@link #normalisedEmail} for an email to store, which must be a deliverable address as given: the
     * checks run on the email itself, and no character in it may be one that NFKC changes on its own.
     *
     * @throws InvalidInputException as {@link #normalisedEmail}, and for such a character, naming it and
     *                               what normalisation makes of it
     */
    public static String newEmail(@Nullable String email) {
        required(email, "email");
        validUnicode(email, "email");
        checkNoFormatCharacter(email);
        for (int i = 0; i < email.length(); ) {
            int c = email.codePointAt(i);
            if (isWhiteSpaceOrControl(c)) {
                throw invalidEmail("it contains white space or a control character");
            }
            if (c >= 0x80) {
                String given = Character.toString(c);
                String normalised = Normalizer.normalize(given, Normalizer.Form.NFKC);
                if (!normalised.equals(given)) {
                    throw invalidEmail("it contains '" + given + "' (" + describe(c) + ") at index " + i
                            + ", which Unicode normalisation (NFKC) turns into '" + normalised + "'; write '"
                            + normalised + "' instead");
                }
            }
            i += Character.charCount(c);
        }
        checkAddress(email);
        return Normalizer.normalize(email, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    private static void checkNoFormatCharacter(String email) {
        int at = formatCharacter(email, false);
        if (at >= 0) {
            throw invalidEmail("it contains " + describe(email.codePointAt(at)) + " at index " + at
                    + ", an invisible formatting character (Unicode category Cf)");
        }
    }

    private static void checkAddress(String address) {
        if (address.codePointCount(0, address.length()) > MAX_EMAIL_LENGTH) {
            throw invalidEmail("it is longer than " + MAX_EMAIL_LENGTH + " characters");
        }
        if (address.isBlank()) {
            throw invalidEmail("it is blank");
        }
        int at = address.indexOf('@');
        if (at < 0 || at != address.lastIndexOf('@')) {
            throw invalidEmail("it must contain exactly one '@'");
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (local.isEmpty() || local.codePointCount(0, local.length()) > MAX_LOCAL_PART_LENGTH) {
            throw invalidEmail("the part before '@' must have 1 to " + MAX_LOCAL_PART_LENGTH + " characters");
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw invalidEmail("the part before '@' must not start or end with '.' or contain '..'");
        }
        for (int i = 0; i < local.length(); ) {
            int c = local.codePointAt(i);
            if (isWhiteSpaceOrControl(c)) {
                throw invalidEmail("it contains white space or a control character");
            }
            if (c < 0x80 && !Character.isLetterOrDigit(c) && LOCAL_PART_SYMBOLS.indexOf(c) < 0) {
                throw invalidEmail("the part before '@' contains '" + Character.toString(c)
                        + "', which addresses without quotes cannot have");
            }
            i += Character.charCount(c);
        }
        checkDomain(domain);
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
                    throw invalidEmail(isWhiteSpaceOrControl(c)
                            ? "it contains white space or a control character"
                            : "the domain contains '" + Character.toString(c) + "'");
                }
                i += Character.charCount(c);
            }
        }
    }

    private static boolean isWhiteSpaceOrControl(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c);
    }

    private static InvalidInputException invalidEmail(String why) {
        return new InvalidInputException("email is not a valid address: " + why);
    }

    /**
     * Checks a password's length in characters (code points) against the configured bounds.
     *
     * @throws InvalidInputException when it is null, not valid Unicode, or outside {@code min..max}; the
     *                               message gives the bounds, never the password or a part of it
     */
    public static String password(@Nullable String password, int min, int max) {
        required(password, "password");
        if (!isWellFormed(password)) {
            throw new InvalidInputException("password is not valid Unicode text: it contains an unpaired"
                    + " surrogate, which UTF-8 cannot store");
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
        return unpairedSurrogate(text) < 0;
    }

    /**
     * A display name: null, or at most 200 characters of valid Unicode without control characters or
     * invisible format characters other than the joiners and emoji tag sequences writing needs.
     */
    public static @Nullable String displayName(@Nullable String displayName) {
        if (displayName == null) {
            return null;
        }
        checkText("displayName", displayName, MAX_DISPLAY_NAME_LENGTH, false);
        int at = formatCharacter(displayName, true);
        if (at >= 0) {
            throw new InvalidInputException("displayName must not contain invisible formatting characters (Unicode"
                    + " category Cf) other than the zero-width joiner and non-joiner and emoji tag sequences: it has "
                    + describe(displayName.codePointAt(at)) + " at index " + at);
        }
        return displayName;
    }

    /**
     * The compared form of a role name (NFKC, lower case), after checking it is valid Unicode, not blank,
     * has no leading or trailing white space, no control or invisible format characters and at most 100
     * characters.
     */
    public static String normalisedRoleName(@Nullable String roleName) {
        required(roleName, "roleName");
        checkIdentifyingText("roleName", roleName, MAX_ROLE_NAME_LENGTH);
        return Normalizer.normalize(roleName, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /**
     * A role description: null, or at most 1000 characters of valid Unicode without control characters
     * other than new lines and tabs. Format characters are allowed: a description is prose, and
     * right-to-left text may need its directional marks.
     */
    public static @Nullable String description(@Nullable String description) {
        if (description == null) {
            return null;
        }
        validUnicode(description, "description");
        if (description.codePointCount(0, description.length()) > MAX_DESCRIPTION_LENGTH) {
            throw new InvalidInputException("description must have at most " + MAX_DESCRIPTION_LENGTH
                    + " characters");
        }
        if (hasControlCharacter(description, "\n\r\t")) {
            throw new InvalidInputException("description must not contain control characters");
        }
        return description;
    }

    /**
     * A permission such as {@code posts:write}, compared exactly: valid Unicode, not blank, no leading or
     * trailing white space, no control or invisible format characters, at most 200 characters.
     */
    public static String permission(@Nullable String permission) {
        required(permission, "permission");
        checkIdentifyingText("permission", permission, MAX_PERMISSION_LENGTH);
        return permission;
    }

    /**
     * Text to search for, in the form it is compared in (NFKC, lower case, as emails): valid Unicode, not empty, no
     * control characters, at most 254 characters.
     *
     * @param name what the message calls the argument
     */
    public static String searchText(String name, String text) {
        validUnicode(text, name);
        if (text.isEmpty()) {
            throw new InvalidInputException(name + " must not be empty; pass null for no such filter");
        }
        if (text.codePointCount(0, text.length()) > MAX_EMAIL_LENGTH) {
            throw new InvalidInputException(name + " must have at most " + MAX_EMAIL_LENGTH + " characters");
        }
        if (hasControlCharacter(text, "")) {
            throw new InvalidInputException(name + " must not contain control characters");
        }
        return Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /**
     * The compared form of a display name (NFKC, lower case), what a search matches; null for none. Call it on a
     * name {@link #displayName} accepted.
     */
    public static @Nullable String displayNameNorm(@Nullable String displayName) {
        return displayName == null ? null
                : Normalizer.normalize(displayName, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
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

    private static void checkIdentifyingText(String name, String value, int maxLength) {
        checkText(name, value, maxLength, true);
        int at = formatCharacter(value, false);
        if (at >= 0) {
            throw new InvalidInputException(name + " must not contain invisible formatting characters (Unicode"
                    + " category Cf): it has " + describe(value.codePointAt(at)) + " at index " + at);
        }
    }

    private static void checkText(String name, String value, int maxLength, boolean notBlank) {
        validUnicode(value, name);
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
        if (hasControlCharacter(value, "")) {
            throw new InvalidInputException(name + " must not contain control characters");
        }
    }

    /**
     * Whether {@code text} has an ISO control character (U+0000 to U+001F, U+007F to U+009F: all below U+10000, so
     * each is one char) other than those in {@code allowed}.
     */
    private static boolean hasControlCharacter(String text, String allowed) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && allowed.indexOf(c) < 0) {
                return true;
            }
        }
        return false;
    }

    /** The index of the first unpaired surrogate in {@code text}, or -1. */
    private static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the first invisible format character (category Cf) in {@code text}, or -1. With
     * {@code forWriting}, the joiners and complete emoji tag sequences (tags after a waving black flag,
     * ended by a cancel tag) are not counted.
     */
    private static int formatCharacter(String text, boolean forWriting) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (forWriting && c == TAG_SEQUENCE_BASE) {
                int end = endOfTagSequence(text, i + Character.charCount(c));
                if (end > 0) {
                    i = end;
                    continue;
                }
            }
            if (Character.getType(c) == Character.FORMAT
                    && !(forWriting && (c == ZERO_WIDTH_JOINER || c == ZERO_WIDTH_NON_JOINER))) {
                return i;
            }
            i += Character.charCount(c);
        }
        return -1;
    }

    /** Where a tag sequence starting at {@code from} ends (after its cancel tag), or -1 if there is none. */
    private static int endOfTagSequence(String text, int from) {
        int i = from;
        int tags = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == CANCEL_TAG) {
                return tags > 0 ? i : -1;
            }
            if (c < FIRST_TAG || c > LAST_TAG) {
                return -1;
            }
            tags++;
        }
        return -1;
    }

    /** {@code U+200B ZERO WIDTH SPACE}: the code point and its Unicode name. */
    private static String describe(int c) {
        String name = Character.getName(c);
        return codePoint(c) + (name == null ? "" : " " + name);
    }

    private static String codePoint(int c) {
        return String.format(Locale.ROOT, "U+%04X", c);
    }
}
