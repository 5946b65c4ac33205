package dev.minoro;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user to create: an email, an optional password (null for an account without a local password,
 * which can never log in with one) and an optional display name. {@link #toString()} never shows the
 * password.
 */
public final class NewUser {

    private final String email;
    private final @Nullable String password;
    private final @Nullable String displayName;

    private NewUser(String email, @Nullable String password, @Nullable String displayName) {
        this.email = email;
        this.password = password;
        this.displayName = displayName;
    }

    /**
     * A user with this email and password; the password may be null. Both are validated when the user
     * is created, by {@link UserRepository#create(NewUser)}.
     */
    public static NewUser of(String email, @Nullable String password) {
        return new NewUser(email, password, null);
    }

    /** A copy with this display name (null for none). */
    public NewUser withDisplayName(@Nullable String displayName) {
        return new NewUser(email, password, displayName);
    }

    public String email() {
        return email;
    }

    /** The plain-text password, or null. */
    public @Nullable String password() {
        return password;
    }

    public @Nullable String displayName() {
        return displayName;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NewUser)) {
            return false;
        }
        NewUser that = (NewUser) o;
        return Objects.equals(email, that.email) && Objects.equals(password, that.password)
                && Objects.equals(displayName, that.displayName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(email, password, displayName);
    }

    @Override
    public String toString() {
        return "NewUser{email=" + email + ", password=" + (password == null ? "none" : "****")
                + ", displayName=" + displayName + '}';
    }
}
