package dev.minoro.spring;

import dev.minoro.Minoro;
import dev.minoro.User;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Turns a Minoro user, its roles and its permissions into a {@link MinoroUserDetails}: the Minoro instance to read
 * them from and the prefix of role authorities, which both Spring Security adapters hold.
 */
final class AuthorityMapping {

    static final String DEFAULT_ROLE_PREFIX = "ROLE_";

    private final Minoro minoro;
    private final String rolePrefix;

    private AuthorityMapping(Minoro minoro, String rolePrefix) {
        this.minoro = minoro;
        this.rolePrefix = rolePrefix;
    }

    /**
     * Reading from {@code minoro}, with the role prefix {@code ROLE_}.
     *
     * @throws NullPointerException when {@code minoro} is null
     */
    static AuthorityMapping of(Minoro minoro) {
        return new AuthorityMapping(Objects.requireNonNull(minoro, "minoro"), DEFAULT_ROLE_PREFIX);
    }

    /** A copy with {@code rolePrefix} ({@code ""} for none) instead. */
    AuthorityMapping withRolePrefix(String rolePrefix) {
        if (rolePrefix == null) {
            throw new IllegalArgumentException("rolePrefix must not be null; use \"\" for no prefix");
        }
        return new AuthorityMapping(minoro, rolePrefix);
    }

    Minoro minoro() {
        return minoro;
    }

    /**
     * A cold {@code Mono} reading the user's roles, then its permissions, and emitting the details with
     * one authority per role ({@code rolePrefix + name}) followed by one per permission.
     */
    Mono<MinoroUserDetails> details(User user) {
        Flux<GrantedAuthority> roles = minoro.roles().rolesOf(user.id())
                .map(role -> new SimpleGrantedAuthority(rolePrefix + role.name()));
        Flux<GrantedAuthority> permissions = minoro.roles().permissionsOf(user.id())
                .map(SimpleGrantedAuthority::new);
        return Flux.concat(roles, permissions).collectList()
                .map(authorities -> details(user, authorities, minoro.clock().instant()));
    }

    static MinoroUserDetails details(User user, List<GrantedAuthority> authorities, Instant now) {
        return new MinoroUserDetails(user.id(), user.email(), user.displayName(), !user.disabled(),
                !user.lockedAt(now), authorities);
    }

    @Override
    public String toString() {
        return "rolePrefix=" + rolePrefix;
    }
}
