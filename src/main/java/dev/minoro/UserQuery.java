package dev.minoro;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link UserRepository#search(UserQuery)} lists and {@link UserRepository#count(UserQuery)} counts: users
 * ordered by creation time, then id, filtered by every condition set here (all must hold), one page at a time.
 * An immutable value: each {@code with…} method returns a changed copy.
 *
 * <pre>{@code
 * UserQuery admins = UserQuery.all().withRole("admin").withDisabled(false).withPageSize(100);
 * Page<User> first = minoro.users().search(admins).block();
 * Page<User> second = minoro.users().search(admins.after(first.nextCursor())).block();
 * }</pre>
 *
 * <p>Text is compared as emails are: in its NFKC, lower-cased form, so case does not matter, and every
 * character matches itself only: {@code %}, {@code _} and {@code \} are not wildcards. Checks of the texts (valid
 * Unicode, no control characters, at most 254 characters) happen when the query runs, as an
 * {@link InvalidInputException} signalled by the search.
 */
public final class UserQuery {

    /** The largest page a search returns. */
    public static final int MAX_PAGE_SIZE = 1000;

    /** The page size of {@link #all()}. */
    public static final int DEFAULT_PAGE_SIZE = 50;

    private static final UserQuery ALL = new UserQuery(null, null, null, null, null, DEFAULT_PAGE_SIZE, null);

    private final @Nullable String text;
    private final @Nullable String emailPrefix;
    private final @Nullable String role;
    private final @Nullable Boolean disabled;
    private final @Nullable Boolean locked;
    private final int pageSize;
    private final @Nullable String cursor;

    private UserQuery(@Nullable String text, @Nullable String emailPrefix, @Nullable String role,
            @Nullable Boolean disabled, @Nullable Boolean locked, int pageSize, @Nullable String cursor) {
        this.text = text;
        this.emailPrefix = emailPrefix;
        this.role = role;
        this.disabled = disabled;
        this.locked = locked;
        this.pageSize = pageSize;
        this.cursor = cursor;
    }

    /** {@return every user, the first page of {@value #DEFAULT_PAGE_SIZE}} */
    public static UserQuery all() {
        return ALL;
    }

    /**
     * {@return a copy that keeps users whose email or display name contains {@code text}, case-insensitively and
     * literally; a search by {@link #withEmailPrefix email prefix} is the one to use where it fits: it reads an
     * index, while this one reads every user that the other filters leave}
     *
     * @param text the text to look for, or null for no such filter
     */
    public UserQuery withText(@Nullable String text) {
        return new UserQuery(text, emailPrefix, role, disabled, locked, pageSize, cursor);
    }

    /**
     * {@return a copy that keeps users whose email starts with {@code prefix}, case-insensitively and literally;
     * answered from the index of normalised emails, so its cost grows with the users that match, not with all
     * users}
     *
     * @param prefix the start of the email, or null for no such filter
     */
    public UserQuery withEmailPrefix(@Nullable String prefix) {
        return new UserQuery(text, prefix, role, disabled, locked, pageSize, cursor);
    }

    /**
     * {@return a copy that keeps the members of the role named {@code roleName} (compared case-insensitively); an
     * unknown role has no members}
     *
     * @param roleName the role's name, or null for no such filter
     */
    public UserQuery withRole(@Nullable String roleName) {
        return new UserQuery(text, emailPrefix, roleName, disabled, locked, pageSize, cursor);
    }

    /**
     * {@return a copy that keeps only disabled users (true) or only enabled ones (false)}
     *
     * @param disabled the disabled status to keep, or null for no such filter
     */
    public UserQuery withDisabled(@Nullable Boolean disabled) {
        return new UserQuery(text, emailPrefix, role, disabled, locked, pageSize, cursor);
    }

    /**
     * {@return a copy that keeps only users locked now after repeated failed logins (true) or only users not
     * locked (false), by the instance's clock when the search runs}
     *
     * @param locked the locked state to keep, or null for no such filter
     */
    public UserQuery withLocked(@Nullable Boolean locked) {
        return new UserQuery(text, emailPrefix, role, disabled, locked, pageSize, cursor);
    }

    /**
     * {@return a copy whose pages hold at most {@code pageSize} users}
     *
     * @param pageSize the most users per page, 1 to {@value #MAX_PAGE_SIZE}
     * @throws InvalidInputException when {@code pageSize} is outside 1 to {@value #MAX_PAGE_SIZE}
     */
    public UserQuery withPageSize(int pageSize) {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidInputException("pageSize must be between 1 and " + MAX_PAGE_SIZE + ", was " + pageSize);
        }
        return new UserQuery(text, emailPrefix, role, disabled, locked, pageSize, cursor);
    }

    /**
     * {@return a copy that lists the page after {@code cursor}}
     *
     * @param cursor a {@link Page#nextCursor()} from a search, or null for the first page
     */
    public UserQuery after(@Nullable String cursor) {
        return new UserQuery(text, emailPrefix, role, disabled, locked, pageSize, cursor);
    }

    /** {@return the text that emails or display names must contain, or null} */
    public @Nullable String text() {
        return text;
    }

    /** {@return the text that emails must start with, or null} */
    public @Nullable String emailPrefix() {
        return emailPrefix;
    }

    /** {@return the role whose members are kept, or null} */
    public @Nullable String role() {
        return role;
    }

    /** {@return the disabled status kept, or null for both} */
    public @Nullable Boolean disabled() {
        return disabled;
    }

    /** {@return the locked state kept, or null for both} */
    public @Nullable Boolean locked() {
        return locked;
    }

    /** {@return the most users per page} */
    public int pageSize() {
        return pageSize;
    }

    /** {@return the cursor the page starts after, or null for the first page} */
    public @Nullable String cursor() {
        return cursor;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof UserQuery q && Objects.equals(text, q.text)
                && Objects.equals(emailPrefix, q.emailPrefix) && Objects.equals(role, q.role)
                && Objects.equals(disabled, q.disabled) && Objects.equals(locked, q.locked)
                && pageSize == q.pageSize && Objects.equals(cursor, q.cursor);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text, emailPrefix, role, disabled, locked, pageSize, cursor);
    }

    @Override
    public String toString() {
        return "UserQuery{text=" + text + ", emailPrefix=" + emailPrefix + ", role=" + role + ", disabled=" + disabled
                + ", locked=" + locked + ", pageSize=" + pageSize + ", cursor=" + cursor + '}';
    }
}
