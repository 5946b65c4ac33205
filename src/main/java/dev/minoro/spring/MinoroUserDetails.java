package dev.minoro.spring;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * A Minoro user as Spring Security sees it: the principal that {@link MinoroReactiveAuthenticationManager}
 * puts in an authenticated token and that {@link MinoroReactiveUserDetailsService} emits.
 *
 * <p>The username is the email as stored. {@link #getPassword()} is always null: Minoro never hands out
 * password hashes, so passwords are checked by {@code Minoro.authenticate} (through
 * {@link MinoroReactiveAuthenticationManager}), never by Spring's own password encoders. An immutable
 * value; it holds no secret, so serialising it (into a web session, say) reveals nothing.
 */
public final class MinoroUserDetails implements UserDetails {

    private static final long serialVersionUID = 1L;

    /** The user's id. */
    private final UUID id;
    /** The user's email, as stored. */
    private final String email;
    /** The user's display name, or null. */
    private final @Nullable String displayName;
    /** Whether the user is enabled. */
    private final boolean enabled;
    /** Whether the user is not locked. */
    private final boolean accountNonLocked;
    /** The role and permission authorities. */
    private final List<GrantedAuthority> authorities;

    MinoroUserDetails(UUID id, String email, @Nullable String displayName, boolean enabled,
            boolean accountNonLocked, List<GrantedAuthority> authorities) {
        this.id = id;
        this.email = email;
        this.displayName = displayName;
        this.enabled = enabled;
        this.accountNonLocked = accountNonLocked;
        this.authorities = List.copyOf(authorities);
    }

    /** {@return the user's id in Minoro, for calls such as {@code minoro.users().findById(id)}} */
    public UUID id() {
        return id;
    }

    /** {@return the email as stored, which is also {@link #getUsername()}} */
    public String email() {
        return email;
    }

    /** {@return the display name, or null} */
    public @Nullable String displayName() {
        return displayName;
    }

    /** The user's roles, each as the role prefix plus its name, then its permissions, each as given. */
    @Override
    public Collection<GrantedAuthority> getAuthorities() {
        return authorities;
    }

    /** Always null: Minoro never exposes password hashes. */
    @Override
    public @Nullable String getPassword() {
        return null;
    }

    @Override
    public String getUsername() {
        return email;
    }

    /** False when the user is disabled in Minoro. */
    @Override
    public boolean isEnabled() {
        return enabled;
    }

    /** False when the account was locked after repeated failed logins at the time these details were read. */
    @Override
    public boolean isAccountNonLocked() {
        return accountNonLocked;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MinoroUserDetails)) {
            return false;
        }
        MinoroUserDetails that = (MinoroUserDetails) o;
        return enabled == that.enabled && accountNonLocked == that.accountNonLocked && id.equals(that.id)
                && email.equals(that.email) && Objects.equals(displayName, that.displayName)
                && authorities.equals(that.authorities);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, email, displayName, enabled, accountNonLocked, authorities);
    }

    @Override
    public String toString() {
        return "MinoroUserDetails{id=" + id + ", email=" + email + ", enabled=" + enabled
                + ", accountNonLocked=" + accountNonLocked + ", authorities=" + authorities + '}';
    }
}
