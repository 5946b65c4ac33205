package dev.minoro.spring;

import dev.minoro.AccountDisabledException;
import dev.minoro.AccountLockedException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.InvalidInputException;
import dev.minoro.Minoro;
import dev.minoro.MinoroException;
import dev.minoro.PasswordExpiredException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.CredentialsExpiredException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import reactor.core.publisher.Mono;

/**
 * A Spring Security {@link ReactiveAuthenticationManager} that checks email and password logins with
 * {@link Minoro#authenticate(String, String)}, so that Minoro's lockout, disabled accounts and rehashing
 * apply, and grants the user's roles and permissions as authorities.
 *
 * <pre>{@code
 *
 * @Bean
 * ReactiveAuthenticationManager authenticationManager(Minoro minoro) {
 *     return MinoroReactiveAuthenticationManager.of(minoro);
 * }
 * }</pre>
 * <p>The authenticated token's principal is a {@link MinoroUserDetails}; its authorities are
 * {@code ROLE_<role name>} for each role (the prefix {@code hasRole} expects) and each permission as given
 * (for {@code hasAuthority("posts:write")}). They are read from the database at every authentication, so a
 * role granted or revoked takes effect at the user's next request with HTTP Basic. The token carries no
 * credentials.
 */
public final class MinoroReactiveAuthenticationManager implements ReactiveAuthenticationManager {

    private final AuthorityMapping authorities;

    private MinoroReactiveAuthenticationManager(AuthorityMapping authorities) {
        this.authorities = authorities;
    }

    /**
     * {@return a manager checking logins against {@code minoro}, with the role prefix {@code ROLE_}}
     *
     * @param minoro the Minoro instance whose accounts it uses
     * @throws NullPointerException when {@code minoro} is null
     */
    public static MinoroReactiveAuthenticationManager of(Minoro minoro) {
        return new MinoroReactiveAuthenticationManager(AuthorityMapping.of(minoro));
    }

    /**
     * {@return a copy that prefixes role names with {@code rolePrefix} instead of {@code ROLE_} ({@code ""} for none),
     * as with Spring Security's {@code GrantedAuthorityDefaults}}
     *
     * @param rolePrefix the prefix of the role authorities, such as {@code ROLE_}
     */
    public MinoroReactiveAuthenticationManager withRolePrefix(String rolePrefix) {
        return new MinoroReactiveAuthenticationManager(authorities.withRolePrefix(rolePrefix));
    }

    /**
     * Verifies a {@link UsernamePasswordAuthenticationToken} (name: the email; credentials: the password).
     *
     * <p>A cold {@code Mono}: on subscription it calls {@code minoro.authenticate}, whose password hashing
     * runs on Minoro's hashing scheduler, then reads the user's roles and permissions; it emits an
     * authenticated {@link UsernamePasswordAuthenticationToken} on one of Minoro's threads. It completes
     * empty for any other kind of {@link Authentication}, so that a delegating manager can try the next one.
     * Errors, each with Minoro's exception as the cause:
     * <ul>
     *   <li>{@link BadCredentialsException}: unknown email, wrong or missing password (the same for all);</li>
     *   <li>{@link LockedException}: too many failed logins in a row; the message says until when;</li>
     *   <li>{@link DisabledException}: the password was right but the account is disabled;</li>
     *   <li>{@link CredentialsExpiredException}: the password was right but older than Minoro's
     *       {@code passwordMaxAge};</li>
     *   <li>{@link AuthenticationServiceException}: Minoro could not answer (database failure, hashing
     *       queue full), which Spring Security reports as a server error rather than a refused login.</li>
     * </ul>
     */
    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        if (!(authentication instanceof UsernamePasswordAuthenticationToken)) {
            return Mono.empty();
        }
        return Mono.defer(() -> {
            String email = authentication.getName();
            if (!(authentication.getCredentials() instanceof String)) {
                return Mono.error(new BadCredentialsException("a password is required"));
            }
            String password = (String) authentication.getCredentials();
            return authorities.minoro().authenticate(email, password)
                    .flatMap(authorities::details)
                    .map(details -> authenticated(details, authentication))
                    .onErrorMap(MinoroException.class, MinoroReactiveAuthenticationManager::translate);
        });
    }

    private static Authentication authenticated(MinoroUserDetails details, Authentication request) {
        UsernamePasswordAuthenticationToken result =
                UsernamePasswordAuthenticationToken.authenticated(details, null, details.getAuthorities());
        result.setDetails(request.getDetails());
        return result;
    }

    private static RuntimeException translate(MinoroException e) {
        if (e instanceof InvalidCredentialsException || e instanceof InvalidInputException) {
            return new BadCredentialsException(e.getMessage(), e);
        }
        if (e instanceof AccountLockedException) {
            return new LockedException(e.getMessage(), e);
        }
        if (e instanceof AccountDisabledException) {
            return new DisabledException(e.getMessage(), e);
        }
        if (e instanceof PasswordExpiredException) {
            return new CredentialsExpiredException(e.getMessage(), e);
        }
        return new AuthenticationServiceException(e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "MinoroReactiveAuthenticationManager{" + authorities + '}';
    }
}
