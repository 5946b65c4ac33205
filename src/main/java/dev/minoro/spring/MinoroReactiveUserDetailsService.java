package dev.minoro.spring;

import dev.minoro.InvalidInputException;
import dev.minoro.Minoro;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.core.userdetails.UserDetails;
import reactor.core.publisher.Mono;

/**
 * A Spring Security {@link ReactiveUserDetailsService} that looks users up in Minoro by email, with their
 * roles ({@code ROLE_<name>}) and permissions as authorities.
 *
 * <p>For flows where something else has already proved who the user is (a JWT, a client certificate,
 * remember-me, a pre-authenticated header) and Spring needs the user's authorities. It cannot check
 * passwords: {@link MinoroUserDetails#getPassword()} is null because Minoro never exposes hashes. For
 * password logins use {@link MinoroReactiveAuthenticationManager}, which also applies Minoro's lockout.
 */
public final class MinoroReactiveUserDetailsService implements ReactiveUserDetailsService {

    private final AuthorityMapping authorities;

    private MinoroReactiveUserDetailsService(AuthorityMapping authorities) {
        this.authorities = authorities;
    }

    /**
     * {@return a service reading users from {@code minoro}, with the role prefix {@code ROLE_}}
     *
     * @param minoro the Minoro instance whose accounts it uses
     * @throws NullPointerException when {@code minoro} is null
     */
    public static MinoroReactiveUserDetailsService of(Minoro minoro) {
        return new MinoroReactiveUserDetailsService(AuthorityMapping.of(minoro));
    }

    /**
     * {@return a copy that prefixes role names with {@code rolePrefix} instead of {@code ROLE_} ({@code ""} for none)}
     *
     * @param rolePrefix the prefix of the role authorities, such as {@code ROLE_}
     */
    public MinoroReactiveUserDetailsService withRolePrefix(String rolePrefix) {
        return new MinoroReactiveUserDetailsService(authorities.withRolePrefix(rolePrefix));
    }

    /**
     * A cold {@code Mono} emitting the {@link MinoroUserDetails} of the user with this email
     * (case-insensitive), or completing empty when there is none or the email is malformed. Disabled users
     * are emitted with {@code isEnabled() == false}, for Spring's checks to refuse. Emits on the database
     * driver's threads; a database failure is signalled as Minoro's {@code DatabaseException}.
     */
    @Override
    public Mono<UserDetails> findByUsername(String username) {
        return authorities.minoro().users().findByEmail(username)
                .onErrorResume(InvalidInputException.class, malformed -> Mono.empty())
                .flatMap(authorities::details)
                .cast(UserDetails.class);
    }

    @Override
    public String toString() {
        return "MinoroReactiveUserDetailsService{" + authorities + '}';
    }
}
