package dev.minoro.spring;

import dev.minoro.Minoro;
import dev.minoro.User;
import java.time.Instant;
import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Turns a Minoro user, its roles and its permissions into a {@link MinoroUserDetails}. */
final class AuthorityMapping {

    static final String DEFAULT_ROLE_PREFIX = "ROLE_";

    private AuthorityMapping() {
    }

    /**
     * A cold {@code Mono} reading the user's roles, then its permissions, and emitting the details with
     * one authority per role ({@code rolePrefix + name}) followed by one per permission.
     */
    static Mono<MinoroUserDetails> details(Minoro minoro, User user, String rolePrefix) {
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

    static String checkedPrefix(String rolePrefix) {
        if (rolePrefix == null) {
            throw new IllegalArgumentException("rolePrefix must not be null; use \"\" for no prefix");
        }
        return rolePrefix;
    }
}
