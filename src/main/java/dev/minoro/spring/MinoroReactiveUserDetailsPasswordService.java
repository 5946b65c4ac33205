package dev.minoro.spring;

import dev.minoro.InvalidInputException;
import dev.minoro.Minoro;
import dev.minoro.User;
import org.springframework.security.core.userdetails.ReactiveUserDetailsPasswordService;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import reactor.core.publisher.Mono;

/**
 * A Spring Security {@link ReactiveUserDetailsPasswordService} that stores, in Minoro, a password that Spring
 * Security has encoded.
 *
 * <p><b>What Spring hands over.</b> Spring calls {@link #updatePassword} with the output of an application's
 * {@code PasswordEncoder}: by default {@code PasswordEncoderFactories.createDelegatingPasswordEncoder()}, whose
 * output is {@code {bcrypt}$2a$10$…}; with {@code Argon2PasswordEncoder} behind the delegating encoder,
 * {@code {argon2}$argon2id$v=19$…} (or {@code {argon2@SpringSecurity_v5_8}…}); with a bare
 * {@code BCryptPasswordEncoder} or {@code Argon2PasswordEncoder}, the hash alone; {@code {pbkdf2}} and
 * {@code {scrypt}} values of Spring's PBKDF2 and scrypt encoders likewise. This service stores the value as an
 * imported hash ({@code UserRepository.changePasswordHash}), which reads every format Minoro imports (the
 * README's table: Spring's {@code {id}} forms among them): the user logs in with the password through
 * {@link MinoroReactiveAuthenticationManager}, and that first login replaces the hash with Minoro's own
 * Argon2id. Other encodings ({@code {noop}}, {@code {sha256}}, …) are refused with Minoro's
 * {@link InvalidInputException}, whose message names the format; so is a hash costlier than
 * {@code MinoroConfig.importedHashCostFactor()} allows.
 *
 * <p>Spring's own {@code UserDetailsRepositoryReactiveAuthenticationManager} calls it after a login whose hash
 * its encoder wants to upgrade; with Minoro that manager does not check passwords
 * ({@link MinoroUserDetails#getPassword()} is null, and Minoro upgrades its hashes itself at login), so this
 * service is for an application's own password flows that work with Spring's abstractions, and to satisfy
 * configurations that require the bean.
 */
public final class MinoroReactiveUserDetailsPasswordService implements ReactiveUserDetailsPasswordService {

    private final AuthorityMapping authorities;

    private MinoroReactiveUserDetailsPasswordService(AuthorityMapping authorities) {
        this.authorities = authorities;
    }

    /**
     * {@return a service storing passwords in {@code minoro}, whose details carry role authorities prefixed
     * {@code ROLE_}}
     *
     * @param minoro the Minoro instance whose accounts it changes
     * @throws NullPointerException when {@code minoro} is null
     */
    public static MinoroReactiveUserDetailsPasswordService of(Minoro minoro) {
        return new MinoroReactiveUserDetailsPasswordService(AuthorityMapping.of(minoro));
    }

    /**
     * {@return a copy whose details prefix role names with {@code rolePrefix} instead of {@code ROLE_}}
     *
     * @param rolePrefix the prefix of the role authorities, such as {@code ROLE_}; {@code ""} for none
     */
    public MinoroReactiveUserDetailsPasswordService withRolePrefix(String rolePrefix) {
        return new MinoroReactiveUserDetailsPasswordService(authorities.withRolePrefix(rolePrefix));
    }

    /**
     * A cold {@code Mono} that stores {@code newPassword}, a hash from Spring's {@code PasswordEncoder} (see the
     * class documentation), for the user {@code user} names (by id when it is a {@link MinoroUserDetails}, else by
     * its username, the email), clears any lockout, and emits the user's {@link MinoroUserDetails} as they are
     * afterwards. Emits on the database driver's threads; nothing is hashed.
     *
     * @param user the user, as Spring holds it
     * @param newPassword the encoded password
     * @return the user's details, read after the change
     * @throws UsernameNotFoundException (signalled) when there is no such user
     * @throws InvalidInputException     (signalled) for an encoding Minoro does not import, or a hash costlier than
     *                                   {@code importedHashCostFactor} allows; the message never quotes the hash
     */
    @Override
    public Mono<UserDetails> updatePassword(UserDetails user, String newPassword) {
        return Mono.defer(() -> {
            if (user == null || newPassword == null) {
                return Mono.error(new InvalidInputException("user and newPassword must not be null"));
            }
            Mono<User> found = user instanceof MinoroUserDetails details
                    ? authorities.minoro().users().findById(details.id())
                    : authorities.minoro().users().findByEmail(user.getUsername())
                            .onErrorResume(InvalidInputException.class, malformed -> Mono.empty());
            return found
                    .switchIfEmpty(Mono.error(() -> new UsernameNotFoundException("no Minoro user has this username")))
                    .flatMap(account -> authorities.minoro().users().changePasswordHash(account.id(), newPassword)
                            .then(authorities.minoro().users().findById(account.id())))
                    .switchIfEmpty(Mono.error(() -> new UsernameNotFoundException("the user was deleted meanwhile")))
                    .flatMap(authorities::details)
                    .cast(UserDetails.class);
        });
    }

    @Override
    public String toString() {
        return "MinoroReactiveUserDetailsPasswordService{" + authorities + '}';
    }
}
