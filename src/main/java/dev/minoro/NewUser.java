package dev.minoro;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user to create: an email, an optional password (null for an account without a local password,
 * which can never log in with one) and an optional display name. Users moved from another system can
 * bring their password hash instead of a password ({@link #withPasswordHash(String)}). {@link #toString()}
 * never shows the password or the hash.
 */
public final class NewUser {

    private final String email;
    private final @Nullable String password;
    private final @Nullable String displayName;
    private final @Nullable String passwordHash;

    private NewUser(String email, @Nullable String password, @Nullable String displayName,
            @Nullable String passwordHash) {
        this.email = email;
        this.password = password;
        this.displayName = displayName;
        this.passwordHash = passwordHash;
    }

    /**
     * {@return a user with this email and password; the password may be null} Both are validated when the user
     * is created, by {@link UserRepository#create(NewUser)}.
     *
     * @param email the email, compared case-insensitively
     * @param password the password as typed
     */
    public static NewUser of(String email, @Nullable String password) {
        return new NewUser(email, password, null, null);
    }

    /**
     * {@return a copy with this display name (null for none)}
     *
     * @param displayName the name to show, or null for none
     */
    public NewUser withDisplayName(@Nullable String displayName) {
        return new NewUser(email, password, displayName, passwordHash);
    }

    /**
     * {@return a copy that stores {@code passwordHash}, made by another system, instead of hashing a password: an
     * Argon2 PHC string ({@code $argon2id$…}, {@code $argon2i$…}, {@code $argon2d$…}, versions 1.3 and 1.0), a
     * bcrypt hash ({@code $2a$}, {@code $2b$}, {@code $2y$}), a PBKDF2 PHC string ({@code $pbkdf2-sha256$…},
     * {@code $pbkdf2-sha512$…}, {@code $pbkdf2$…}, also in passlib's form), Django's {@code pbkdf2_sha256$…} or
     * {@code pbkdf2_sha1$…}, an scrypt PHC string ({@code $scrypt$ln=…}), or any of these as Spring Security's
     * {@code DelegatingPasswordEncoder} stores them ({@code {bcrypt}}, {@code {argon2}}, {@code {pbkdf2}},
     * {@code {scrypt}} and their {@code @SpringSecurity_v5_8} forms); the README's table lists each}
     * The user logs in with the original password, checked as the other system hashed it (its UTF-8 bytes as
     * typed, then its NFKC form), and the hash is replaced by an Argon2id hash with the configured parameters at
     * the first login. The copy has no plain-text password; {@link UserRepository#create(NewUser)} refuses, with
     * {@link InvalidInputException} naming the format, a hash it cannot check or one costlier than
     * {@code MinoroConfig.importedHashCostFactor()} allows, and Spring Security's {@code {noop}} plain text unless
     * {@code MinoroConfig.importPlaintextPasswords()} allows it.
     *
     * @param passwordHash the hash, in one of the imported formats
     */
    public NewUser withPasswordHash(@Nullable String passwordHash) {
        return new NewUser(email, null, displayName, passwordHash);
    }

    /** {@return the email, as given} */
    public String email() {
        return email;
    }

    /** {@return the plain-text password, or null} */
    public @Nullable String password() {
        return password;
    }

    /** {@return the name to show, or null} */
    public @Nullable String displayName() {
        return displayName;
    }

    /** {@return a password hash made by another system, or null} */
    public @Nullable String passwordHash() {
        return passwordHash;
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
                && Objects.equals(displayName, that.displayName) && Objects.equals(passwordHash, that.passwordHash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(email, password, displayName, passwordHash);
    }

    @Override
    public String toString() {
        return "NewUser{email=" + email + ", password=" + (password == null ? "none" : "****")
                + (passwordHash == null ? "" : ", passwordHash=****") + ", displayName=" + displayName + '}';
    }
}
